// The onboarding journey's routes, rules and error codes, over real loopback HTTP: services,
// offering items and quotas, editions, storages, pricing, tenants' and users' life, usage,
// reports, scoped tokens and one-time-token sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import {
  AccessPolicy,
  AccessPolicyList,
  Application,
  ApplicationList,
  ErrorEnvelope,
  Infra,
  OfferingItem,
  OfferingItemList,
  Pricing,
  Report,
  StoredReport,
  StoredReportList,
  Usage,
  UsageBatch,
  UsageList,
  UserList,
} from '../../src/schemas/index.ts';
import * as z from '../../src/schemas/zod.ts';

// biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
type Json = any;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

let emu: RunningEmulator;
let token: string;
const ZERO = '00000000-0000-0000-0000-000000000000';
const BACKUP = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
const PLATFORM = '7459244f-68f3-3bf4-9f53-5f63ecc1d91f';
const PDS = 'b71b2c18-590a-303c-9d5a-8444fbe713ac';
const STORAGE_A = '019097a6-114f-4418-bd54-e01ef049f209';
const STORAGE_B = '51ac5df1-f53b-4b09-b1e5-687fe5dedc23';
let seq = 0;

async function call(
  method: string,
  path: string,
  opts: {
    token?: string | null;
    json?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const bearer = opts.token === undefined ? token : opts.token;
  if (bearer !== null && !headers.Authorization) headers.Authorization = `Bearer ${bearer}`;
  let body: string | undefined = opts.raw;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${emu.base_url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: Json = null;
  if (text !== '' && (res.headers.get('content-type') ?? '').startsWith('application/json')) {
    parsed = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** A documented error: the status, the envelope, and the platform code. */
function refused(a: Answer, status: number, code: string | number = status) {
  expect(a.status, a.text).toBe(status);
  const envelope = ErrorEnvelope.parse(a.body);
  expect(envelope.error.code).toBe(String(code));
  expect(a.body.error.domain).toBe('PlatformAccountServer');
}

const form = (fields: Record<string, string>, auth?: string) =>
  fetch(`${emu.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(auth ? { Authorization: auth } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

async function tenant(kind: string, parent = emu.tenant_id, extra: object = {}): Promise<Json> {
  const a = await call('POST', '/tenants', {
    json: { name: `Journey ${kind} ${++seq}`, kind, parent_id: parent, ...extra },
  });
  expect(a.status, a.text).toBe(201);
  return a.body;
}

async function user(tenantId: string): Promise<Json> {
  const login = `journey.user.${++seq}`;
  const a = await call('POST', '/users', {
    json: { tenant_id: tenantId, login, contact: { email: `${login}@example.test` } },
  });
  expect(a.status, a.text).toBe(200);
  return a.body;
}

async function available(id: string, query = ''): Promise<Json[]> {
  const a = await call('GET', `/tenants/${id}/offering_items/available_for_child?${query}`);
  expect(a.status).toBe(200);
  return OfferingItemList.parse(a.body).items;
}

const putItems = (id: string, items: unknown[], extra: object = {}) =>
  call('PUT', `/tenants/${id}/offering_items`, { json: { offering_items: items, ...extra } });

async function items(id: string, query = 'edition=*'): Promise<Json[]> {
  const a = await call('GET', `/tenants/${id}/offering_items?${query}`);
  expect(a.status, a.text).toBe(200);
  return OfferingItemList.parse(a.body).items;
}

/** A partner below ours with every item, so the rules can be tried on its children. */
async function fullPartner(): Promise<Json> {
  const p = await tenant('partner');
  expect(
    (await putItems(p.id, await available(emu.tenant_id, 'kind=partner&edition=*'))).status,
  ).toBe(200);
  return p;
}

async function clientIn(tenantId: string): Promise<{ id: string; secret: string; token: string }> {
  const created = await call('POST', '/clients', {
    token: null,
    headers: { Authorization: basic(emu.admin.login, emu.admin.password) },
    json: {
      type: 'api_client',
      tenant_id: tenantId,
      token_endpoint_auth_method: 'client_secret_basic',
      data: { client_name: `journey ${++seq}` },
    },
  });
  expect(created.status, created.text).toBe(201);
  const res = await form(
    { grant_type: 'client_credentials' },
    basic(created.body.client_id, created.body.client_secret),
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return {
    id: created.body.client_id,
    secret: created.body.client_secret,
    token: body.access_token,
  };
}

beforeAll(async () => {
  emu = await startEmulator({ tenants: 12 });
  const res = await form(
    { grant_type: 'client_credentials' },
    basic(emu.client_id, emu.client_secret),
  );
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => emu.close());

describe('services', () => {
  it('lists the catalogue with the real ids and types; unknown ids are 404', async () => {
    const list = ApplicationList.parse((await call('GET', '/applications')).body).items;
    expect(list.map((a) => [a.type, a.id])).toEqual(
      expect.arrayContaining([
        ['platform', PLATFORM],
        ['backup', BACKUP],
        ['physical_data_shipping', PDS],
      ]),
    );
    expect(list.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'File Sync & Share',
        'Notary',
        'Cyber Protection',
        'Management Portal',
      ]),
    );
    expect((await call('GET', `/applications/${BACKUP}`)).body.type).toBe('backup');
    refused(await call('GET', `/applications/${ZERO}`), 404);
    refused(await call('GET', '/applications', { token: null }), 401);
  });

  it('enables only what the parent has (1026), keeps the platform service, and disabling cascades', async () => {
    const p = await tenant('partner');
    const c = await tenant('customer', p.id);
    const batch = await call('GET', `/tenants/applications?tenants=${p.id},${c.id}`);
    expect(batch.body.items).toEqual([
      { tenant: p.id, applications: [PLATFORM] },
      { tenant: c.id, applications: [PLATFORM] },
    ]);
    refused(await call('POST', `/applications/${BACKUP}/bindings/tenants/${c.id}`), 400, 1026);
    expect((await putItems(p.id, await available(emu.tenant_id, 'kind=partner'))).status).toBe(200);
    expect((await call('GET', `/tenants/${p.id}/applications`)).body.items).toContain(BACKUP);
    expect((await call('POST', `/applications/${BACKUP}/bindings/tenants/${c.id}`)).status).toBe(
      204,
    );
    expect(
      (await putItems(c.id, (await available(p.id, 'kind=customer')).slice(0, 2))).status,
    ).toBe(200);
    expect((await items(c.id, 'edition=*&status=1')).length).toBe(2);
    refused(await call('DELETE', `/applications/${PLATFORM}/bindings/tenants/${p.id}`), 400, 1027);
    expect((await call('DELETE', `/applications/${BACKUP}/bindings/tenants/${p.id}`)).status).toBe(
      204,
    );
    expect((await call('GET', `/tenants/${c.id}/applications`)).body.items).toEqual([PLATFORM]);
    expect(await items(c.id, 'edition=*&status=1')).toEqual([]);
    refused(
      await call('POST', `/applications/${BACKUP}/bindings/tenants/${emu.tenant_id}`),
      403,
      1002,
    );
  });
});

describe('offering items and quotas', () => {
  it('lists by edition (standard by default, * for all), status, type and usage name; items carry every field', async () => {
    const std = await items(emu.tenant_id, '');
    expect(new Set(std.map((i) => i.edition).filter(Boolean))).toEqual(new Set(['standard']));
    const all = await items(emu.tenant_id);
    const storage = all.find((i) => i.name === 'adv_storage');
    expect(storage).toMatchObject({
      application_id: BACKUP,
      edition: 'advanced',
      usage_name: 'storage',
      type: 'infra',
      measurement_unit: 'bytes',
      locked: false,
      status: 1,
      quota: { value: null, overage: null, version: 0 },
    });
    expect(
      all
        .filter((i) => i.name === 'adv_storage')
        .map((i) => i.infra_id)
        .sort(),
    ).toEqual([STORAGE_A, STORAGE_B]);
    expect(
      (await items(emu.tenant_id, 'edition=*&type=count')).every((i) => i.type === 'count'),
    ).toBe(true);
    expect(
      new Set((await items(emu.tenant_id, 'edition=*&usage_names=vms')).map((i) => i.usage_name)),
    ).toEqual(new Set(['vms']));
    const c = await tenant('customer');
    const off = await items(c.id);
    expect(off.every((i) => i.status === 0 && !('quota' in i))).toBe(true);
    refused(await call('GET', `/tenants/${c.id}/offering_items?status=2`), 400);
    refused(await call('GET', `/tenants/${c.id}/offering_items?type=nope`), 400);
  });

  it('offers a customer one storage, a partner all of them; a bad kind is 400', async () => {
    const forCustomer = await available(emu.tenant_id, 'kind=customer&edition=*');
    expect(new Set(forCustomer.filter((i) => i.type === 'infra').map((i) => i.infra_id))).toEqual(
      new Set([STORAGE_A]),
    );
    const forPartner = await available(emu.tenant_id, 'kind=partner&edition=*');
    expect(new Set(forPartner.filter((i) => i.type === 'infra').map((i) => i.infra_id))).toEqual(
      new Set([STORAGE_A, STORAGE_B]),
    );
    refused(
      await call('GET', `/tenants/${emu.tenant_id}/offering_items/available_for_child?kind=root`),
      400,
    );
    const infra = await call('GET', `/infra?uuids=${STORAGE_A},${STORAGE_B}`);
    expect(infra.body.items.map((i: Json) => [i.id, i.platform_owned])).toEqual([
      [STORAGE_A, true],
      [STORAGE_B, false],
    ]);
  });

  it('sets quotas with versions (426 when stale), null removes a limit, and the tenant version stays', async () => {
    const c = await tenant('customer');
    const [ws] = (await available(emu.tenant_id, 'kind=customer')).filter(
      (i) => i.name === 'workstations',
    );
    const first = await putItems(c.id, [{ ...ws, quota: { value: 5, overage: 1, version: 0 } }]);
    expect(first.status, first.text).toBe(200);
    const v1 = first.body.items[0].quota.version;
    expect(v1).toBeGreaterThan(1_500_000_000_000);
    refused(await putItems(c.id, [{ name: 'workstations', quota: { value: 6, version: 0 } }]), 426);
    const second = await putItems(c.id, [
      { name: 'workstations', quota: { value: 6, overage: 1, version: v1 } },
    ]);
    expect(second.body.items[0].quota.version).toBeGreaterThan(v1);
    const cleared = await putItems(c.id, [
      { name: 'workstations', quota: { value: null, version: second.body.items[0].quota.version } },
    ]);
    expect(cleared.body.items[0].quota).toEqual({ value: null, overage: null, version: 0 });
    expect((await call('GET', `/tenants/${c.id}`)).body.version).toBe(1);
    const off = await putItems(c.id, [{ name: 'workstations', status: 0 }]);
    expect(off.body.items[0]).not.toHaveProperty('quota');
  });

  it('refuses what the parent lacks (1021), above its hard quota (1022), a dependency (1023) and two storages (1015)', async () => {
    const p = await fullPartner();
    const c = await tenant('customer', p.id);
    refused(await putItems(c.id, [{ name: 'no_such_item' }]), 400, 1021);
    // The partner turns vms off: its customer cannot have them.
    expect((await putItems(p.id, [{ name: 'vms', status: 0 }])).status).toBe(200);
    refused(await putItems(c.id, [{ name: 'vms' }]), 400, 1021);
    expect(
      (await putItems(p.id, [{ name: 'servers', quota: { value: 10, overage: 5 } }])).status,
    ).toBe(200);
    refused(
      await putItems(c.id, [{ name: 'servers', quota: { value: 12, overage: 4 } }]),
      400,
      1022,
    );
    expect(
      (await putItems(c.id, [{ name: 'servers', quota: { value: 12, overage: 3 } }])).status,
    ).toBe(200);
    refused(await putItems(c.id, [{ name: 'pds_drives' }]), 400, 1023);
    refused(
      await putItems(c.id, [
        { name: 'storage', infra_id: STORAGE_A },
        { name: 'adv_storage', infra_id: STORAGE_B },
      ]),
      400,
      1015,
    );
    expect(
      (await putItems(c.id, [{ name: 'storage', infra_id: STORAGE_A }, { name: 'pds_drives' }]))
        .status,
    ).toBe(200);
    refused(await putItems(c.id, [{ name: 'storage' }], { check_usage: true, extra: 1 }), 400);
  });

  it('check_usage refuses a hard quota below the current usage (1022)', async () => {
    const c = await tenant('customer');
    expect((await putItems(c.id, [{ name: 'storage', infra_id: STORAGE_A }])).status).toBe(200);
    const usage = (await call('GET', `/tenants/${c.id}/usages`)).body.items.find(
      (u: Json) => u.name === 'storage',
    );
    if (usage.value > 0) {
      refused(
        await putItems(
          c.id,
          [{ name: 'storage', infra_id: STORAGE_A, quota: { value: 0, overage: 0 } }],
          { check_usage: true },
        ),
        400,
        1022,
      );
    }
    expect(
      (
        await putItems(c.id, [
          { name: 'storage', infra_id: STORAGE_A, quota: { value: 0, overage: 0 } },
        ])
      ).status,
    ).toBe(200);
    const after = (await call('GET', `/tenants/${c.id}/usages`)).body.items.find(
      (u: Json) => u.name === 'storage',
    );
    expect(after.value).toBe(0);
  });

  it('a parent turning an item off turns it off below; the subtree listing shows every tenant', async () => {
    const p = await fullPartner();
    const c = await tenant('customer', p.id);
    expect((await putItems(c.id, [{ name: 'workstations' }])).status).toBe(200);
    expect((await putItems(p.id, [{ name: 'workstations', status: 0 }])).status).toBe(200);
    expect((await items(c.id, 'status=1')).map((i) => i.name)).not.toContain('workstations');
    const subtree = await call(
      'GET',
      `/tenants/offering_items?subtree_root_tenant_id=${p.id}&status=1`,
    );
    expect(new Set(subtree.body.items.map((i: Json) => i.tenant_id))).toEqual(new Set([p.id]));
    refused(await call('GET', '/tenants/offering_items'), 400);
  });

  it('switches editions, keeping quotas where the parent offers the target, else turning every item off', async () => {
    const p = await tenant('partner');
    const std = (await available(emu.tenant_id, 'kind=partner')).filter(
      (i) => i.application_id === BACKUP,
    );
    expect((await putItems(p.id, std)).status).toBe(200);
    const c = await tenant('customer', p.id);
    expect(
      (await putItems(c.id, [{ name: 'workstations', quota: { value: 7, overage: 0 } }])).status,
    ).toBe(200);
    const dry = await call(
      'GET',
      `/tenants/${c.id}/edition?application_id=${BACKUP}&target_edition=advanced`,
    );
    expect(dry.body.warnings.join(' ')).toMatch(/does not offer the advanced edition/);
    const put = await call('PUT', `/tenants/${c.id}/edition`, {
      json: { target_edition: 'advanced', application_id: BACKUP },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.items.filter((i: Json) => i.status === 1)).toEqual([]);
    const c2 = await tenant('customer');
    expect(
      (await putItems(c2.id, [{ name: 'workstations', quota: { value: 7, overage: 0 } }])).status,
    ).toBe(200);
    const moved = await call('PUT', `/tenants/${c2.id}/edition`, {
      json: { target_edition: 'pck_per_workload', application_id: BACKUP },
    });
    expect(
      moved.body.items
        .filter((i: Json) => i.status === 1)
        .map((i: Json) => [i.name, i.quota.value]),
    ).toEqual([['pw_base_workstations', 7]]);
    refused(
      await call('PUT', `/tenants/${c2.id}/edition`, {
        json: { target_edition: 'gold', application_id: BACKUP },
      }),
      400,
    );
    refused(
      await call('PUT', `/tenants/${c2.id}/edition`, {
        json: { target_edition: 'x', application_id: PDS },
      }),
      400,
      1027,
    );
  });
});

describe('pricing', () => {
  it('trial to production once; production and suspended both ways; stale versions 1001', async () => {
    const c = await tenant('customer');
    const p0 = Pricing.parse((await call('GET', `/tenants/${c.id}/pricing`)).body);
    expect(p0.mode).toBe('trial');
    expect(p0.production_start_date).toMatch(/^\d{4}-\d{2}-01T00:00:00$/);
    refused(
      await call('PUT', `/tenants/${c.id}/pricing`, { json: { ...p0, mode: 'suspended' } }),
      400,
      1027,
    );
    refused(
      await call('PUT', `/tenants/${c.id}/pricing`, {
        json: { ...p0, version: p0.version - 1, mode: 'production' },
      }),
      409,
      1001,
    );
    const p1 = (
      await call('PUT', `/tenants/${c.id}/pricing`, { json: { ...p0, mode: 'production' } })
    ).body;
    expect(p1.version).toBeGreaterThan(p0.version);
    const p2 = (
      await call('PUT', `/tenants/${c.id}/pricing`, { json: { ...p1, mode: 'suspended' } })
    ).body;
    expect(p2).toMatchObject({
      mode: 'suspended',
      production_start_date: p1.production_start_date,
    });
    const p3 = (
      await call('PUT', `/tenants/${c.id}/pricing`, { json: { ...p2, mode: 'production' } })
    ).body;
    expect(p3.mode).toBe('production');
    refused(
      await call('PUT', `/tenants/${c.id}/pricing`, { json: { ...p3, mode: 'trial' } }),
      400,
      1027,
    );
    const unit = await tenant('unit', c.id);
    refused(await call('PUT', `/tenants/${unit.id}/pricing`, { json: { version: 1 } }), 400, 1027);
    const partner = await tenant('partner');
    expect(partner).toMatchObject({ pricing_mode: 'production', mfa_status: 'enabled' });
  });
});

describe("tenants' life", () => {
  it('enhanced security at the top level or under settings, never turned off; kind only partner<->folder', async () => {
    const a = await tenant('customer', emu.tenant_id, { enhanced_security: true });
    refused(
      await call('PUT', `/tenants/${a.id}`, { json: { version: 1, enhanced_security: false } }),
      400,
      1027,
    );
    const b = await tenant('customer', emu.tenant_id, { settings: { enhanced_security: 'true' } });
    refused(
      await call('PUT', `/tenants/${b.id}`, {
        json: { version: '1', settings: { enhanced_security: 'false' } },
      }),
      400,
      1027,
    );
    refused(
      await call('PUT', `/tenants/${b.id}`, { json: { version: 1, kind: 'partner' } }),
      400,
      1027,
    );
    const f = await tenant('folder');
    expect(
      (await call('PUT', `/tenants/${f.id}`, { json: { version: 1, kind: 'partner' } })).body.kind,
    ).toBe('partner');
  });

  it('moves with the rules: 1007, 1008, 1013, 1014, 1032', async () => {
    const src = await fullPartner();
    const c = await tenant('customer', src.id);
    expect((await putItems(c.id, [{ name: 'workstations' }])).status).toBe(200);
    const bare = await tenant('partner');
    refused(
      await call('PUT', `/tenants/${c.id}`, { json: { version: 1, parent_id: bare.id } }),
      400,
      1014,
    );
    const other = await fullPartner();
    refused(
      await call('PUT', `/tenants/${other.id}`, { json: { version: 1, parent_id: c.id } }),
      400,
      1008,
    );
    const inner = await tenant('folder', src.id);
    refused(
      await call('PUT', `/tenants/${src.id}`, { json: { version: 1, parent_id: inner.id } }),
      400,
      1007,
    );
    const unit = await tenant('unit', c.id);
    refused(
      await call('PUT', `/tenants/${unit.id}`, { json: { version: 1, parent_id: other.id } }),
      400,
      1008,
    );
    const off = await fullPartner();
    const offNow = (await call('GET', `/tenants/${off.id}`)).body;
    expect(
      (
        await call('PUT', `/tenants/${off.id}`, {
          json: { version: offNow.version, enabled: false },
        })
      ).status,
    ).toBe(200);
    refused(
      await call('PUT', `/tenants/${c.id}`, { json: { version: 1, parent_id: off.id } }),
      400,
      1013,
    );
    const moved = await call('PUT', `/tenants/${c.id}`, {
      json: { version: 1, parent_id: other.id },
    });
    expect(moved.body.parent_id).toBe(other.id);
    expect((await call('GET', `/tenants/${src.id}/children`)).body.items).not.toContain(c.id);
    expect((await call('GET', `/tenants/${other.id}/children`)).body.items).toContain(c.id);
    // Locked on behalf of `other`: below `other` nobody may change it, and it cannot leave
    // `other`'s hierarchy.
    const lock = await call('PUT', `/tenants/${c.id}`, {
      json: { version: 2, update_lock: { enabled: true, owner_id: other.id } },
    });
    expect(lock.body.update_lock).toEqual({ enabled: true, owner_id: other.id });
    const below = await clientIn(c.id);
    refused(
      await call('PUT', `/tenants/${c.id}`, {
        token: below.token,
        json: { version: 3, name: 'x y z' },
      }),
      403,
      1012,
    );
    refused(
      await call('PUT', `/tenants/${c.id}`, { json: { version: 3, parent_id: src.id } }),
      400,
      1032,
    );
    const unlock = await call('PUT', `/tenants/${c.id}`, {
      json: { version: '3', update_lock: { enabled: 'false' } },
    });
    expect(unlock.body.update_lock.enabled).toBe(false);
  });

  it('suspending stops its API clients; delete needs version and a disabled tenant; restore brings it back disabled', async () => {
    const c = await tenant('customer');
    const client = await clientIn(c.id);
    expect((await call('GET', `/tenants/${c.id}`, { token: client.token })).status).toBe(200);
    expect(
      (await call('PUT', `/tenants/${c.id}`, { json: { version: 1, enabled: 'false' } })).body
        .enabled,
    ).toBe(false);
    refused(await call('GET', `/tenants/${c.id}`, { token: client.token }), 401);
    expect(
      (await form({ grant_type: 'client_credentials' }, basic(client.id, client.secret))).status,
    ).toBe(401);
    refused(await call('DELETE', `/tenants/${c.id}`), 400);
    refused(await call('DELETE', `/tenants/${c.id}?version=1`), 409, 1001);
    expect((await call('DELETE', `/tenants/${c.id}?version=2`)).status).toBe(204);
    refused(await call('GET', `/tenants/${c.id}`), 404, 1005);
    expect((await call('POST', `/tenants/${c.id}/restore`)).status).toBe(204);
    expect((await call('GET', `/tenants/${c.id}`)).body).toMatchObject({
      enabled: false,
      deleted_at: null,
    });
    refused(await call('POST', `/tenants/${c.id}/restore`), 400);
    refused(
      await call('PUT', `/tenants/${emu.tenant_id}`, { json: { version: 1, enabled: false } }),
      403,
      1002,
    );
  });
});

describe("users' life", () => {
  it('lists users by tenant, ids or subtree with paging; one selector is required', async () => {
    const c = await tenant('customer');
    const a = await user(c.id);
    const b = await user(c.id);
    expect(
      UserList.parse((await call('GET', `/users?tenant_id=${c.id}`)).body).items.map((u) => u.id),
    ).toEqual([a.id, b.id]);
    const page = await call('GET', `/users?subtree_root_tenant_id=${c.id}&limit=1`);
    expect(page.body.items.map((u: Json) => u.id)).toEqual([a.id]);
    const next = await call(
      'GET',
      `/users?subtree_root_tenant_id=${c.id}&limit=1&after=${page.body.paging.cursors.after}`,
    );
    expect(next.body.items.map((u: Json) => u.id)).toEqual([b.id]);
    expect(
      (await call('GET', `/users?uuids=${b.id},${ZERO}`)).body.items.map((u: Json) => u.id),
    ).toEqual([b.id]);
    refused(await call('GET', '/users'), 400);
  });

  it('updates with version, deletes only disabled users, and checks logins (1033)', async () => {
    const c = await tenant('customer');
    const u = await user(c.id);
    refused(
      await call('PUT', `/users/${u.id}`, { json: { version: 7, enabled: false } }),
      409,
      1001,
    );
    refused(await call('DELETE', `/users/${u.id}?version=1`), 400, 1027);
    const off = await call('PUT', `/users/${u.id}`, { json: { version: '1', enabled: 'false' } });
    expect(off.body).toMatchObject({ enabled: false, version: 2 });
    refused(await call('POST', `/users/${u.id}/send-activation-email`, { json: {} }), 400, 1018);
    refused(await call('DELETE', `/users/${u.id}?version=1`), 409, 1001);
    expect((await call('DELETE', `/users/${u.id}?version=2`)).status).toBe(204);
    refused(await call('GET', `/users/${u.id}`), 403, 1002);
    refused(await call('GET', '/users/check_login?username=a%20b'), 400, 1033);
    expect((await call('GET', '/users/check_login?username=%20spaced.login%20')).status).toBe(204);
  });

  it('roles: the PUT replaces the set, roles fit tenant kinds, backup_user may sit on the personal tenant', async () => {
    const c = await tenant('customer');
    const u = await user(c.id);
    const policy = (role: string, tenantId: string) => ({
      id: ZERO,
      issuer_id: ZERO,
      trustee_id: u.id,
      trustee_type: 'user',
      tenant_id: tenantId,
      role_id: role,
      version: 0,
    });
    const put = await call('PUT', `/users/${u.id}/access_policies`, {
      json: { items: [policy('company_admin', c.id), policy('backup_user', u.personal_tenant_id)] },
    });
    expect(put.status, put.text).toBe(200);
    expect(AccessPolicyList.parse(put.body).items.map((p) => p.role_id)).toEqual([
      'company_admin',
      'backup_user',
    ]);
    const kept = put.body.items[0];
    const replaced = await call('PUT', `/users/${u.id}/access_policies`, {
      json: { items: [kept] },
    });
    expect(replaced.body.items).toEqual([kept]);
    expect((await call('GET', `/users/${u.id}/access_policies`)).body.items).toEqual([kept]);
    refused(
      await call('PUT', `/users/${u.id}/access_policies`, {
        json: { items: [policy('partner_admin', c.id)] },
      }),
      400,
      1027,
    );
    refused(
      await call('PUT', `/users/${u.id}/access_policies`, {
        json: { items: [policy('no_such_role', c.id)] },
      }),
      400,
    );
    // A role applies in the user's tenant or below, never above it.
    refused(
      await call('PUT', `/users/${u.id}/access_policies`, {
        json: { items: [policy('partner_admin', emu.tenant_id)] },
      }),
      400,
    );
    refused(
      await call('PUT', `/users/${u.id}/access_policies`, {
        json: { items: [{ ...policy('company_admin', c.id), trustee_id: ZERO }] },
      }),
      400,
    );
  });

  it("a customer user's personal tenant: a hidden unit whose quotas (only) can be set", async () => {
    const c = await tenant('customer');
    expect((await putItems(c.id, [{ name: 'workstations' }, { name: 'servers' }])).status).toBe(
      200,
    );
    const u = await user(c.id);
    const pid = u.personal_tenant_id;
    const personal = await call('GET', `/tenants/${pid}`);
    expect(personal.body).toMatchObject({ id: pid, kind: 'unit', parent_id: c.id, owner_id: u.id });
    const before = await items(pid, '');
    expect(before.map((i) => [i.name, i.status])).toEqual([
      ['workstations', 1],
      ['servers', 1],
    ]);
    const quota = await putItems(pid, [{ name: 'workstations', quota: { value: 2, overage: 0 } }]);
    expect(quota.body.items[0].quota).toMatchObject({ value: 2, overage: 0 });
    refused(await putItems(pid, [{ name: 'servers', status: 0 }]), 400, 1027);
    refused(
      await call('PUT', `/tenants/${pid}`, { json: { version: 1, name: 'x y z' } }),
      400,
      1027,
    );
    expect((await call('GET', `/tenants/${c.id}/children`)).body.items).toEqual([]);
    expect((await call('GET', `/tenants/${c.id}`)).body.has_children).toBe(false);
    // The customer turning servers off turns them off for the user too.
    expect((await putItems(c.id, [{ name: 'servers', status: 0 }])).status).toBe(200);
    expect((await items(pid, '')).map((i) => i.name)).toEqual(['workstations']);
    expect(
      (await call('PUT', `/users/${u.id}`, { json: { version: 1, enabled: false } })).status,
    ).toBe(200);
    expect((await call('DELETE', `/users/${u.id}?version=2`)).status).toBe(204);
    refused(await call('GET', `/tenants/${pid}`), 404, 1005);
    const partnerUser = await user(emu.tenant_id);
    expect(partnerUser.personal_tenant_id).toBeNull();
  });

  it('activation: only an API client, only users of sub-tenants', async () => {
    const own = await user(emu.tenant_id);
    refused(await call('POST', `/users/${own.id}/send-activation-email`, { json: {} }), 403, 1002);
    refused(
      await call('POST', `/users/${own.id}/password`, { json: { password: 'long enough pw' } }),
      403,
      1002,
    );
    const c = await tenant('customer');
    const u = await user(c.id);
    expect((await call('POST', `/users/${u.id}/send-activation-email`)).status).toBe(204);
  });
});

describe('usage', () => {
  it('follows the items: none for a disabled item, never above a hard quota, the same for the same seed', async () => {
    const list = UsageList.parse(
      (await call('GET', `/tenants/${emu.tenant_id}/children`)).body.items.length
        ? (
            await call(
              'GET',
              `/tenants/${(await call('GET', `/tenants/${emu.tenant_id}/children`)).body.items[0]}/usages`,
            )
          ).body
        : { items: [] },
    ).items;
    expect(list.length).toBeGreaterThan(0);
    for (const u of list) {
      const q = u.offering_item?.quota;
      if (q && q.value !== null) expect(u.value).toBeLessThanOrEqual(q.value + (q.overage ?? 0));
    }
    const c = await tenant('customer');
    expect(
      (await putItems(c.id, [{ name: 'workstations', quota: { value: 1, overage: 0 } }])).status,
    ).toBe(200);
    const mine = UsageList.parse((await call('GET', `/tenants/${c.id}/usages`)).body).items;
    expect(mine.map((u) => u.name)).toEqual(['workstations']);
    expect(mine[0]?.value).toBeLessThanOrEqual(1);
    expect((await putItems(c.id, [{ name: 'workstations', status: 0 }])).status).toBe(200);
    expect((await call('GET', `/tenants/${c.id}/usages`)).body.items).toEqual([]);
    const children = (await call('GET', `/tenants/${emu.tenant_id}/children`)).body.items
      .slice(0, 3)
      .join(',');
    const one = UsageBatch.parse((await call('GET', `/tenants/usages?tenants=${children}`)).body);
    const twin = await startEmulator({ tenants: 12 });
    try {
      const res = await fetch(`${twin.base_url}/idp/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basic(twin.client_id, twin.client_secret),
        },
        body: 'grant_type=client_credentials',
      });
      const t2 = ((await res.json()) as { access_token: string }).access_token;
      const other = await fetch(`${twin.base_url}/tenants/usages?tenants=${children}`, {
        headers: { Authorization: `Bearer ${t2}` },
      });
      const strip = (b: Json) =>
        b.items.map((i: Json) => i.usages.map((u: Json) => [u.name, u.value]));
      expect(strip(await other.json())).toEqual(strip(one));
    } finally {
      await twin.close();
    }
    refused(await call('GET', '/tenants/usages'), 400);
  });
});

describe('reports', () => {
  const body = (tenantId: string, extra: object = {}) => ({
    parameters: {
      tenant_id: tenantId,
      level: 'all_customers',
      kind: 'usage_current',
      formats: ['csv', 'html', 'json_v1'],
    },
    schedule: { type: 'once' },
    result_action: 'save',
    ...extra,
  });

  it('stores one file per format, in progress then saved, in the format asked for', async () => {
    const created = await call('POST', '/reports', { json: body(emu.tenant_id) });
    expect(created.status, created.text).toBe(200);
    const r = Report.parse(created.body);
    const stored = StoredReportList.parse(
      (await call('GET', `/reports/${r.id}/stored`)).body,
    ).items;
    expect(stored.map((s) => [s.report_format, s.status])).toEqual([
      ['csv', 'in_progress'],
      ['html', 'in_progress'],
      ['json_v1', 'in_progress'],
    ]);
    refused(await call('GET', `/reports/${r.id}/stored/${stored[0]?.id}`), 409);
    await new Promise((res) => setTimeout(res, 350));
    const saved = (await call('GET', `/reports/${r.id}/stored`)).body.items;
    expect(saved.every((s: Json) => s.status === 'saved' && s.size > 0)).toBe(true);
    const csv = await call('GET', `/reports/${r.id}/stored/${saved[0].id}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^tenant_name,tenant_uuid,customer_id,/);
    const html = await call('GET', `/reports/${r.id}/stored/${saved[1].id}`);
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    const json = await call('GET', `/reports/${r.id}/stored/${saved[2].id}`);
    expect(json.body.items.length).toBe(csv.text.trim().split('\r\n').length - 1);
    const gz = await fetch(`${emu.base_url}/reports/${r.id}/stored/${saved[0].id}`, {
      headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' },
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    // fetch undoes the gzip encoding itself.
    expect(await gz.text()).toBe(csv.text);
  });

  it('monthly reports can change, once reports cannot; delete needs the version; the period is checked', async () => {
    const once = (
      await call('POST', '/reports', { json: body(emu.tenant_id, { result_action: 'send' }) })
    ).body;
    expect((await call('GET', `/reports/${once.id}/stored`)).body.items).toEqual([]);
    refused(
      await call('PUT', `/reports/${once.id}`, { json: { schedule: { enabled: false } } }),
      400,
      1027,
    );
    const monthly = (
      await call('POST', '/reports', {
        json: body(emu.tenant_id, { schedule: { type: 'monthly' } }),
      })
    ).body;
    const changed = await call('PUT', `/reports/${monthly.id}`, {
      json: { version: 1, schedule: { enabled: false } },
    });
    expect(changed.body).toMatchObject({
      version: 2,
      schedule: { type: 'monthly', enabled: false },
    });
    expect(
      (await call('GET', `/tenants/${emu.tenant_id}/reports`)).body.items.map((x: Json) => x.id),
    ).toContain(monthly.id);
    refused(await call('DELETE', `/reports/${monthly.id}?version=1`), 409, 1001);
    expect((await call('DELETE', `/reports/${monthly.id}?version=2`)).status).toBe(204);
    refused(await call('GET', `/reports/${monthly.id}`), 403, 1002);
    refused(
      await call('POST', '/reports', {
        json: {
          ...body(emu.tenant_id),
          parameters: {
            ...body(emu.tenant_id).parameters,
            period: { start: '2999-01-01', end: '2999-01-31' },
          },
        },
      }),
      400,
    );
    refused(
      await call('POST', '/reports', {
        json: { ...body(emu.tenant_id), schedule: { type: 'weekly' } },
      }),
      400,
    );
  });
});

describe('tokens and sessions', () => {
  it('a jwt-bearer token scoped to a customer sees only that customer', async () => {
    const c = await tenant('customer');
    const res = await form(
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: token,
        scope: `urn:acronis.com:tenant-id:${c.id}`,
      },
      `Bearer ${token}`,
    );
    expect(res.status).toBe(200);
    const scoped = (await res.json()) as Json;
    expect(scoped.expires_on).toBeGreaterThan(Date.now() / 1000);
    expect((await call('GET', `/tenants/${c.id}`, { token: scoped.access_token })).status).toBe(
      200,
    );
    refused(
      await call('GET', `/tenants/${emu.tenant_id}`, { token: scoped.access_token }),
      403,
      1002,
    );
    const outside = await form({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: scoped.access_token,
      scope: `urn:acronis.com:tenant-id:${emu.tenant_id}`,
    });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as Json).error).toBe('invalid_scope');
    const bad = await form({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: 'x.y.z',
      scope: `urn:acronis.com:tenant-id:${c.id}`,
    });
    expect(((await bad.json()) as Json).error).toBe('invalid_grant');
  });

  it('one-time tokens: API clients only, once, and the session cookie works until logout', async () => {
    const c = await tenant('customer');
    const u = await user(c.id);
    const ott = await call('POST', '/idp/ott', { json: { purpose: 'user_login', user_id: u.id } });
    expect(ott.status).toBe(200);
    const login = await call('POST', '/idp/ott/login', {
      token: null,
      json: { ott: ott.body.ott },
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(
      (await call('GET', '/users/me', { token: null, headers: { Cookie: cookie } })).body.id,
    ).toBe(u.id);
    expect(
      (await call('GET', '/idp/logout', { token: null, headers: { Cookie: cookie } })).status,
    ).toBe(204);
    refused(await call('GET', '/users/me', { token: null, headers: { Cookie: cookie } }), 401);
    refused(await call('POST', '/idp/ott', { json: { purpose: 'user_login' } }), 400);
    // A `verify` token does not log in; users below a tenant closed to its ancestors are out of
    // reach, as unknown ones.
    const verify = await call('POST', '/idp/ott', { json: { purpose: 'verify', user_id: u.id } });
    refused(
      await call('POST', '/idp/ott/login', { token: null, json: { ott: verify.body.ott } }),
      400,
    );
    const hidden = [...emu.world.tenants.values()].find(
      (t) => !t.ancestral_access && t.kind === 'customer',
    );
    const hiddenUser = [...emu.world.users.values()].find((x) => x.tenant_id === hidden?.id);
    expect(hiddenUser, 'a seeded user below the hidden customer').toBeDefined();
    refused(
      await call('POST', '/idp/ott', { json: { purpose: 'user_login', user_id: hiddenUser?.id } }),
      403,
      1002,
    );
    refused(
      await call('POST', '/idp/ott', { json: { purpose: 'user_login', login: 'nobody.here' } }),
      403,
      1002,
    );
  });
});

describe('errors on every new route', () => {
  it('an empty JSON body, a wrong content type and a bad token answer in the envelope', async () => {
    const c = await tenant('customer');
    const u = await user(c.id);
    const writes: [string, string][] = [
      ['PUT', `/tenants/${c.id}/offering_items`],
      ['PUT', `/tenants/${c.id}/edition`],
      ['PUT', `/tenants/${c.id}/pricing`],
      ['PUT', `/tenants/${c.id}`],
      ['PUT', `/users/${u.id}`],
      ['PUT', `/users/${u.id}/access_policies`],
      ['POST', `/users/${u.id}/password`],
      ['POST', '/reports'],
      ['POST', '/idp/ott'],
    ];
    for (const [method, path] of writes) {
      refused(
        await call(method, path, { raw: '', headers: { 'Content-Type': 'application/json' } }),
        400,
      );
      refused(
        await call(method, path, { raw: '{}', headers: { 'Content-Type': 'text/plain' } }),
        415,
      );
      refused(await call(method, path, { token: 'nope', json: {} }), 401);
    }
    refused(
      await call('POST', '/idp/ott/login', {
        token: null,
        raw: '',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
    );
    for (const path of [
      `/tenants/${c.id}/usages`,
      `/tenants/${c.id}/pricing`,
      `/tenants/${c.id}/offering_items`,
      '/infra',
      `/tenants/${c.id}/reports`,
      `/users/${u.id}/access_policies`,
    ]) {
      refused(await call('GET', path, { token: null }), 401);
      if (path !== '/infra') {
        refused(await call('GET', path.replace(c.id, ZERO).replace(u.id, ZERO)), 403, 1002);
      }
    }
  });
});

describe('what the emulator answers is exactly the schemas (loose for the client, strict here)', () => {
  it('has no field the schemas do not name', async () => {
    const c = await tenant('customer');
    expect(
      (await putItems(c.id, [{ name: 'workstations', quota: { value: 3, overage: 1 } }])).status,
    ).toBe(200);
    const u = await user(c.id);
    const put = await call('PUT', `/users/${u.id}/access_policies`, {
      json: {
        items: [
          { trustee_id: u.id, trustee_type: 'user', tenant_id: c.id, role_id: 'company_admin' },
        ],
      },
    });
    const report = await call('POST', '/reports', {
      json: {
        parameters: { tenant_id: c.id, level: 'itself', kind: 'usage_current' },
        schedule: { type: 'once' },
        result_action: 'save',
      },
    });
    const strict: [z.ZodMiniObject, unknown[]][] = [
      [z.strictObject(Application.shape), (await call('GET', '/applications')).body.items],
      [z.strictObject(OfferingItem.shape), await items(c.id)],
      [z.strictObject(Pricing.shape), [(await call('GET', `/tenants/${c.id}/pricing`)).body]],
      [z.strictObject(Usage.shape), (await call('GET', `/tenants/${c.id}/usages`)).body.items],
      [z.strictObject(AccessPolicy.shape), put.body.items],
      [z.strictObject(Report.shape), [report.body]],
      [
        z.strictObject(StoredReport.shape),
        (await call('GET', `/reports/${report.body.id}/stored`)).body.items,
      ],
      [z.strictObject(Infra.shape), (await call('GET', '/infra')).body.items],
    ];
    for (const [schema, values] of strict) {
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(schema.safeParse(v).error?.issues ?? []).toEqual([]);
    }
  });
});
