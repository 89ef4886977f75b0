// The client's typed calls of the onboarding journey, against the emulator over loopback:
// each call reaches its route, its reply passes the schema, and its argument checks speak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as calls from '../../src/api/calls/index.ts';
import { PlatformClient } from '../../src/api/client.ts';
import * as api from '../../src/api/endpoints.ts';
import { ApiError, UsageError } from '../../src/api/errors.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';

let emu: RunningEmulator;
let client: PlatformClient;
let n = 0;
const name = (what: string) => `Client Journey ${what} ${++n}`;

beforeAll(async () => {
  emu = await startEmulator({ tenants: 6 });
  client = await PlatformClient.connect({
    url: emu.url,
    credentials: { kind: 'client', clientId: emu.client_id, clientSecret: emu.client_secret },
  });
});
afterAll(async () => {
  await client.close();
  await emu.close();
});

describe('typed calls of the journey', () => {
  it('provisions a customer: services, offering items, quotas, edition, pricing', async () => {
    const customer = await api.createTenant(client, {
      name: name('Customer'),
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    const backup = await calls.findApplication(client, 'backup');
    expect(backup?.id).toBe('6e6d758d-8e74-3ae3-ac84-50eb0dff12eb');
    expect(await calls.getApplication(client, backup?.id ?? '')).toMatchObject({ type: 'backup' });
    await calls.enableService(client, backup?.id ?? '', customer.id);
    expect(await calls.getTenantApplications(client, customer.id)).toContain(backup?.id);
    expect((await calls.getTenantsApplications(client, [customer.id]))[0]?.tenant).toBe(
      customer.id,
    );

    const offered = await calls.availableForChild(client, emu.tenant_id, { kind: 'customer' });
    const wanted = offered.filter((i) => ['workstations', 'storage'].includes(i.usage_name));
    const set = await calls.setOfferingItems(client, customer.id, wanted);
    expect(set.map((i) => i.status)).toEqual([1, 1]);
    const [ws] = await calls.listOfferingItems(client, customer.id, {
      usage_names: ['workstations'],
      status: 1,
    });
    const quota = await calls.setOfferingItems(client, customer.id, [
      { name: 'workstations', quota: { value: 3, overage: 1, version: ws?.quota?.version ?? 0 } },
    ]);
    expect(quota[0]?.quota).toMatchObject({ value: 3, overage: 1 });
    await expect(
      calls.setOfferingItems(client, customer.id, [
        { name: 'workstations', quota: { value: 4, version: 0 } },
      ]),
    ).rejects.toMatchObject({ status: 426 });
    const storages = set.filter((i) => i.type === 'infra').map((i) => i.infra_id ?? '');
    expect((await calls.getStorages(client, storages)).map((s) => s.platform_owned)).toEqual([
      true,
    ]);
    expect(await calls.editionWarnings(client, customer.id, backup?.id ?? '', 'advanced')).toEqual(
      [],
    );
    const switched = await calls.switchEdition(client, customer.id, backup?.id ?? '', 'advanced');
    expect(
      switched
        .filter((i) => i.status === 1)
        .map((i) => i.name)
        .sort(),
    ).toEqual(['adv_storage', 'adv_workstations']);
    expect(
      (await calls.listSubtreeOfferingItems(client, customer.id, { edition: '*', status: 1 }))
        .length,
    ).toBe(2);

    expect((await calls.getPricing(client, customer.id)).mode).toBe('trial');
    expect((await calls.switchToProduction(client, customer.id)).mode).toBe('production');
    await expect(calls.switchToProduction(client, customer.id)).resolves.toMatchObject({
      mode: 'production',
    });

    const usages = await calls.getTenantUsages(client, customer.id);
    expect(usages.map((u) => u.name).sort()).toEqual(['adv_storage', 'adv_workstations']);
    expect((await calls.getTenantsUsages(client, [customer.id]))[0]?.usages.length).toBe(2);
    await calls.disableService(client, backup?.id ?? '', customer.id);
    expect(await calls.getTenantUsages(client, customer.id)).toEqual([]);
  });

  it("runs a user's life: roles, activation, updates, deletion, and a one-time-token session", async () => {
    const customer = await api.createTenant(client, {
      name: name('Users'),
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    const login = `client.journey.${++n}`;
    const user = await api.createUser(client, {
      tenant_id: customer.id,
      login,
      contact: { email: `${login}@example.test` },
    });
    const roles = await calls.setAccessPolicies(client, user.id, [
      { role_id: 'company_admin', tenant_id: customer.id },
    ]);
    expect(roles.map((r) => r.role_id)).toEqual(['company_admin']);
    expect(await calls.getAccessPolicies(client, user.id)).toEqual(roles);
    await calls.setUserPassword(client, user.id, 'a long client password');
    expect((await api.getUser(client, user.id)).activated).toBe(true);
    expect((await calls.listUsers(client, { tenant_id: customer.id })).map((u) => u.id)).toEqual([
      user.id,
    ]);
    const ott = await calls.createOneTimeToken(client, { login });
    const session = await calls.loginWithOneTimeToken(client, ott);
    expect(session.user.id).toBe(user.id);
    expect(session.cookie).toMatch(/^AccountServerSession=/);
    await calls.logout(client, session.cookie);
    const current = await api.getUser(client, user.id);
    const off = await calls.updateUser(client, user.id, {
      enabled: false,
      version: current.version,
    });
    expect(off.enabled).toBe(false);
    await calls.deleteUser(client, user.id, off.version);
    await expect(api.getUser(client, user.id)).rejects.toBeInstanceOf(ApiError);
  });

  it("runs a tenant's life and a report, and scopes a token to a customer", async () => {
    const folder = await api.createTenant(client, {
      name: name('Folder'),
      kind: 'folder',
      parent_id: emu.tenant_id,
    });
    const customer = await api.createTenant(client, {
      name: name('Tenant'),
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    expect((await calls.moveTenant(client, customer.id, folder.id)).parent_id).toBe(folder.id);
    expect(
      (await calls.setUpdateLock(client, customer.id, { enabled: true })).update_lock?.enabled,
    ).toBe(true);
    expect(
      (await calls.setUpdateLock(client, customer.id, { enabled: false })).update_lock?.enabled,
    ).toBe(false);
    expect((await calls.setAncestralAccess(client, customer.id, false)).ancestral_access).toBe(
      false,
    );
    const off = await calls.setTenantEnabled(client, customer.id, false);
    await api.deleteTenant(client, customer.id, off.version);
    await calls.restoreTenant(client, customer.id);
    expect((await api.getTenant(client, customer.id)).enabled).toBe(false);

    const report = await calls.createReport(client, {
      parameters: {
        tenant_id: emu.tenant_id,
        level: 'all_customers',
        kind: 'usage_summary',
        formats: ['csv_v2_0'],
      },
      schedule: { type: 'monthly' },
      result_action: 'save',
    });
    expect((await calls.getReport(client, report.id)).id).toBe(report.id);
    expect((await calls.listTenantReports(client, emu.tenant_id)).map((r) => r.id)).toContain(
      report.id,
    );
    const changed = await calls.updateReport(client, report.id, { schedule: { enabled: false } });
    expect(changed.version).toBe(2);
    const stored = await calls.waitForStoredReports(client, report.id, { intervalMs: 100 });
    const file = await calls.downloadStoredReport(client, report.id, stored[0]?.id ?? '');
    expect(file.contentType).toMatch(/^text\/csv/);
    expect(file.text.split('\r\n')[0]).toMatch(/^tenant_name,/);
    await calls.deleteReport(client, report.id, changed.version);

    const other = await api.createTenant(client, {
      name: name('Scoped'),
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    const scoped = await calls.scopedToken(client, other.id);
    expect(scoped.expires_on).toBeGreaterThan(Date.now() / 1000);
    const narrow = await PlatformClient.connect({
      url: emu.url,
      credentials: { kind: 'token', accessToken: scoped.access_token },
    });
    try {
      expect((await api.getTenant(narrow, other.id)).id).toBe(other.id);
      await expect(api.getTenant(narrow, emu.tenant_id)).rejects.toMatchObject({ status: 403 });
    } finally {
      await narrow.close();
    }
  });

  it('says in one sentence what a wrong argument should be', async () => {
    await expect(calls.getPricing(client, 'nope')).rejects.toThrow(UsageError);
    await expect(calls.getTenantsUsages(client, [])).rejects.toThrow(/non-empty array of UUIDs/);
    await expect(calls.availableForChild(client, emu.tenant_id, { kind: 'root' })).rejects.toThrow(
      UsageError,
    );
    await expect(calls.deleteReport(client, emu.tenant_id, 1.5)).rejects.toThrow(/integer/);
    await expect(
      calls.setUpdateLock(client, emu.tenant_id, { enabled: 'yes' as never }),
    ).rejects.toThrow(/true or false/);
  });
});
