// Issue 7: the emulator against random and malformed requests (fast-check). Every answer is a
// status with the documented envelope (OAuth shape on the token endpoint), nothing crashes (no
// 500, no "internal error" in the log, the server answers afterwards), versions only increase,
// the 2FA counts match the users, and no tenant or user outside a token's tree ever shows up.
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import type { TenantRec } from '../../src/emulator/world.ts';
import { ErrorEnvelope, OAuthError } from '../../src/schemas/index.ts';
import { recordFigures, registerSecrets } from './artifacts.ts';

let emulator: RunningEmulator;
const log: string[] = [];
const tokens: Record<string, string> = {};
let customerId = '';
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
  return { status: res.statusCode, text };
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
  fc.constantFrom(
    '/api/2/tenants',
    '/api/2/search',
    '/api/2/users',
    '/api/2/users/me',
    '/api/2/users/check_login',
    '/api/2/idp/token',
    '/api/2/clients',
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
    ),
    fc.oneof(
      anyId,
      fc.integer({ min: -5, max: 5000 }).map(String),
      fc.constantFrom('Harbor', 'a,b,c'),
    ),
    { maxKeys: 3 },
  )
  .map((d) => {
    const q = new URLSearchParams(d).toString();
    return q ? `?${q}` : '';
  });
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
  return out;
}

/** Every tenant id and user tenant in a reply must lie in the token's tree. */
function checkScope(value: unknown, root: string): void {
  if (Array.isArray(value)) {
    for (const v of value) checkScope(v, root);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const world = emulator.world;
  if (typeof o.id === 'string' && typeof o.kind === 'string' && world.tenants.has(o.id)) {
    expect(world.isVisible(root, o.id), `tenant ${o.id} leaked out of ${root}`).toBe(true);
  }
  if (typeof o.id === 'string' && typeof o.login === 'string' && typeof o.tenant_id === 'string') {
    expect(world.isVisible(root, o.tenant_id), `user ${o.id} leaked out of ${root}`).toBe(true);
  }
  if (o.obj_type === 'tenant' && typeof o.id === 'string') {
    expect(world.isVisible(root, o.id)).toBe(true);
  }
  for (const v of Object.values(o)) checkScope(v, root);
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
          else {
            const json = JSON.parse(res.text) as unknown;
            if (res.status >= 400) {
              // The token endpoint answers the OAuth shape; routing errors (405) the envelope.
              const ok =
                ErrorEnvelope.safeParse(json).success ||
                (path.startsWith('/api/2/idp/token') && OAuthError.safeParse(json).success);
              expect(ok, `${r.method} ${path}: ${res.text}`).toBe(true);
            } else if (r.auth === 'customer' || r.auth === 'partner') {
              checkScope(json, r.auth === 'customer' ? customerId : emulator.tenant_id);
            }
          }
          // Versions only increase.
          for (const [key, version] of versions()) {
            const old = before.get(key);
            if (old !== undefined) expect(version).toBeGreaterThanOrEqual(old);
          }
        }
        checkCounts();
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
});
