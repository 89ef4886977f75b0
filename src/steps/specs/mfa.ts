import { getMfa, setMfa, setUserMfa } from '../mfa.ts';
import type { HelperSpec } from '../spec.ts';
import { listUsers } from '../users.ts';

export const MFA_HELPERS: readonly HelperSpec[] = [
  {
    name: 'setMfa',
    topic: 'Two-factor authentication',
    tutorial: 'toggling-tenant-2fa',
    step: 5,
    summary: 'Enable or disable 2FA for tenant_id, or for a whole tree with {subtree: true}.',
    details:
      'Asks to confirm ({yes: true} answers it); {tenant} names another tenant; {tenants: [...]} a list. Tree-wide: {dryRun, concurrency, report, resume}.',
    example: 'await setMfa(true)',
    run: (s, enabled, opts) => setMfa(s, enabled, opts),
  },
  {
    name: 'getMfa',
    topic: 'Two-factor authentication',
    tutorial: 'checking-tenant-2fa-status',
    summary: "The tenant's 2FA status object, as the page prints it.",
    example: 'await getMfa()',
    takesTenant: true,
    run: (s, ref) => getMfa(s, ref),
  },
  {
    name: 'listUsers',
    topic: 'Two-factor authentication',
    tutorial: 'toggling-user-2fa',
    summary: "The users of tenant_id with each one's 2FA state.",
    example: 'await listUsers()',
    takesTenant: true,
    run: (s, ref) => listUsers(s, ref),
  },
  {
    name: 'setUserMfa',
    topic: 'Two-factor authentication',
    tutorial: 'toggling-user-2fa',
    summary: "Enable or disable one user's 2FA (by id, login or object); enabling asks first.",
    details:
      'Enabling locks the user out until they set up an authenticator app: {yes: true} answers the question. Disabling is not asked.',
    example: "await setUserMfa('new.user', false)",
    run: (s, user, enabled, opts) => setUserMfa(s, user, enabled, opts),
  },
];
