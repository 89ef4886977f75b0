// The client against the real emulator over loopback: every endpoint wrapper, logins, token
// renewal, faults, cancellation and keep-alive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, PlatformClient } from '../../src/api/client.ts';
import * as api from '../../src/api/endpoints.ts';
import { ApiError, AuthError, CancelledError } from '../../src/api/errors.ts';
import type { CallRecord } from '../../src/api/request-log.ts';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.ts';

const instant = { sleep: async () => {} };
const opened: Array<{ close(): Promise<unknown> }> = [];

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, ...options });
  opened.push(emu);
  return emu;
}

async function login(
  emu: RunningEmulator,
  options: Partial<ClientOptions> = {},
): Promise<PlatformClient> {
  const client = await PlatformClient.connect({
    url: emu.url,
    credentials: { kind: 'client', clientId: emu.client_id, clientSecret: emu.client_secret },
    retry: instant,
    ...options,
  });
  opened.unshift(client); // closed before the emulators
  return client;
}

afterAll(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const waitUntil = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

describe('against the emulator', () => {
  let emu: RunningEmulator;
  let client: PlatformClient;
  const records: CallRecord[] = [];

  beforeAll(async () => {
    emu = await emulator();
    client = await login(emu);
    client.onCall((r) => records.push(r));
  });

  it('logs in with the API client and finds its tenant', async () => {
    expect(client.tokenExpiresOn).toBeGreaterThan(Date.now() / 1000 + 3600);
    expect(client.auth.Authorization).toMatch(/^Bearer \S{20,}$/);
    const info = await api.getClientInfo(client);
    expect(info.tenant_id).toBe(emu.tenant_id);
    const home = await api.getTenant(client, emu.tenant_id);
    expect(home.kind).toBe('partner');
  });

  it('refuses a wrong secret with an AuthError', async () => {
    const error = await PlatformClient.connect({
      url: emu.base_url,
      credentials: {
        kind: 'client',
        clientId: emu.client_id,
        clientSecret: 'not-the-secret-0123456789',
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).oauthError).toBe('invalid_client');
  });

  it('getMe and createApiClient with the administrator’s Basic login', async () => {
    const me = await api.getMe({
      url: emu.url,
      login: emu.admin.login,
      password: emu.admin.password,
    });
    expect(me.tenant_id).toBe(emu.tenant_id);
    const meViaClient = await api.getMe(client, {
      login: emu.admin.login,
      password: emu.admin.password,
    });
    expect(meViaClient.id).toBe(me.id);
    const wrong = await api
      .getMe({ url: emu.url, login: emu.admin.login, password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ApiError);
    expect((wrong as ApiError).status).toBe(401);
    expect((wrong as ApiError).hint).toMatch(/login and password/);

    const created = await api.createApiClient({
      url: emu.url,
      login: emu.admin.login,
      password: emu.admin.password,
      tenantId: me.tenant_id,
      name: 'integration test',
    });
    expect(created.client_secret.length).toBeGreaterThan(8);
    const second = await login(emu, {
      credentials: {
        kind: 'client',
        clientId: created.client_id,
        clientSecret: created.client_secret,
      },
    });
    expect((await api.getClientInfo(second)).tenant_id).toBe(me.tenant_id);
  });

  it('lists, pages and fetches tenants', async () => {
    const first = await api.listTenants(client, { parent_id: emu.tenant_id, limit: 2 });
    expect(first.items.length).toBeLessThanOrEqual(2);
    const pages: number[] = [];
    const all: string[] = [];
    for await (const page of api.listTenantPages(client, {
      subtree_root_id: emu.tenant_id,
      limit: 5,
    })) {
      pages.push(page.length);
      all.push(...page.map((t) => t.id));
    }
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(all).size).toBe(all.length);
    const iterated: string[] = [];
    for await (const t of api.iterateTenants(client, { subtree_root_id: emu.tenant_id, limit: 7 }))
      iterated.push(t.id);
    expect(iterated.sort()).toEqual([...all].sort());

    const some = await api.getTenants(client, all.slice(0, 5));
    expect(some.map((t) => t.id).sort()).toEqual(all.slice(0, 5).sort());
    const ids = await api.children(client, emu.tenant_id);
    const detailed = await api.children(client, emu.tenant_id, { details: true });
    expect(detailed.map((t) => t.id).sort()).toEqual([...ids].sort());
  });

  it('creates, updates, conflicts, disables and deletes a tenant', async () => {
    const name = `Api Test ${Date.now()}`;
    const created = await api.createTenant(client, {
      name,
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    expect(created.version).toBe(1);
    const dup = await api
      .createTenant(client, { name, kind: 'customer', parent_id: emu.tenant_id })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ApiError);
    expect((dup as ApiError).platformCode).toBe('1004');

    const renamed = await api.updateTenant(client, created.id, {
      version: created.version,
      name: `${name} B`,
    });
    expect(renamed.version).toBe(created.version + 1);
    const stale = await api
      .updateTenant(client, created.id, { version: created.version, name: 'x' })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ApiError);
    expect((stale as ApiError).platformCode).toBe('1001');
    expect((stale as ApiError).hint).toMatch(/current `version`/);

    const notDisabled = await api
      .deleteTenant(client, created.id, renamed.version)
      .catch((e: unknown) => e);
    expect((notDisabled as ApiError).platformCode).toBe('1006');
    const disabled = await api.updateTenant(client, created.id, {
      version: renamed.version,
      enabled: false,
    });
    await api.deleteTenant(client, created.id, disabled.version);
    const gone = await api.getTenant(client, created.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiError);
  });

  it('searches by name', async () => {
    const tenants = await api.children(client, emu.tenant_id, { details: true });
    const target =
      tenants.find((t) => t.kind === 'customer' && t.ancestral_access !== false) ?? tenants[0];
    if (!target) throw new Error('the emulator has no tenants');
    const result = await api.search(client, {
      tenant: emu.tenant_id,
      text: target.name,
      limit: 50,
    });
    expect(result.items.some((i) => i.obj_type === 'tenant' && i.id === target.id)).toBe(true);
  });

  it('reads and toggles 2FA, and explains a unit', async () => {
    const customer = await api.createTenant(client, {
      name: `Mfa Test ${Date.now()}`,
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    const before = await api.getTenantMfa(client, customer.id);
    expect(before.mfa_status).toBe('disabled');
    const on = await api.setTenantMfa(client, customer.id, true);
    expect(on.mfa_status).toBe('enabled');
    const off = await api.setTenantMfa(client, customer.id, false);
    expect(['disabled', 'disable_in_progress']).toContain(off.mfa_status);

    const unit = await api.createTenant(client, {
      name: `Mfa Unit ${Date.now()}`,
      kind: 'unit',
      parent_id: customer.id,
    });
    const raw = await api.setTenantMfaRaw(client, unit.id, true);
    expect(raw.status_code).toBe(403);
    const error = (() => {
      try {
        raw.parse();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).explanation.meaning).toMatch(/inherit/);
  });

  it('handles users', async () => {
    const customer = await api.createTenant(client, {
      name: `Users Test ${Date.now()}`,
      kind: 'customer',
      parent_id: emu.tenant_id,
    });
    const login = `api-test-${Date.now()}`;
    expect(await api.checkLogin(client, login)).toBe(true);
    const user = await api.createUser(client, {
      tenant_id: customer.id,
      login,
      contact: { email: `${login}@example.com`, firstname: 'Api', lastname: 'Test' },
    });
    expect(await api.checkLogin(client, login)).toBe(false);
    await api.sendActivationEmail(client, user.id);
    expect(await api.listTenantUserIds(client, customer.id)).toContain(user.id);
    expect((await api.getUser(client, user.id)).login).toBe(login);
    await api.setUserMfa(client, user.id, false);
  });

  it('cancels a call', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(api.getTenant(client, emu.tenant_id, ac.signal)).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it('keeps one connection across sequential calls', async () => {
    const fresh = await login(emu);
    for (let i = 0; i < 25; i++) await api.getTenantMfa(fresh, emu.tenant_id);
    expect(fresh.stats).toMatchObject({ calls: 26, connections: 1, retries: 0 });
  });

  it('records every call', () => {
    expect(records.length).toBeGreaterThan(10);
    expect(records.every((r) => r.path.startsWith('/api/2/'))).toBe(true);
  });
});

describe('tokens with the emulator', () => {
  it('renews a short-lived token before it expires, without a 401', async () => {
    const emu = await emulator({ tokenTtl: 2, tenants: 2 });
    const client = await login(emu);
    const records: CallRecord[] = [];
    client.onCall((r) => records.push(r));
    await api.getTenant(client, emu.tenant_id);
    expect(client.stats.renewals).toBe(0);
    const firstExpiry = client.tokenExpiresOn;
    await waitUntil(firstExpiry * 1000 + 20);
    await api.getTenant(client, emu.tenant_id);
    expect(client.stats.renewals).toBe(1);
    expect(client.tokenExpiresOn).toBeGreaterThan(firstExpiry);
    expect(
      records.map(
        (r) => `${r.method} ${r.path.replace(emu.tenant_id, 'ID')} ${r.status} ${r.tries}`,
      ),
    ).toEqual([
      'GET /api/2/tenants/ID 200 1',
      'POST /api/2/idp/token 200 1',
      'GET /api/2/tenants/ID 200 1',
    ]);
  });

  it('renews once on a 401 and repeats the call once', async () => {
    const emu = await emulator({ tokenTtl: 1, tenants: 2 });
    const frozen = Date.now();
    // A clock that stands still: the client believes its token fresh, the emulator does not.
    const client = await login(emu, { clock: () => frozen });
    const records: CallRecord[] = [];
    client.onCall((r) => records.push(r));
    await waitUntil(client.tokenExpiresOn * 1000 + 20);
    const tenant = await api.getTenant(client, emu.tenant_id);
    expect(tenant.id).toBe(emu.tenant_id);
    expect(client.stats.renewals).toBe(1);
    const call = records.find((r) => r.method === 'GET');
    expect(call).toMatchObject({ status: 200, tries: 2, retries: 0 });
  });
});

describe('faults', () => {
  it('many GETs all succeed through 30% faults, and the retries are counted', async () => {
    const emu = await emulator({ faults: 0.3, tenants: 4 });
    const client = await login(emu, { retry: { ...instant, tries: 12 } });
    const records: CallRecord[] = [];
    client.onCall((r) => records.push(r));
    for (let i = 0; i < 60; i++) await api.getTenantMfa(client, emu.tenant_id);
    expect(records).toHaveLength(60);
    expect(records.every((r) => r.status === 200)).toBe(true);
    const retried = records.reduce((n, r) => n + r.retries, 0);
    expect(retried).toBeGreaterThan(5);
    expect(client.stats.retries).toBeGreaterThanOrEqual(retried);
  });

  it('cancels a slow call quickly', async () => {
    // The reply takes 1.5 s: a cancel that waited for it could not finish within 1 s, and a busy
    // machine still has room for a prompt one (the login pays the latency too).
    const emu = await emulator({ latency: 1500, tenants: 2 });
    const client = await login(emu);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const started = performance.now();
    const error = await api.getTenant(client, emu.tenant_id, ac.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
