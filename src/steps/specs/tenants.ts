import type { HelperSpec } from '../spec.ts';
import { children, createTenant, findTenant, listTenants, useTenant } from '../tenants.ts';

export const TENANT_HELPERS: readonly HelperSpec[] = [
  {
    name: 'findTenant',
    topic: 'Tenants',
    tutorial: 'toggling-tenant-2fa',
    step: 2,
    summary: 'Find a sub-tenant by its exact name (asks for the name without one).',
    example: "await findTenant('Northwind Dental')",
    takesTenant: true,
    run: (s, name) => findTenant(s, name),
  },
  {
    name: 'createTenant',
    topic: 'Tenants',
    tutorial: 'provisioning-customer-tenant',
    summary: 'Create a sub-tenant under tenant_id; sets created_tenant_id.',
    example: "await createTenant('My Test Customer', {kind: 'customer'})",
    run: (s, name, opts) => createTenant(s, name, opts),
  },
  {
    name: 'useTenant',
    topic: 'Tenants',
    tutorial: 'toggling-tenant-2fa',
    step: 2,
    summary: 'Make a tenant current (sets tenant_id); without arguments, pick from the tree.',
    example: 'await useTenant(created_tenant_id)',
    takesTenant: true,
    run: (s, ref) => useTenant(s, ref),
  },
  {
    name: 'children',
    topic: 'Tenants',
    summary: 'The tenants directly under tenant_id (or the one given).',
    example: 'await children()',
    takesTenant: true,
    run: (s, ref) => children(s, ref),
  },
  {
    name: 'listTenants',
    topic: 'Tenants',
    summary: 'Every tenant below tenant_id, by pages; {kind, tenant, subtree: false} narrow it.',
    example: "await listTenants({kind: 'customer'})",
    run: (s, opts) => listTenants(s, opts),
  },
];
