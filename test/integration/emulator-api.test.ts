// The emulator's endpoints, errors, authorization and 2FA semantics, over real loopback HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HIDDEN_CUSTOMER,
  LOCKED_CUSTOMER,
  type RunningEmulator,
  startEmulator,
  type TenantRec,
  totp,
} from '../../src/emulator/index.ts';
import { Tenant, TenantMfaInfo, User } from '../../src/schemas/index.ts';

let emu: RunningEmulator;
let token: string;

// biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
type Json = any;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

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
  if (text !== '') expect(res.headers.get('content-type')).toBe('application/json');
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text === '' ? null : JSON.parse(text),
  };
}

const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

async function clientToken(id: string, secret: string): Promise<string> {
  const res = await fetch(`${emu.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      Authorization: basic(id, secret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function formToken(form: Record<string, string>, auth?: string) {
  return fetch(`${emu.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(auth ? { Authorization: auth } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
}

const seeded = (n: number): TenantRec => {
  const t = [...emu.world.tenants.values()].find(
    (x) => x.kind === 'customer' && x.name.endsWith(String(n).padStart(4, '0')),
  );
  if (!t) throw new Error(`no seeded customer ${n}`);
  return t;
};

let serial = 0;
async function newCustomer(parent = emu.tenant_id): Promise<Json> {
  const res = await call('POST', '/tenants', {
    json: { name: `Test Customer ${++serial}`, kind: 'customer', parent_id: parent },
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function newUser(tenantId: string): Promise<Json> {
  const login = `test.user.${++serial}`;
  const res = await call('POST', '/users', {
    json: { tenant_id: tenantId, login, contact: { email: `${login}@example.test` } },
  });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  emu = await startEmulator({ seed: 1 });
  token = await clientToken(emu.client_id, emu.client_secret);
});
afterAll(() => emu.close());

describe('token endpoint', () => {
  it('issues a JWT-shaped bearer token valid for two hours', async () => {
    const res = await formToken(
      { grant_type: 'client_credentials' },
      basic(emu.client_id, emu.client_secret),
    );
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.access_token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_on - Date.now() / 1000).toBeGreaterThan(7190);
    expect(body.expires_on - Date.now() / 1000).toBeLessThanOrEqual(7201);
  });

  it('answers OAuth errors for bad clients, grants and content types', async () => {
    const wrong = await formToken(
      { grant_type: 'client_credentials' },
      basic(emu.client_id, 'nope'),
    );
    expect(wrong.status).toBe(401);
    const wrongBody = await wrong.json();
    expect(wrongBody).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const unknown = await formToken(
      { grant_type: 'client_credentials' },
      basic('00000000-0000-4000-8000-000000000000', 'nope'),
    );
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(wrongBody);
    const none = await formToken({ grant_type: 'client_credentials' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as Json).error).toBe('invalid_client');
    const grant = await formToken({ grant_type: 'magic' }, basic(emu.client_id, emu.client_secret));
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as Json).error).toBe('unsupported_grant_type');
    const json = await fetch(`${emu.base_url}/idp/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: basic(emu.client_id, emu.client_secret),
      },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as Json).error).toBe('invalid_request');
  });

  it('rejects missing, forged and garbage bearer tokens with 401 in the envelope', async () => {
    const missing = await call('GET', `/tenants/${emu.tenant_id}`, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('401');
    expect(missing.body.error.domain).toBe('PlatformAccountServer');
    const [h, p] = token.split('.');
    const forged = await call('GET', `/tenants/${emu.tenant_id}`, { token: `${h}.${p}.AAAA` });
    expect(forged.status).toBe(401);
    const garbage = await call('GET', `/tenants/${emu.tenant_id}`, { token: 'not-a-token' });
    expect(garbage.status).toBe(401);
  });
});

describe('clients and the administrator', () => {
  it('GET /users/me with Basic gives the admin and its tenant; wrong password is 401', async () => {
    const me = await call('GET', '/users/me', {
      token: null,
      headers: { Authorization: basic(emu.admin.login, emu.admin.password) },
    });
    expect(me.status).toBe(200);
    expect(User.parse(me.body).tenant_id).toBe(emu.tenant_id);
    expect(me.body.login).toBe(emu.admin.login);
    expect(me.body).not.toHaveProperty('password');
    const bad = await call('GET', '/users/me', {
      token: null,
      headers: { Authorization: basic(emu.admin.login, 'wrong') },
    });
    expect(bad.status).toBe(401);
    const asClient = await call('GET', '/users/me');
    expect(asClient.status).toBe(403);
    expect(asClient.body.error.code).toBe('1002');
  });

  it('POST /clients creates a client whose token sees only its tenant and below', async () => {
    const customer = await newCustomer();
    const created = await call('POST', '/clients', {
      token: null,
      headers: { Authorization: basic(emu.admin.login, emu.admin.password) },
      json: {
        type: 'api_client',
        tenant_id: customer.id,
        token_endpoint_auth_method: 'client_secret_basic',
        data: { client_name: 'customer client' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenant_id: customer.id,
      type: 'api_client',
      client_secret_expires_at: 0,
      data: { client_name: 'customer client' },
    });
    const own = await clientToken(created.body.client_id, created.body.client_secret);
    const info = await call('GET', `/clients/${created.body.client_id}`, { token: own });
    expect(info.status).toBe(200);
    expect(info.body.tenant_id).toBe(customer.id);
    expect(info.body).not.toHaveProperty('client_secret');
    expect((await call('GET', `/tenants/${customer.id}`, { token: own })).status).toBe(200);

    // Above it and beside it: the same 403 as for an id that exists nowhere.
    const partner = await call('GET', `/tenants/${emu.tenant_id}`, { token: own });
    const sibling = await call('GET', `/tenants/${seeded(1).id}`, { token: own });
    const nowhere = await call('GET', '/tenants/0badc0de-0000-4000-8000-000000000000', {
      token: own,
    });
    expect(partner.status).toBe(403);
    expect(partner.body.error.code).toBe('1002');
    expect(sibling.text).toBe(nowhere.text);
    expect(partner.text).toBe(nowhere.text);
    const mainClient = await call('GET', `/clients/${emu.client_id}`, { token: own });
    expect(mainClient.status).toBe(403);
    const search = await call('GET', `/search?tenant=${emu.tenant_id}&text=emulator`, {
      token: own,
    });
    expect(search.status).toBe(403);
  });
});

describe('authorization', () => {
  it('hides a tenant with ancestral_access false from GET, lists, children and search', async () => {
    const hidden = seeded(HIDDEN_CUSTOMER);
    expect(hidden.ancestral_access).toBe(false);
    const get = await call('GET', `/tenants/${hidden.id}`);
    const unknown = await call('GET', '/tenants/0badc0de-0000-4000-8000-000000000001');
    expect(get.status).toBe(403);
    expect(get.text).toBe(unknown.text);
    expect((await call('GET', `/tenants/${hidden.id}/mfa/status`)).text).toBe(unknown.text);
    const byIds = await call('GET', `/tenants?uuids=${hidden.id},${seeded(1).id}`);
    expect(byIds.body.items.map((t: Json) => t.id)).toEqual([seeded(1).id]);
    const children = await call('GET', `/tenants/${emu.tenant_id}/children`);
    expect(children.body.items).not.toContain(hidden.id);
    expect(children.body.items).toContain(seeded(1).id);
    const search = await call(
      'GET',
      `/search?tenant=${emu.tenant_id}&text=${encodeURIComponent(hidden.name)}&limit=300`,
    );
    expect(search.status).toBe(200);
    expect(search.body.items.map((i: Json) => i.id)).not.toContain(hidden.id);
    // Its users are hidden too.
    const userId = [...emu.world.userIdsOf(hidden.id)][0];
    if (userId) expect((await call('GET', `/users/${userId}`)).text).toBe(unknown.text);
  });

  it('never shows the root tenant', async () => {
    const root = emu.world.meta.root_id;
    const res = await call('GET', `/tenants/${root}`);
    expect(res.status).toBe(403);
    expect((await call('GET', `/tenants?parent_id=${root}`)).status).toBe(403);
  });

  it('answers 404 for a malformed id and for unknown routes, 405 with Allow for wrong methods', async () => {
    const malformed = await call('GET', '/tenants/not-a-uuid');
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('404');
    expect((await call('GET', '/nothing-here')).status).toBe(404);
    expect((await call('GET', '/api/3/tenants', {})).status).toBe(404);
    const patch = await call('PATCH', `/tenants/${emu.tenant_id}`, { json: {} });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect(patch.body.error.code).toBe('405');
    const del = await call('DELETE', '/search');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET');
  });
});

describe('tenants', () => {
  it('reads, updates with version checks and refuses duplicate names', async () => {
    const c = await newCustomer();
    expect(Tenant.parse(c).version).toBe(1);
    const got = await call('GET', `/tenants/${c.id}`);
    expect(got.body).toEqual(c);
    const upd = await call('PUT', `/tenants/${c.id}`, {
      json: { version: 1, internal_tag: 'tagged', customer_id: 'X-1' },
    });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ version: 2, internal_tag: 'tagged', customer_id: 'X-1' });
    const stale = await call('PUT', `/tenants/${c.id}`, {
      json: { version: 1, internal_tag: 'x' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('1001');
    expect((await call('GET', `/tenants/${c.id}`)).body.internal_tag).toBe('tagged');
    const dup = await call('POST', '/tenants', {
      json: { name: seeded(1).name.toUpperCase(), kind: 'customer', parent_id: emu.tenant_id },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('1004');
    const rename = await call('PUT', `/tenants/${c.id}`, {
      json: { version: 2, name: seeded(1).name },
    });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('1004');
    const noVersion = await call('PUT', `/tenants/${c.id}`, { json: { name: 'x' } });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.message).toMatch(/^version: /);
  });

  it('enforces where kinds may live and validates create bodies', async () => {
    const unit = await call('POST', '/tenants', {
      json: { name: 'Unit In Partner', kind: 'unit', parent_id: emu.tenant_id },
    });
    expect(unit.status).toBe(400);
    const c = await newCustomer();
    const ok = await call('POST', '/tenants', {
      json: { name: `Unit of ${c.name}`, kind: 'unit', parent_id: c.id },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.parent_id).toBe(c.id);
    expect((await call('GET', `/tenants/${c.id}`)).body.has_children).toBe(true);
    const bad = await call('POST', '/tenants', {
      json: { name: 'X', kind: 'galaxy', parent_id: c.id },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^kind: /);
    const invalidJson = await call('POST', '/tenants', {
      raw: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(invalidJson.status).toBe(400);
  });

  it('deletes only disabled tenants, then answers 404 code 1005', async () => {
    const c = await newCustomer();
    const u = await newUser(c.id);
    const enabled = await call('DELETE', `/tenants/${c.id}?version=1`);
    expect(enabled.status).toBe(400);
    expect(enabled.body.error.code).toBe('1006');
    const off = await call('PUT', `/tenants/${c.id}`, { json: { version: 1, enabled: false } });
    expect(off.body).toMatchObject({ enabled: false, version: 2 });
    expect((await call('DELETE', `/tenants/${c.id}?version=1`)).status).toBe(409);
    expect((await call('DELETE', `/tenants/${c.id}`)).status).toBe(400);
    const del = await call('DELETE', `/tenants/${c.id}?version=2`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await call('GET', `/tenants/${c.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('1005');
    expect((await call('GET', `/users/${u.id}`)).status).toBe(403);
    // The name is free again.
    expect(
      (
        await call('POST', '/tenants', {
          json: { name: c.name, kind: 'customer', parent_id: emu.tenant_id },
        })
      ).status,
    ).toBe(201);
  });

  it('lists need uuids, parent_id or subtree_root_id', async () => {
    const none = await call('GET', '/tenants');
    expect(none.status).toBe(400);
    expect((await call('GET', `/tenants?parent_id=${emu.tenant_id}&limit=1001`)).status).toBe(400);
    expect((await call('GET', '/tenants?uuids=nope')).status).toBe(400);
    const byIds = await call(
      'GET',
      `/tenants?uuids=${seeded(1).id},0badc0de-0000-4000-8000-000000000002`,
    );
    expect(byIds.status).toBe(200);
    expect(byIds.body.items.map((t: Json) => t.name)).toEqual([seeded(1).name]);
    expect(typeof byIds.body.timestamp).toBe('string');
  });

  it('pages a subtree and a parent to the end', async () => {
    const world = emu.world;
    const visible = [...world.tenants.values()].filter(
      (t) => t.deleted_at === null && world.isVisible(emu.tenant_id, t.id),
    );
    const pages = async (query: string) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 100; page++) {
        const res = await call('GET', `/tenants?${query}&limit=4${after ? `&after=${after}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((t: Json) => t.id));
        after = res.body.paging.cursors.after;
        if (after === undefined) {
          expect(res.body.paging.cursors).not.toHaveProperty('after');
          return seen;
        }
        expect(res.body.items).toHaveLength(4);
      }
      throw new Error('paging did not end');
    };
    const subtree = await pages(`subtree_root_id=${emu.tenant_id}`);
    expect(new Set(subtree).size).toBe(subtree.length);
    expect(new Set(subtree)).toEqual(new Set(visible.map((t) => t.id)));
    expect(subtree[0]).toBe(emu.tenant_id);
    const direct = await pages(`parent_id=${emu.tenant_id}`);
    expect(new Set(direct)).toEqual(
      new Set(visible.filter((t) => t.parent_id === emu.tenant_id).map((t) => t.id)),
    );
    expect(
      (await call('GET', `/tenants?parent_id=${emu.tenant_id}&after=${seeded(1).id}x`)).status,
    ).toBe(400);
  });

  it('children as ids or with details, and users of a tenant', async () => {
    const c = await newCustomer();
    const unit = await call('POST', '/tenants', {
      json: { name: `Child unit ${c.name}`, kind: 'unit', parent_id: c.id },
    });
    const ids = await call('GET', `/tenants/${c.id}/children`);
    expect(ids.body).toEqual({ items: [unit.body.id] });
    const details = await call('GET', `/tenants/${c.id}/children?include_details=true`);
    expect(details.body.items[0]).toMatchObject({ id: unit.body.id, kind: 'unit' });
    const u = await newUser(c.id);
    expect((await call('GET', `/tenants/${c.id}/users`)).body).toEqual({ items: [u.id] });
  });
});

describe('users', () => {
  it('check_login, unique logins, read, activation email and password', async () => {
    const c = await newCustomer();
    const u = await newUser(c.id);
    expect(User.parse(u)).toMatchObject({ tenant_id: c.id, version: 1, activated: false });
    const taken = await call('GET', `/users/check_login?username=${u.login.toUpperCase()}`);
    expect(taken.status).toBe(409);
    const dup = await call('POST', '/users', {
      json: { tenant_id: c.id, login: u.login, contact: { email: 'x@example.test' } },
    });
    expect(dup.status).toBe(409);
    const badEmail = await call('POST', '/users', {
      json: { tenant_id: c.id, login: 'fresh.login', contact: { email: 'nope' } },
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.message).toMatch(/^contact\.email: /);
    expect((await call('GET', `/users/${u.id}`)).body).toEqual(u);
    expect((await call('POST', `/users/${u.id}/send-activation-email`, { json: {} })).status).toBe(
      204,
    );
    expect(
      (await call('POST', `/users/${u.id}/password`, { json: { password: 'short' } })).status,
    ).toBe(400);
    expect(
      (await call('POST', `/users/${u.id}/password`, { json: { password: 'long enough pw' } }))
        .status,
    ).toBe(204);
    const after = (await call('GET', `/users/${u.id}`)).body;
    expect(after).toMatchObject({ activated: true, version: 2 });
    const login = await formToken({
      grant_type: 'password',
      username: u.login,
      password: 'long enough pw',
    });
    expect(login.status).toBe(200);
    const userToken = ((await login.json()) as Json).access_token;
    const me = await call('GET', '/users/me', { token: userToken });
    expect(me.body.id).toBe(u.id);
    const wrong = await formToken({
      grant_type: 'password',
      username: u.login,
      password: 'nope nope',
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Json).error).toBe('invalid_grant');
    // A user's token sees its own tenant only.
    expect((await call('GET', `/tenants/${emu.tenant_id}`, { token: userToken })).status).toBe(403);
    expect((await call('GET', `/tenants/${c.id}`, { token: userToken })).status).toBe(200);
  });
});

describe('two-factor authentication', () => {
  it('tenant toggle: user states, counts, unit inheritance and versions', async () => {
    const c = await newCustomer();
    const unit = (
      await call('POST', '/tenants', {
        json: { name: `Unit 2fa ${c.name}`, kind: 'unit', parent_id: c.id },
      })
    ).body;
    const inCustomer = await newUser(c.id);
    const inUnit = await newUser(unit.id);
    const other = await newCustomer();
    const outsider = await newUser(other.id);

    const before = await call('GET', `/tenants/${c.id}/mfa/status`);
    expect(before.body).toEqual({
      mfa_status: 'disabled',
      users_with_totp_enabled_count: 0,
      users_count: 2,
      update_allowed: true,
    });
    const on = await call('PUT', `/tenants/${c.id}/mfa/status`, { json: { enabled: true } });
    expect(on.status).toBe(200);
    expect(TenantMfaInfo.parse(on.body)).toEqual({
      mfa_status: 'enabled',
      users_with_totp_enabled_count: 0,
      users_count: 2,
      update_allowed: true,
    });
    const tenant = (await call('GET', `/tenants/${c.id}`)).body;
    expect(tenant).toMatchObject({ mfa_status: 'enabled', version: 2 });
    for (const u of [inCustomer, inUnit]) {
      expect((await call('GET', `/users/${u.id}`)).body).toMatchObject({
        mfa_status: 'setup_required',
        version: 2,
      });
    }
    expect((await call('GET', `/users/${outsider.id}`)).body.mfa_status).toBe('disabled');

    // The unit shows its customer's status and cannot change it.
    expect((await call('GET', `/tenants/${unit.id}`)).body.mfa_status).toBe('enabled');
    const unitStatus = await call('GET', `/tenants/${unit.id}/mfa/status`);
    expect(unitStatus.body).toEqual({ ...on.body, update_allowed: false });
    const unitPut = await call('PUT', `/tenants/${unit.id}/mfa/status`, {
      json: { enabled: false },
    });
    expect(unitPut.status).toBe(403);
    expect(unitPut.body.error.code).toBe('1002');
    expect(unitPut.body.error.message).toMatch(/inherit/i);
    expect(unitPut.body.error.message).toMatch(/parent customer/i);

    // A user's own switch: forcibly_disabled while the tenant enforces 2FA.
    const userOff = await call('PUT', `/users/${inCustomer.id}/mfa/status`, {
      json: { enabled: false },
    });
    expect(userOff.status).toBe(200);
    expect(userOff.body).toMatchObject({ mfa_status: 'forcibly_disabled', version: 3 });
    const userOn = await call('PUT', `/users/${inCustomer.id}/mfa/status`, {
      json: { enabled: true },
    });
    expect(userOn.body).toMatchObject({ mfa_status: 'setup_required', version: 4 });

    const off = await call('PUT', `/tenants/${c.id}/mfa/status`, { json: { enabled: false } });
    expect(off.body.mfa_status).toBe('disabled');
    expect((await call('GET', `/tenants/${c.id}`)).body.version).toBe(3);
    expect((await call('GET', `/users/${inUnit.id}`)).body.mfa_status).toBe('disabled');
    const plainOff = await call('PUT', `/users/${inUnit.id}/mfa/status`, {
      json: { enabled: false },
    });
    expect(plainOff.body.mfa_status).toBe('disabled');
  });

  it('counts users with TOTP set up, and the password grant then needs a valid code', async () => {
    const world = emu.world;
    const enrolled = [...world.users.values()].find((u) => {
      const t = world.tenants.get(u.tenant_id);
      return u.totp_setup && t && world.isVisible(emu.tenant_id, t.id) && !t.update_lock.enabled;
    });
    if (!enrolled?.totp_secret) throw new Error('seed has no enrolled user');
    const home = world.tenants.get(enrolled.tenant_id) as TenantRec;
    const owner =
      home.kind === 'unit' ? (world.tenants.get(home.parent_id ?? '') as TenantRec) : home;
    // Independent count: users of the customer and of its units.
    const domain = new Set(
      [...world.tenants.values()]
        .filter((t) => t.id === owner.id || (t.kind === 'unit' && t.parent_id === owner.id))
        .map((t) => t.id),
    );
    const users = [...world.users.values()].filter((u) => domain.has(u.tenant_id));
    const on = await call('PUT', `/tenants/${owner.id}/mfa/status`, { json: { enabled: true } });
    expect(on.body).toEqual({
      mfa_status: 'enabled',
      users_with_totp_enabled_count: users.filter((u) => u.totp_setup).length,
      users_count: users.length,
      update_allowed: true,
    });
    expect(on.body.users_with_totp_enabled_count).toBeGreaterThan(0);
    expect((await call('GET', `/users/${enrolled.id}`)).body.mfa_status).toBe('enabled');

    expect(
      (
        await call('POST', `/users/${enrolled.id}/password`, {
          json: { password: 'correct horse' },
        })
      ).status,
    ).toBe(204);
    const form = { grant_type: 'password', username: enrolled.login, password: 'correct horse' };
    const noCode = await formToken(form);
    expect(noCode.status).toBe(400);
    expect(await noCode.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/totp_code/),
    });
    const badCode = await formToken({
      ...form,
      totp_code: '000000' === totp(enrolled.totp_secret) ? '111111' : '000000',
    });
    expect(badCode.status).toBe(400);
    const good = await formToken({ ...form, totp_code: totp(enrolled.totp_secret) });
    expect(good.status).toBe(200);

    // A user who still has to set up TOTP is refused with a clear reason.
    const pending = users.find((u) => !u.totp_setup);
    if (pending) {
      await call('POST', `/users/${pending.id}/password`, { json: { password: 'correct horse' } });
      const refused = await formToken({ ...form, username: pending.login });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringMatching(/setup is required/),
      });
    }
  });

  it('locked tenants and production partners refuse changes', async () => {
    const locked = seeded(LOCKED_CUSTOMER);
    const status = await call('GET', `/tenants/${locked.id}/mfa/status`);
    expect(status.body.update_allowed).toBe(false);
    const put = await call('PUT', `/tenants/${locked.id}/mfa/status`, { json: { enabled: true } });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('1012');
    const off = await call('PUT', `/tenants/${emu.tenant_id}/mfa/status`, {
      json: { enabled: false },
    });
    expect(off.status).toBe(400);
    expect(off.body.error.code).toBe('1027');
  });

  it('enabling on the partner leaves child customers alone', async () => {
    const c = await newCustomer();
    const u = await newUser(c.id);
    const on = await call('PUT', `/tenants/${emu.tenant_id}/mfa/status`, {
      json: { enabled: true },
    });
    expect(on.status).toBe(200);
    expect(on.body.users_count).toBe(1); // the administrator only
    expect((await call('GET', `/users/${emu.world.meta.admin_id}`)).body.mfa_status).toBe(
      'setup_required',
    );
    expect((await call('GET', `/users/${u.id}`)).body.mfa_status).toBe('disabled');
    expect((await call('GET', `/tenants/${c.id}`)).body.mfa_status).toBe('disabled');
    // The administrator now cannot use Basic authentication.
    const me = await call('GET', '/users/me', {
      token: null,
      headers: { Authorization: basic(emu.admin.login, emu.admin.password) },
    });
    expect(me.status).toBe(401);
  });

  it('validates the toggle body and its Content-Type', async () => {
    const id = seeded(5).id;
    const version = emu.world.tenants.get(id)?.version ?? -1;
    const wrongType = await call('PUT', `/tenants/${id}/mfa/status`, { json: { enabled: 'yes' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/^enabled: expected boolean/);
    const missing = await call('PUT', `/tenants/${id}/mfa/status`, { json: {} });
    expect(missing.body.error.message).toMatch(/^enabled: /);
    const extra = await call('PUT', `/tenants/${id}/mfa/status`, {
      json: { enabled: true, force: 1 },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/^force: /);
    const array = await call('PUT', `/tenants/${id}/mfa/status`, { json: [true] });
    expect(array.status).toBe(400);
    const broken = await call('PUT', `/tenants/${id}/mfa/status`, {
      raw: '{"enabled": tru',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    const noType = await call('PUT', `/tenants/${id}/mfa/status`, { raw: '{"enabled": true}' });
    expect(noType.status).toBe(415);
    expect(noType.body.error.code).toBe('415');
    const textType = await call('PUT', `/users/${emu.world.meta.admin_id}/mfa/status`, {
      raw: '{"enabled": true}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(textType.status).toBe(415);
    const charset = await call('PUT', `/tenants/${id}/mfa/status`, {
      raw: '{"enabled": false}',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(200);
    // Nothing above changed the tenant except the last, valid call.
    expect(emu.world.tenants.get(id)?.version).toBe(version + 1);
  });
});

describe('search', () => {
  it('finds tenants and users by token prefixes, under the given tenant', async () => {
    const target = seeded(7);
    const [first, second] = target.name.split(' ') as [string, string];
    const byPrefix = await call(
      'GET',
      `/search?tenant=${emu.tenant_id}&text=${encodeURIComponent(`${first.slice(0, 4)} ${second.slice(0, 3)} 0007`)}`,
    );
    expect(byPrefix.status).toBe(200);
    expect(byPrefix.body.items[0]).toMatchObject({
      obj_type: 'tenant',
      id: target.id,
      name: target.name,
      kind: 'customer',
      parent_id: target.parent_id,
    });
    expect(byPrefix.body.items[0].path.startsWith('Emulator Partner/')).toBe(true);
    expect(byPrefix.body.items[0].path.endsWith(`/${target.name}`)).toBe(true);

    const user = [...emu.world.users.values()].find(
      (u) =>
        u.tenant_id === target.id || emu.world.tenants.get(u.tenant_id)?.parent_id === target.id,
    );
    if (!user) throw new Error('seeded customer 7 has no users');
    const byLogin = await call(
      'GET',
      `/search?tenant=${target.id}&text=${encodeURIComponent(user.login)}`,
    );
    expect(byLogin.body.items).toContainEqual(
      expect.objectContaining({
        obj_type: 'user',
        id: user.id,
        login: user.login,
        first_name: user.contact.firstname,
      }),
    );
    // Outside the search root nothing is found.
    const elsewhere = await call(
      'GET',
      `/search?tenant=${seeded(1).id}&text=${encodeURIComponent(target.name)}`,
    );
    expect(elsewhere.body.items).toEqual([]);
  });

  it('respects limit and validates parameters', async () => {
    const all = await call('GET', `/search?tenant=${emu.tenant_id}&text=emulator&limit=300`);
    expect(all.body.items.length).toBeGreaterThan(3);
    const two = await call('GET', `/search?tenant=${emu.tenant_id}&text=emulator&limit=2`);
    expect(two.body.items).toHaveLength(2);
    const dflt = await call('GET', `/search?tenant=${emu.tenant_id}&text=emulator`);
    expect(dflt.body.items).toHaveLength(Math.min(10, all.body.items.length));
    expect((await call('GET', `/search?tenant=${emu.tenant_id}&text=ab`)).status).toBe(400);
    expect((await call('GET', `/search?tenant=${emu.tenant_id}&text=abc&limit=0`)).status).toBe(
      400,
    );
    expect((await call('GET', `/search?tenant=${emu.tenant_id}&text=abc&limit=301`)).status).toBe(
      400,
    );
    expect((await call('GET', '/search?tenant=nope&text=abcd')).status).toBe(400);
  });
});

describe('robustness', () => {
  it('answers 413 to a body over 1 MiB without changing anything', async () => {
    const size = emu.world.tenants.size;
    const big = await call('POST', '/tenants', {
      raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('413');
    expect(emu.world.tenants.size).toBe(size);
    expect((await call('GET', `/tenants/${emu.tenant_id}`)).status).toBe(200);
  });

  it('survives hostile inputs', async () => {
    const weird = [
      ['GET', '/tenants?uuids=,,,'],
      ['GET', `/tenants?parent_id=${emu.tenant_id}&limit=abc`],
      ['GET', '/search?text=%00%00%00'],
      ['GET', '/users/check_login'],
      ['PUT', `/tenants/${emu.tenant_id}`],
      ['POST', '/users'],
    ] as const;
    for (const [method, path] of weird) {
      const res = await call(method, path, {
        raw: method === 'GET' ? undefined : 'null',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error.domain).toBe('PlatformAccountServer');
    }
    const raw = await fetch(`${emu.url}//api/2/%zz`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(raw.status).toBe(404);
  });
});
