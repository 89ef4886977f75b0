import * as api from '../api/endpoints.ts';
import { explain } from '../api/explain.ts';
import { maskSecret } from '../api/redact.ts';
import type { Asker } from '../ui/asker.ts';
import { pprint } from '../ui/format.ts';
import { describeChange } from './mfa.ts';
import { rawCall } from './raw-calls.ts';
import type { StepSession } from './session.ts';
import { createTenant, findTenant, useTenant } from './tenants.ts';

const FIELD_MEANINGS: Record<string, string> = {
  mfa_status: 'the tenant\'s 2FA setting now: "enabled", "disabled" or "disable_in_progress".',
  users_with_totp_enabled_count: 'users who have finished setting up their one-time-password app.',
  users_count: 'active users of the tenant, its folders and units included.',
  update_allowed:
    'whether you may change this setting for this tenant (false for units: they inherit).',
};

/** The three ways to send step 5, for the reader to take home (token masked). */
export function sendSnippets(baseUrl: string, tenantId: string, enabled: boolean): string {
  const url = `${baseUrl}/tenants/${tenantId}/mfa/status`;
  const body = JSON.stringify({ enabled });
  return [
    'TypeScript (undici):',
    `  await request('${url}', { method: 'PUT',`,
    `    headers: { 'Content-Type': 'application/json', ...auth }, body: '${body}' })`,
    'Python (requests), as on the page:',
    `  requests.put(f'{base_url}/tenants/{tenant_id}/mfa/status',`,
    `      headers={'Content-Type': 'application/json', **auth}, data=mfa_status)`,
    'curl:',
    `  curl -X PUT '${url}' \\`,
    `    -H 'Content-Type: application/json' -H "Authorization: Bearer $TENANT_SHELL_TOKEN" \\`,
    `    -d '${body}'`,
  ].join('\n');
}

/**
 * `.guide`: the page's six steps, one at a time. Every variable it sets is the page's own
 * (`tenant_id`, `mfa_status`, `response`), so leaving midway keeps what was done.
 */
export async function runGuide(
  session: StepSession,
  ask: Asker,
  print: (text: string) => void,
): Promise<void> {
  const heading = (n: number, text: string) => print(`\n── Step ${n} of 6 ── ${text}`);
  const client = session.client;

  heading(1, 'Authenticate to the cloud platform.');
  print(
    [
      'Done at login. The page says these variables should be available now:',
      `  base_url  = '${client.baseUrl}'   # the base URL of the API`,
      `  auth      = {Authorization: '${maskSecret(client.auth.Authorization)}'}   # the header with the access token`,
      `  tenant_id = '${String(session.getTenantId())}'   # the tenant your token gives access to`,
    ].join('\n'),
  );

  heading(
    2,
    'Assign to tenant_id the UUID of a sub-tenant, created via the API or found by its name.',
  );
  const how = await ask.select<'create' | 'find' | 'pick' | 'keep'>('Which sub-tenant?', [
    { name: 'Create a new sub-tenant', value: 'create' },
    { name: 'Find one by its name', value: 'find' },
    { name: 'Pick one from the tree', value: 'pick' },
    { name: 'Keep the current tenant_id', value: 'keep' },
  ]);
  if (how === 'create') {
    const tenant = await createTenant(session);
    session.setTenantId(tenant.id);
    print(`>>> tenant_id = created_tenant_id\n'${tenant.id}'`);
  } else if (how === 'find') {
    const tenant = await findTenant(session);
    session.setTenantId(tenant.id);
    print(`>>> tenant_id = found_tenant_id\n'${tenant.id}'   # ${tenant.name} (${tenant.kind})`);
  } else if (how === 'pick') {
    const tenant = await useTenant(session);
    print(`>>> tenant_id\n'${tenant.id}'   # ${tenant.name} (${tenant.kind})`);
  }
  const tenantId = String(session.getTenantId());

  heading(3, 'Define mfa_status: an object whose enabled key holds the status you want.');
  const enabled = await ask.select('Two-factor authentication:', [
    { name: 'Enable (enabled: true)', value: true },
    { name: 'Disable (enabled: false)', value: false },
  ]);
  session.setVariable('mfa_status', { enabled });
  print(`>>> mfa_status = {'enabled': ${enabled ? 'True' : 'False'}}`);

  heading(4, 'Convert mfa_status to a JSON text.');
  const text = JSON.stringify({ enabled }, null, 4);
  session.setVariable('mfa_status', text);
  print(`>>> print(mfa_status)\n${text}`);

  heading(5, 'Send a PUT request with the JSON text to /tenants/{tenant_id}/mfa/status.');
  print(sendSnippets(client.baseUrl, tenantId, enabled));
  const [tenant, status] = await session.busy('Reading the tenant', () =>
    Promise.all([
      api.getTenant(client, tenantId, session.signal()),
      api.getTenantMfa(client, tenantId, session.signal()),
    ]),
  );
  print(`\n${describeChange(tenant, status, enabled)}`);
  if (!(await ask.confirm('Send it?', false))) {
    print('Nothing was sent. Run .guide again whenever you like.');
    return;
  }
  const response = await rawCall(session, 'PUT', 'put', `/tenants/${tenantId}/mfa/status`, text);

  heading(6, 'Check the status code of the response.');
  print(`>>> response.status_code\n${response.status_code}`);
  const body = (() => {
    try {
      return response.json();
    } catch {
      return undefined;
    }
  })();
  if (response.status_code === 200) {
    print(
      'Status code 200 means that the platform has successfully changed the status of two-factor authentication for the tenant.',
    );
  } else {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    const why = explain({
      status: response.status_code,
      method: 'PUT',
      path: `/api/2/tenants/${tenantId}/mfa/status`,
      platformCode: code === undefined ? undefined : String(code),
    });
    print(`A different status code means that an error has occurred: ${why.meaning}`);
    if (why.cause) print(`Likely cause: ${why.cause}`);
    print(`Next: ${why.next}`);
  }
  if (body !== undefined) {
    print(`>>> pprint.pprint(response.json())\n${pprint(body)}`);
    if (response.ok && body && typeof body === 'object') {
      for (const [key, value] of Object.entries(body)) {
        const meaning = FIELD_MEANINGS[key];
        if (meaning) print(`  ${key} = ${JSON.stringify(value)}: ${meaning}`);
      }
    }
  }
  print('\nThe variables tenant_id, mfa_status and response now hold what the page has.');
}
