// The tutorial's helpers against the real emulator over loopback, without a terminal: every
// argument they need is given, and what needs a confirmation needs {yes: true}.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import { getMfa, setMfa, setUserMfa } from '../../src/steps/mfa.ts';
import { rawCall } from '../../src/steps/raw-calls.ts';
import {
  children,
  createTenant,
  findTenant,
  listTenants,
  useTenant,
} from '../../src/steps/tenants.ts';
import { listUsers } from '../../src/steps/users.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';

let emulator: Emulator;
let shell: TestShell;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 12, seed: 7 });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

async function expectUsage(promise: Promise<unknown>, sentence: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(sentence);
}

describe('step 2: a sub-tenant, created or found by name', () => {
  it('createTenant sets created_tenant_id, and tenant_id = created_tenant_id makes it current', async () => {
    shell = await stepSession(emulator);
    const tenant = await createTenant(shell.session, 'Helpers Test Customer', { kind: 'customer' });
    expect(tenant).toMatchObject({ name: 'Helpers Test Customer', kind: 'customer', version: 1 });
    expect(tenant.parent_id).toBe(emulator.tenant_id);
    expect(shell.variables.created_tenant_id).toBe(tenant.id);
    shell.variables.tenant_id = shell.variables.created_tenant_id;
    expect((await getMfa(shell.session)).mfa_status).toBe('disabled');
  });

  it('findTenant returns the tenant whose name matches exactly, and lists close ones otherwise', async () => {
    shell = await stepSession(emulator);
    const all = await listTenants(shell.session, { kind: 'customer' });
    const wanted = all.find((t) => t.ancestral_access !== false);
    expect(wanted).toBeDefined();
    const found = await findTenant(shell.session, wanted?.name);
    expect(found.id).toBe(wanted?.id);
    expect(shell.variables.found_tenant_id).toBe(wanted?.id);
    const prefix = wanted?.name.split(' ')[0] ?? '';
    await expectUsage(
      findTenant(shell.session, prefix),
      /no tenant is named exactly .*close matches: '/,
    );
    await expectUsage(findTenant(shell.session, 'zz'), /3 to 255 characters/);
    await expectUsage(findTenant(shell.session), /expects the tenant's name/);
  });

  it('useTenant takes an id or an exact name and moves tenant_id; children and listTenants browse', async () => {
    shell = await stepSession(emulator);
    const kids = await children(shell.session);
    expect(kids.length).toBeGreaterThan(0);
    const customer = (await listTenants(shell.session, { kind: 'customer' }))[0];
    if (!customer) throw new Error('the seeded world has customers');
    await useTenant(shell.session, customer.name);
    expect(shell.variables.tenant_id).toBe(customer.id);
    await useTenant(shell.session, emulator.tenant_id);
    expect(shell.variables.tenant_id).toBe(emulator.tenant_id);
    await expectUsage(useTenant(shell.session, 42), /expects a tenant/);
    await expectUsage(listTenants(shell.session, { kind: 'planet' }), /kind to be partner, folder/);
    await expectUsage(listTenants(shell.session, { knd: 'unit' }), /has no option 'knd'/);
  });
});

describe('steps 3 to 6: setMfa and getMfa', () => {
  it('setMfa(true, {yes}) answers the page object and leaves response as on the page', async () => {
    shell = await stepSession(emulator);
    const tenant = await createTenant(shell.session, 'Page Flow Customer');
    shell.variables.tenant_id = tenant.id;
    const result = await setMfa(shell.session, true, { yes: true });
    expect(result).toEqual({
      mfa_status: 'enabled',
      users_with_totp_enabled_count: 0,
      users_count: 0,
      update_allowed: true,
    });
    const response = shell.variables.response as { status_code: number; json(): unknown };
    expect(response.status_code).toBe(200);
    expect(response.json()).toEqual(result);
    expect(shell.notes.join('\n')).toContain(
      `Undo with: await setMfa(false, {tenant: '${tenant.id}'})`,
    );

    // Twice changes nothing and sends no PUT.
    const before = shell.calls.length;
    await setMfa(shell.session, true, { yes: true });
    expect(shell.calls.slice(before).some((c) => c.method === 'PUT')).toBe(false);
    expect(shell.notes.at(-1)).toMatch(/already enabled/);
  });

  it('refuses without a terminal and without yes, and sends nothing for wrong arguments', async () => {
    shell = await stepSession(emulator);
    const tenant = await createTenant(shell.session, 'Refusal Customer');
    shell.variables.tenant_id = tenant.id;
    const before = shell.calls.length;
    await expectUsage(
      setMfa(shell.session, true),
      /without a terminal to confirm, pass \{yes: true\}/,
    );
    await expectUsage(setMfa(shell.session, 'yes'), /true or false, not the string 'yes'/);
    await expectUsage(
      setMfa(shell.session, true, { tenant: 'not-a-uuid-nor-name!' }),
      /no tenant is named exactly/,
    );
    await expectUsage(setMfa(shell.session, true, { yse: true }), /has no option 'yse'/);
    shell.variables.tenant_id = 'abc';
    await expectUsage(
      setMfa(shell.session, true, { yes: true }),
      /tenant_id is the string 'abc', not a tenant UUID/,
    );
    expect(shell.calls.slice(before).filter((c) => c.method === 'PUT')).toEqual([]);
    expect((await getMfa(shell.session, tenant.id)).mfa_status).toBe('disabled');
  });

  it('on a unit, explains the inheritance and names the parent, before sending anything', async () => {
    shell = await stepSession(emulator);
    const unit = (await listTenants(shell.session, { kind: 'unit' }))[0];
    if (!unit) throw new Error('the seeded world has units');
    const before = shell.calls.length;
    await expectUsage(
      setMfa(shell.session, true, { tenant: unit.id, yes: true }),
      /is a unit: units inherit 2FA/,
    );
    expect(shell.calls.slice(before).filter((c) => c.method === 'PUT')).toEqual([]);
    const status = await getMfa(shell.session, unit.id);
    expect(status.update_allowed).toBe(false);
  });

  it('the raw form the page types by hand: put(path, json text) and get(path)', async () => {
    shell = await stepSession(emulator);
    const tenant = await createTenant(shell.session, 'Raw Form Customer');
    const path = `${emulator.base_url}/tenants/${tenant.id}/mfa/status`;
    const put = await rawCall(
      shell.session,
      'PUT',
      'put',
      path,
      JSON.stringify({ enabled: true }, null, 4),
    );
    expect(put.status_code).toBe(200);
    expect(put.json()).toMatchObject({ mfa_status: 'enabled' });
    const bad = await rawCall(shell.session, 'PUT', 'put', path, { enabled: 'yes' });
    expect(bad.status_code).toBe(400);
    const get = await rawCall(shell.session, 'GET', 'get', `/tenants/${tenant.id}/mfa/status`);
    expect(get.json()).toMatchObject({ mfa_status: 'enabled' });
    expect(shell.variables.response).toBe(get);
    await expectUsage(rawCall(shell.session, 'GET', 'get', 42), /expects a path/);
  });
});

describe('users', () => {
  it("listUsers shows each user's 2FA state, and setUserMfa changes one", async () => {
    shell = await stepSession(emulator);
    const customers = await listTenants(shell.session, { kind: 'customer' });
    let rows: Awaited<ReturnType<typeof listUsers>> = [];
    for (const c of customers.filter((t) => t.ancestral_access !== false)) {
      rows = await listUsers(shell.session, c.id);
      if (rows.some((r) => r.mfa_status === 'disabled')) break;
    }
    const user = rows.find((r) => r.mfa_status === 'disabled');
    if (!user) throw new Error('the seeded world has users without 2FA');
    // Enabling locks the user out until they enrol: without a terminal it needs {yes: true}.
    await expectUsage(setUserMfa(shell.session, user.id, true), /pass \{yes: true\}/);
    await setUserMfa(shell.session, user.id, true, { yes: true });
    const after = await shell.client.request('GET', `/users/${user.id}`);
    expect((after.body as { mfa_status: string }).mfa_status).toMatch(/^(setup_required|enabled)$/);
    await expectUsage(setUserMfa(shell.session, 'bob', true), /no user has the login 'bob'/);
    await expectUsage(setUserMfa(shell.session, user.id, 'on'), /true or false/);
  });
});
