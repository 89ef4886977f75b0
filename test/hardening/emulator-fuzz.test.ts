// Issue 7: the emulator against random and malformed requests (fast-check). Every answer is a
// status with the documented envelope (OAuth shape on the token endpoint), nothing crashes (no
// 500, no "internal error" in the log, the server answers afterwards), versions only increase,
// the 2FA counts match the users, and no tenant or user outside a token's tree ever shows up.
// Issue 12 adds the journey's routes and these invariants: no child has an item or a service
// its parent lacks, quota versions only grow (or reset to 0 with the limit), usage is never
// above a hard quota, and nothing outside a customer-scoped (jwt-bearer) token's tenant shows.
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_BY_ID, ITEMS } from '../../src/emulator/catalogue.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { appsOf, enabledItems, hardLimit, itemKey } from '../../src/emulator/offering.ts';
import { usagesOf } from '../../src/emulator/usage.ts';
import type { TenantRec } from '../../src/emulator/world.ts';
import { ErrorEnvelope, OAuthError } from '../../src/schemas/index.ts';
import { recordFigures, registerSecrets } from './artifacts.ts';

let emulator: RunningEmulator;
const log: string[] = [];
const tokens: Record<string, string> = {};
let customerId = '';
let scopedId = '';
let reportIds: string[] = [];
const clientIds: Record<string, string> = {};
let ids: string[] = [];
let userIds: string[] = [];
let sent = 0;
const statuses = new Map<number, number>();

async function call(
  method: string,
  path: string,
  opts: { body?: string; type?: string; auth?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.type) headers['content-type'] = opts.type;
  if (opts.auth) headers.authorization = opts.auth;
  const res = await request(`${emulator.url}${path}`, {
    method: method as 'GET',
    headers,
    body: opts.body,
  });
  const text = await res.body.text();
  const type = res.headers['content-type'];
  return { status: res.statusCode, text, headers: { 'content-type': String(type ?? '') } };
}

async function token(clientId: string, secret: string) {
  const res = await call('POST', '/api/2/idp/token', {
    type: 'application/x-www-form-urlencoded',
    body: 'grant_type=client_credentials',
    auth: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
  });
  const t = JSON.parse(res.text).access_token as string;
  registerSecrets(t);
  return t;
}

beforeAll(async () => {
  emulator = await startEmulator({ tenants: 8, log: (l) => log.push(l) });
  registerSecrets(emulator.client_secret, emulator.admin.password);
  tokens.partner = await token(emulator.client_id, emulator.client_secret);
  const customer = [...emulator.world.tenants.values()].find(
    (t) => t.kind === 'customer' && t.ancestral_access,
  ) as TenantRec;
  customerId = customer.id;
  const created = await call('POST', '/api/2/clients', {
    type: 'application/json',
    auth: `Basic ${Buffer.from(`${emulator.admin.login}:${emulator.admin.password}`).toString('base64')}`,
    body: JSON.stringify({
      type: 'api_client',
      tenant_id: customerId,
      token_endpoint_auth_method: 'client_secret_basic',
      data: { client_name: 'fuzz' },
    }),
  });
  expect(created.status).toBe(201);
  const client = JSON.parse(created.text) as { client_id: string; client_secret: string };
  registerSecrets(client.client_secret);
  tokens.customer = await token(client.client_id, client.client_secret);
  clientIds.partner = emulator.client_id;
  clientIds.customer = client.client_id;
  clientIds.scoped = emulator.client_id;
  // A token of the partner's client narrowed (jwt-bearer) to another customer.
  scopedId = (
    [...emulator.world.tenants.values()].find(
      (t) => t.kind === 'customer' && t.ancestral_access && t.id !== customerId,
    ) as TenantRec
  ).id;
  const scoped = await call('POST', '/api/2/idp/token', {
    type: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: tokens.partner ?? '',
      scope: `urn:acronis.com:tenant-id:${scopedId}`,
    }).toString(),
  });
  expect(scoped.status).toBe(200);
  tokens.scoped = JSON.parse(scoped.text).access_token as string;
  registerSecrets(tokens.scoped);
  reportIds = [...emulator.world.reports.keys()];
  ids = [...emulator.world.tenants.keys()];
  userIds = [...emulator.world.users.keys()];
});

afterAll(async () => {
  await emulator.close();
  recordFigures('fuzz', {
    requests: sent,
    distinct_statuses: [...statuses.keys()].sort().join(' '),
    internal_errors: log.filter((l) => l.startsWith('internal error')).length,
  });
});

const garbage = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%2e%2e', '%00', '%', '😀', ' ', 'null', '-1', '1e999', 'a'.repeat(5000)),
);
const anyId = fc.oneof(
  fc.constantFrom(...['ID']).chain(() => fc.constantFrom(...ids)),
  fc.constantFrom(...['U']).chain(() => fc.constantFrom(...userIds)),
  fc.constantFrom(...['R']).chain(() => fc.constantFrom(...reportIds)),
  fc.constantFrom(...[...APP_BY_ID.keys()]),
  fc.uuid(),
  garbage,
);
const path = fc.oneof(
  anyId.map((id) => `/api/2/tenants/${encodeURIComponent(id)}`),
  anyId.map((id) => `/api/2/tenants/${encodeURIComponent(id)}/mfa/status`),
  anyId.map((id) => `/api/2/tenants/${encodeURIComponent(id)}/children`),
  anyId.map((id) => `/api/2/tenants/${encodeURIComponent(id)}/users`),
  anyId.map((id) => `/api/2/users/${encodeURIComponent(id)}`),
  anyId.map((id) => `/api/2/users/${encodeURIComponent(id)}/mfa/status`),
  anyId.map((id) => `/api/2/clients/${encodeURIComponent(id)}`),
  ...[
    'offering_items',
    'offering_items/available_for_child',
    'edition',
    'pricing',
    'usages',
    'reports',
    'applications',
    'restore',
  ].map((tail) => anyId.map((id) => `/api/2/tenants/${encodeURIComponent(id)}/${tail}`)),
  anyId.map((id) => `/api/2/users/${encodeURIComponent(id)}/access_policies`),
  anyId.map((id) => `/api/2/users/${encodeURIComponent(id)}/send-activation-email`),
  anyId.map((id) => `/api/2/users/${encodeURIComponent(id)}/password`),
  anyId.map((id) => `/api/2/reports/${encodeURIComponent(id)}`),
  anyId.map((id) => `/api/2/reports/${encodeURIComponent(id)}/stored`),
  anyId.map((id) => `/api/2/applications/${encodeURIComponent(id)}`),
  fc
    .tuple(anyId, anyId)
    .map(
      ([a, t]) =>
        `/api/2/applications/${encodeURIComponent(a)}/bindings/tenants/${encodeURIComponent(t)}`,
    ),
  fc.constantFrom(
    '/api/2/tenants',
    '/api/2/search',
    '/api/2/users',
    '/api/2/users/me',
    '/api/2/users/check_login',
    '/api/2/idp/token',
    '/api/2/clients',
    '/api/2/applications',
    '/api/2/infra',
    '/api/2/reports',
    '/api/2/tenants/usages',
    '/api/2/tenants/applications',
    '/api/2/tenants/offering_items',
    '/api/2/idp/ott',
    '/api/2/idp/ott/login',
    '/api/2/idp/logout',
    '/api/2',
    '/',
  ),
  garbage.map((g) => `/api/2/${encodeURIComponent(g)}`),
);
const query = fc
  .dictionary(
    fc.constantFrom(
      'uuids',
      'parent_id',
      'subtree_root_id',
      'limit',
      'after',
      'text',
      'tenant',
      'version',
      'include_details',
      'username',
      'edition',
      'status',
      'type',
      'kind',
      'usage_names',
      'tenants',
      'subtree_root_tenant_id',
      'tenant_id',
      'application_id',
      'target_edition',
    ),
    fc.oneof(
      anyId,
      fc.integer({ min: -5, max: 5000 }).map(String),
      fc.constantFrom(
        'Harbor',
        'a,b,c',
        '*',
        'standard',
        'advanced',
        'customer',
        'infra',
        '1',
        '0',
      ),
    ),
    { maxKeys: 3 },
  )
  .map((d) => {
    const q = new URLSearchParams(d).toString();
    return q ? `?${q}` : '';
  });
/** A PUT /tenants/{id}/offering_items body: real and unknown names, statuses, quotas. */
const itemsBody = fc
  .array(
    fc.record(
      {
        name: fc.constantFrom(...ITEMS.map((i) => i.name), 'nope'),
        status: fc.constantFrom(0, 1, 2),
        infra_id: fc.constantFrom(
          '019097a6-114f-4418-bd54-e01ef049f209',
          '51ac5df1-f53b-4b09-b1e5-687fe5dedc23',
          null,
        ),
        quota: fc.record(
          {
            value: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 2 ** 40 })),
            overage: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 })),
            version: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 45 })),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['name'] },
    ),
    { maxLength: 4 },
  )
  .chain((items) =>
    fc
      .record({ check_usage: fc.boolean() }, { requiredKeys: [] })
      .map((extra) => JSON.stringify({ offering_items: items, ...extra })),
  );

/** Offering-item bodies with the names the given tenants have, on or off, with quotas. */
function usedItemsBody(tenantIds: string[]) {
  const used = tenantIds.flatMap(
    (id) =>
      emulator.world.tenants.get(id)?.offering_items.map((r) => [r.name, r.infra_id] as const) ??
      [],
  );
  return fc
    .array(
      fc.record({
        item: fc.constantFrom(...used),
        status: fc.constantFrom(0, 1),
        value: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 ** 38 })),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map((items) =>
      JSON.stringify({
        offering_items: items.map(({ item: [name, infra_id], status, value }) => ({
          name,
          infra_id,
          status,
          quota: { value, overage: 0 },
        })),
      }),
    );
}

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({ enabled: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)) })
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        name: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('Harbor')),
        kind: fc.constantFrom('customer', 'unit', 'folder', 'partner', 'root', 'x'),
        parent_id: anyId,
        version: fc.integer({ min: -1, max: 5 }),
        enabled: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // The journey's bodies: offering items with quotas, pricing, editions, roles, reports, OTT.
  itemsBody,
  fc
    .record({
      mode: fc.constantFrom('trial', 'production', 'suspended', 'x'),
      version: fc.oneof(fc.integer(), fc.constant('1')),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      target_edition: fc.constantFrom('advanced', 'pck_per_gigabyte', 'fss_per_user', 'x'),
      application_id: fc.constantFrom(...[...APP_BY_ID.keys()]),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      role_id: fc.constantFrom('company_admin', 'partner_admin', 'backup_user', 'x'),
      tenant_id: anyId,
      trustee_id: anyId,
    })
    .map((p) =>
      JSON.stringify({
        items: [{ ...p, trustee_type: 'user', id: ZERO, issuer_id: ZERO, version: 0 }],
      }),
    ),
  fc
    .record({
      tenant_id: anyId,
      level: fc.constantFrom('itself', 'direct_partners', 'all_customers', 'x'),
      kind: fc.constantFrom('usage_current', 'usage_summary'),
      type: fc.constantFrom('once', 'monthly'),
      action: fc.constantFrom('save', 'send'),
    })
    .map((r) =>
      JSON.stringify({
        parameters: {
          tenant_id: r.tenant_id,
          level: r.level,
          kind: r.kind,
          formats: ['csv', 'json_v1'],
        },
        schedule: { type: r.type },
        result_action: r.action,
      }),
    ),
  fc
    .record({ purpose: fc.constantFrom('user_login', 'verify'), user_id: anyId })
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        version: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('1', '2', 'x')),
        update_lock: fc.record({ enabled: fc.constantFrom(true, false, 'true', 'false') }),
        parent_id: anyId,
        enhanced_security: fc.constantFrom(true, false, 'true'),
        kind: fc.constantFrom('partner', 'folder', 'customer'),
      },
      { requiredKeys: ['version'] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    'grant_type=client_credentials',
    'grant_type=password&username=a&password=b',
    '{',
  ),
);
const request_ = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'),
  path,
  query,
  body,
  type: fc.constantFrom(
    undefined,
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-8',
  ),
  auth: fc.constantFrom(
    'partner',
    'customer',
    'scoped',
    'none',
    'garbage',
    'expired-looking',
    'admin',
    'wrong-basic',
  ),
});

function authHeader(kind: string): string | undefined {
  switch (kind) {
    case 'partner':
    case 'customer':
    case 'scoped':
      return `Bearer ${tokens[kind]}`;
    case 'garbage':
      return 'Bearer not-a-token';
    case 'expired-looking':
      return `Bearer ${tokens.partner?.slice(0, -4)}AAAA`;
    case 'admin':
      return `Basic ${Buffer.from(`${emulator.admin.login}:${emulator.admin.password}`).toString('base64')}`;
    case 'wrong-basic':
      return `Basic ${Buffer.from(`${emulator.client_id}:wrong`).toString('base64')}`;
    default:
      return undefined;
  }
}

function versions(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, t] of emulator.world.tenants) out.set(`t:${id}`, t.version);
  for (const [id, u] of emulator.world.users) out.set(`u:${id}`, u.version);
  for (const [id, r] of emulator.world.reports) out.set(`r:${id}`, r.version);
  return out;
}

const ZERO = '00000000-0000-0000-0000-000000000000';

/** Each enabled item's quota version, by tenant and item. */
function quotaVersions(): Map<string, { version: number; value: number | null }> {
  const out = new Map<string, { version: number; value: number | null }>();
  for (const t of emulator.world.tenants.values()) {
    for (const r of t.offering_items) {
      out.set(`${t.id}/${itemKey(r.name, r.infra_id)}`, { version: r.version, value: r.value });
    }
  }
  return out;
}

/** A child has no item and no service its parent lacks; usage stays within hard quotas. */
function checkItems(): void {
  const world = emulator.world;
  for (const t of world.tenants.values()) {
    if (t.deleted_at !== null || t.parent_id === null) continue;
    const parent = world.tenants.get(t.parent_id) as TenantRec;
    const offered = enabledItems(parent);
    for (const key of enabledItems(t).keys()) {
      expect(offered.has(key), `${t.name} has ${key} that ${parent.name} lacks`).toBe(true);
    }
    for (const app of t.applications) {
      expect(
        appsOf(parent).includes(app),
        `${t.name} has service ${app} that ${parent.name} lacks`,
      ).toBe(true);
    }
    for (const u of usagesOf(world, t)) {
      const own = t.offering_items.find(
        (r) => r.name === u.name && r.infra_id === (u.infra_id ?? null),
      );
      // A personal tenant has its user's tenant's items on without records of its own.
      if (t.owner_id === null) {
        expect(own?.status, `${t.name} has usage of ${u.name} without the item on`).toBe(1);
      }
      const hard = own ? hardLimit(own) : null;
      if (hard !== null)
        expect(u.value, `${t.name}: ${u.name} above its hard quota`).toBeLessThanOrEqual(hard);
    }
  }
}

/** Every tenant id and user tenant in a reply must lie in the token's tree. */
function checkScope(value: unknown, root: string, clientId?: string): void {
  if (Array.isArray(value)) {
    for (const v of value) checkScope(v, root, clientId);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const world = emulator.world;
  if (typeof o.id === 'string' && typeof o.kind === 'string' && world.tenants.has(o.id)) {
    expect(world.isVisible(root, o.id, clientId), `tenant ${o.id} leaked out of ${root}`).toBe(
      true,
    );
  }
  if (typeof o.id === 'string' && typeof o.login === 'string' && typeof o.tenant_id === 'string') {
    expect(world.isVisible(root, o.tenant_id, clientId), `user ${o.id} leaked out of ${root}`).toBe(
      true,
    );
  }
  if (o.obj_type === 'tenant' && typeof o.id === 'string') {
    expect(world.isVisible(root, o.id, clientId)).toBe(true);
  }
  // Usages, batches, subtree items and reports name their tenant.
  for (const key of ['tenant_uuid', 'tenant']) {
    const id = o[key];
    if (typeof id === 'string' && world.tenants.has(id)) {
      expect(world.isVisible(root, id, clientId), `${key} ${id} leaked out of ${root}`).toBe(true);
    }
  }
  if (typeof o.tenant_id === 'string' && world.tenants.has(o.tenant_id) && !('login' in o)) {
    expect(
      world.isVisible(root, o.tenant_id, clientId),
      `tenant_id ${o.tenant_id} leaked out of ${root}`,
    ).toBe(true);
  }
  for (const v of Object.values(o)) checkScope(v, root, clientId);
}

/** users_count as the README defines it, computed here without the emulator's helpers. */
function checkCounts(): void {
  const world = emulator.world;
  const live = (t: TenantRec | undefined) => t !== undefined && t.deleted_at === null;
  for (const owner of world.tenants.values()) {
    if (!live(owner) || (owner.kind !== 'customer' && owner.kind !== 'partner')) continue;
    const domain = new Set([owner.id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of world.tenants.values()) {
        if (
          live(t) &&
          !domain.has(t.id) &&
          t.parent_id !== null &&
          domain.has(t.parent_id) &&
          (t.kind === 'folder' || t.kind === 'unit')
        ) {
          domain.add(t.id);
          grew = true;
        }
      }
    }
    let users = 0;
    let totp = 0;
    for (const u of world.users.values()) {
      if (u.enabled && domain.has(u.tenant_id)) {
        users++;
        if (u.totp_setup) totp++;
      }
    }
    const info = world.mfaInfo(owner);
    expect(info.users_count, `users_count of ${owner.name}`).toBe(users);
    expect(info.users_with_totp_enabled_count).toBe(totp);
  }
}

describe('the emulator under random and malformed requests', () => {
  it('answers each with the documented envelope and keeps its invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request_, { minLength: 1, maxLength: 12 }), async (batch) => {
        for (const r of batch) {
          const before = versions();
          const quotasBefore = quotaVersions();
          const path = r.path + r.query;
          const res = await call(r.method, path, {
            ...(r.body !== undefined && r.method !== 'GET' && { body: r.body }),
            ...(r.type !== undefined && { type: r.type }),
            ...(authHeader(r.auth) !== undefined && { auth: authHeader(r.auth) }),
          });
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${r.method} ${path}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${r.method} ${path} -> ${res.text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status === 204) expect(res.text).toBe('');
          else if (!(res.headers['content-type'] ?? '').startsWith('application/json')) {
            // Only a stored report file is not JSON.
            expect(path, res.text.slice(0, 80)).toMatch(/\/reports\/[^/]+\/stored\/[^/]+/);
          } else {
            const json = JSON.parse(res.text) as unknown;
            if (res.status >= 400) {
              // The token endpoint answers the OAuth shape; routing errors (405) the envelope.
              const ok =
                ErrorEnvelope.safeParse(json).success ||
                (path.startsWith('/api/2/idp/token') && OAuthError.safeParse(json).success);
              expect(ok, `${r.method} ${path}: ${res.text}`).toBe(true);
            } else if (r.auth === 'customer' || r.auth === 'partner' || r.auth === 'scoped') {
              const root =
                r.auth === 'customer'
                  ? customerId
                  : r.auth === 'scoped'
                    ? scopedId
                    : emulator.tenant_id;
              checkScope(json, root, clientIds[r.auth]);
            }
          }
          // Versions only increase.
          for (const [key, version] of versions()) {
            const old = before.get(key);
            if (old !== undefined) expect(version).toBeGreaterThanOrEqual(old);
          }
          // Quota versions only grow, or go back to 0 with the limit (value null).
          for (const [key, now] of quotaVersions()) {
            const old = quotasBefore.get(key);
            if (old === undefined || now.value === null) continue;
            expect(now.version, `quota version of ${key}`).toBeGreaterThanOrEqual(old.version);
          }
        }
        checkCounts();
        checkItems();
      }),
      { numRuns: 200, seed: 7 },
    );
    // Never crashed: no internal error, and it still answers.
    expect(log.filter((l) => l.startsWith('internal error'))).toEqual([]);
    const alive = await call('GET', `/api/2/tenants/${emulator.tenant_id}/mfa/status`, {
      auth: `Bearer ${tokens.partner}`,
    });
    expect(alive.status).toBe(200);
  }, 60_000);

  it('keeps every child within its parent under random offering-item changes high in the tree', async () => {
    const world = emulator.world;
    // The folder and the customers in it: changes to the folder must reach its customers.
    const folder = [...world.tenants.values()].find((t) => t.kind === 'folder') as TenantRec;
    const targets = [folder.id, ...world.childIds(folder.id)];
    let changed = 0;
    await fc.assert(
      // Bodies aimed at what the folder's customers use (turning those off must reach them),
      // mixed with fully random ones.
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.oneof(itemsBody, usedItemsBody(targets)),
        async (target, payload) => {
          const quotasBefore = quotaVersions();
          const res = await call('PUT', `/api/2/tenants/${target}/offering_items`, {
            type: 'application/json',
            body: payload,
            auth: `Bearer ${tokens.partner}`,
          });
          expect(res.status, res.text).toBeLessThan(500);
          if (res.status === 200) changed++;
          checkItems();
          for (const [key, now] of quotaVersions()) {
            const old = quotasBefore.get(key);
            if (old !== undefined && now.value !== null)
              expect(now.version).toBeGreaterThanOrEqual(old.version);
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    );
    expect(changed, 'some changes were accepted').toBeGreaterThan(10);
  }, 60_000);
});
