import type { HelperSpec } from '../spec.ts';
import {
  allowAccess,
  limitAccess,
  lockTenant,
  moveTenant,
  unlockTenant,
} from '../tenant-access.ts';
import { deleteTenant, disableTenant, enableTenant } from '../tenant-lifecycle.ts';

const TOPIC = 'Tenant access and lifecycle' as const;
const ACCESS = 'limiting-access-moving-locking-tenant';
const LIFECYCLE = 'suspending-reactivating-terminating-tenant';

export const LIFECYCLE_HELPERS: readonly HelperSpec[] = [
  {
    name: 'limitAccess',
    topic: TOPIC,
    tutorial: ACCESS,
    step: 2,
    summary: 'Close a tenant to higher-level administrators (ancestral_access false); asks first.',
    details:
      '{yes: true} answers the question. The undo (allowAccess) is printed only if you still see the tenant.',
    example: 'await limitAccess(sub_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => limitAccess(s, tenant, opts),
  },
  {
    name: 'allowAccess',
    topic: TOPIC,
    tutorial: ACCESS,
    step: 2,
    summary: 'Open a tenant to higher-level administrators again (ancestral_access true).',
    example: 'await allowAccess(sub_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => allowAccess(s, tenant, opts),
  },
  {
    name: 'moveTenant',
    topic: TOPIC,
    tutorial: ACCESS,
    step: 3,
    summary: 'Move a tenant under another partner or folder; sets moved.',
    details: 'Both by id, exact name or object. Prints the undo (the move back).',
    example: 'await moveTenant(other.id, folder.id)',
    takesTenant: true,
    run: (s, tenant, parent, opts) => moveTenant(s, tenant, parent, opts),
  },
  {
    name: 'lockTenant',
    topic: TOPIC,
    tutorial: ACCESS,
    step: 4,
    summary: 'Lock a tenant: only administrators of the lock owner (your tenant) may change it.',
    details:
      '{owner} names another owner, which may exclude you: asks first ({yes: true}). Sets locked. Undo: unlockTenant.',
    example: 'await lockTenant(other.id)',
    takesTenant: true,
    run: (s, tenant, opts) => lockTenant(s, tenant, opts),
  },
  {
    name: 'unlockTenant',
    topic: TOPIC,
    tutorial: ACCESS,
    step: 4,
    summary: 'Unlock a locked tenant.',
    example: 'await unlockTenant(other.id)',
    takesTenant: true,
    run: (s, tenant, opts) => unlockTenant(s, tenant, opts),
  },
  {
    name: 'disableTenant',
    topic: TOPIC,
    tutorial: LIFECYCLE,
    step: 2,
    summary:
      'Suspend a tenant: its users and API clients cannot log in (asks first); sets suspended.',
    details: '{yes: true} answers the question. Data is kept. Undo: enableTenant.',
    example: 'await disableTenant(customer_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => disableTenant(s, tenant, opts),
  },
  {
    name: 'enableTenant',
    topic: TOPIC,
    tutorial: LIFECYCLE,
    step: 3,
    summary: 'Reactivate a suspended tenant; sets reactivated.',
    example: 'await enableTenant(customer_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => enableTenant(s, tenant, opts),
  },
  {
    name: 'deleteTenant',
    topic: TOPIC,
    tutorial: LIFECYCLE,
    step: 4,
    summary:
      'Terminate a tenant with its sub-tenants and users: suspends, then deletes (asks first).',
    details:
      "{yes: true} answers the question. Users and API clients are gone for good; the tenants alone can be restored with post('/tenants/ID/restore').",
    example: 'await deleteTenant(customer_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => deleteTenant(s, tenant, opts),
  },
];
