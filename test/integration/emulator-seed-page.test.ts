// The seed page ("Toggling a tenant's two-factor authentication status") against the
// emulator: once from TypeScript in the page's order, once from Python with requests.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';

const run = promisify(execFile);
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('seed page: toggling a tenant 2FA status', () => {
  it('follows the steps in order and gets the documented answers', async () => {
    // Step 1: authenticate with the API client.
    const tokenRes = await fetch(`${emu.base_url}/idp/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${emu.client_id}:${emu.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(tokenRes.status).toBe(200);
    const token = (await tokenRes.json()) as { access_token: string; token_type: string };
    expect(token.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(token.token_type).toBe('bearer');
    const base_url = emu.base_url;
    expect(base_url.endsWith('/api/2')).toBe(true);
    const auth = { Authorization: `Bearer ${token.access_token}` };
    const client = await fetch(`${base_url}/clients/${emu.client_id}`, { headers: auth });
    expect(client.status).toBe(200);
    let tenant_id = ((await client.json()) as { tenant_id: string }).tenant_id;
    expect(tenant_id).toBe(emu.tenant_id);

    // Step 2: a sub-tenant created via the API (with one user, as the official examples do)...
    const json = { ...auth, 'Content-Type': 'application/json' };
    const created = await fetch(`${base_url}/tenants`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Seed Page Customer', kind: 'customer', parent_id: tenant_id }),
    });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { id: string; version: number; pricing_mode: string };
    expect(tenant.version).toBe(1);
    expect(tenant.pricing_mode).toBe('trial');
    const check = await fetch(`${base_url}/users/check_login?username=seed.page.user`, {
      headers: auth,
    });
    expect(check.status).toBe(204);
    const user = await fetch(`${base_url}/users`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        tenant_id: tenant.id,
        login: 'seed.page.user',
        contact: { email: 'seed.page.user@example.test', firstname: 'Seed', lastname: 'Page' },
      }),
    });
    expect(user.status).toBe(200);
    const userId = ((await user.json()) as { id: string }).id;
    const activation = await fetch(`${base_url}/users/${userId}/send-activation-email`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(activation.status).toBe(204);

    // ...or found by its name: the first tenant item whose name is exactly the wanted one.
    const found = await fetch(
      `${base_url}/search?tenant=${tenant_id}&text=${encodeURIComponent('Seed Page Customer')}`,
      { headers: auth },
    );
    expect(found.status).toBe(200);
    const items = (
      (await found.json()) as { items: { obj_type: string; name?: string; id: string }[] }
    ).items;
    const hit = items.find((i) => i.obj_type === 'tenant' && i.name === 'Seed Page Customer');
    expect(hit?.id).toBe(tenant.id);
    tenant_id = tenant.id;

    // Steps 3-5: PUT the JSON text with Content-Type: application/json.
    const mfa_status = JSON.stringify({ enabled: true }, null, 4);
    const response = await fetch(`${base_url}/tenants/${tenant_id}/mfa/status`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: mfa_status,
    });
    // Step 6.
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toStrictEqual({
      mfa_status: 'enabled',
      users_with_totp_enabled_count: 0,
      users_count: 1,
      update_allowed: true,
    });
  });

  it('works from python3 with requests, literally as the page does it', async () => {
    const script = fileURLToPath(new URL('../fixtures/toggle_tenant_2fa.py', import.meta.url));
    const { stdout } = await run('python3', [script], {
      env: {
        ...process.env,
        EMU_BASE_URL: emu.base_url,
        EMU_CLIENT_ID: emu.client_id,
        EMU_CLIENT_SECRET: emu.client_secret,
        EMU_TENANT_NAME: 'Python Seed Page Customer',
      },
      timeout: 15_000,
    });
    const [status, body] = stdout.trim().split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body ?? 'null')).toStrictEqual({
      mfa_status: 'enabled',
      users_with_totp_enabled_count: 0,
      users_count: 1,
      update_allowed: true,
    });
  });
});
