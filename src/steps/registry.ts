import { getMfa, setMfa, setUserMfa } from './mfa.ts';
import { rawCall } from './raw-calls.ts';
import type { StepSession } from './session.ts';
import { children, createTenant, findTenant, listTenants, useTenant } from './tenants.ts';
import { listUsers } from './users.ts';

/** One helper as the shell offers it: the name users type, what it does, how to call it. */
export interface HelperSpec {
  name: string;
  /** The page's step it stands for, if any. */
  step?: number;
  summary: string;
  example: string;
  /** Whether an argument is a tenant reference (for completion of names). */
  takesTenant?: boolean;
  run(session: StepSession, ...args: unknown[]): Promise<unknown>;
}

/** Every helper, in the page's order. `.help`, completion and the context are built from this. */
export const HELPERS: readonly HelperSpec[] = [
  {
    name: 'findTenant',
    step: 2,
    summary: 'Find a sub-tenant by its exact name (asks for the name without one).',
    example: "await findTenant('Northwind Dental')",
    takesTenant: true,
    run: (s, name) => findTenant(s, name),
  },
  {
    name: 'createTenant',
    step: 2,
    summary: 'Create a sub-tenant under tenant_id; sets created_tenant_id.',
    example: "await createTenant('My Test Customer', {kind: 'customer'})",
    run: (s, name, opts) => createTenant(s, name, opts),
  },
  {
    name: 'useTenant',
    step: 2,
    summary: 'Make a tenant current (sets tenant_id); without arguments, pick from the tree.',
    example: 'await useTenant(created_tenant_id)',
    takesTenant: true,
    run: (s, ref) => useTenant(s, ref),
  },
  {
    name: 'children',
    summary: 'The tenants directly under tenant_id (or the one given).',
    example: 'await children()',
    takesTenant: true,
    run: (s, ref) => children(s, ref),
  },
  {
    name: 'listTenants',
    summary: 'Every tenant below tenant_id, by pages; {kind, tenant, subtree: false} narrow it.',
    example: "await listTenants({kind: 'customer'})",
    run: (s, opts) => listTenants(s, opts),
  },
  {
    name: 'setMfa',
    step: 5,
    summary:
      'Enable or disable 2FA for tenant_id (asks to confirm; {tenant, yes}); a whole tree with {subtree: true} or {tenants: [...]} ({dryRun, concurrency, report, resume}).',
    example: 'await setMfa(true)',
    run: (s, enabled, opts) => setMfa(s, enabled, opts),
  },
  {
    name: 'getMfa',
    step: 6,
    summary: "The tenant's 2FA status object, as the page prints it.",
    example: 'await getMfa()',
    takesTenant: true,
    run: (s, ref) => getMfa(s, ref),
  },
  {
    name: 'listUsers',
    summary: "The users of tenant_id with each one's 2FA state.",
    example: 'await listUsers()',
    takesTenant: true,
    run: (s, ref) => listUsers(s, ref),
  },
  {
    name: 'setUserMfa',
    summary: "Enable or disable one user's 2FA.",
    example: "await setUserMfa('<user id>', true)",
    run: (s, id, enabled) => setUserMfa(s, id, enabled),
  },
  {
    name: 'get',
    summary: 'GET a path under base_url, as the page does by hand; returns a response.',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await get(`/tenants/${tenant_id}/mfa/status`)',
    run: (s, path) => rawCall(s, 'GET', 'get', path),
  },
  {
    name: 'put',
    step: 5,
    summary: 'PUT a JSON body to a path under base_url; returns a response (status_code, json()).',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await put(`${base_url}/tenants/${tenant_id}/mfa/status`, {enabled: true})',
    run: (s, path, body) => rawCall(s, 'PUT', 'put', path, body),
  },
  {
    name: 'del',
    summary: "DELETE a path under base_url (the page's requests.delete); returns a response.",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await del(`/applications/${application_id}/bindings/tenants/${tenant_id}`)',
    run: (s, path) => rawCall(s, 'DELETE', 'del', path),
  },
  {
    name: 'post',
    summary: 'POST a JSON body to a path under base_url; returns a response.',
    example: "await post('/tenants', {name: 'X', kind: 'customer', parent_id: tenant_id})",
    run: (s, path, body) => rawCall(s, 'POST', 'post', path, body),
  },
];
