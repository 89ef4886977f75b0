// Typed thin wrappers over the documented endpoints: arguments checked on entry (UsageError),
// replies validated by the shared schemas (SchemaError), everything else is the client's.

import type * as z from 'zod/mini';
import {
  ChildDetails,
  ChildIds,
  ClientCreated,
  ClientCreateRequest,
  ClientInfo,
  SearchResult,
  Tenant,
  TenantCreateRequest,
  TenantList,
  type TenantMfaInfo,
  TenantMfaInfoReply,
  TenantUpdateRequest,
  User,
  UserCreateRequest,
} from '../schemas/index.ts';
import { bool, checked, shown, uuid } from './args.ts';
import { type ClientOptions, PlatformClient, type RawResponse } from './client.ts';
import { UsageError } from './errors.ts';

/** `GET /tenants?uuids=` takes up to 100 ids per call by convention. */
export const UUIDS_PER_CALL = 100;

// --- Calls with an administrator's login (HTTP Basic) -------------------------------------

/** An administrator's login, for the two calls that take Basic auth instead of a token. */
export interface BasicLogin {
  login: string;
  password: string;
}

/** Without a client: where to call and with what, for a one-off Basic call. */
export interface StandaloneLogin extends BasicLogin, Omit<ClientOptions, 'credentials'> {
  signal?: AbortSignal;
}

async function withBasic<T>(
  target: PlatformClient | StandaloneLogin,
  login: BasicLogin | undefined,
  signal: AbortSignal | undefined,
  run: (client: PlatformClient, login: BasicLogin, signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (target instanceof PlatformClient) {
    if (!login)
      throw new UsageError('An administrator login and password are needed for this call.');
    return run(target, login, signal);
  }
  const { login: user, password, signal: ownSignal, ...options } = target;
  const client = new PlatformClient(options);
  try {
    return await run(client, { login: user, password }, signal ?? ownSignal);
  } finally {
    await client.close();
  }
}

export const Me = User;
export type Me = z.infer<typeof Me>;

/** `GET /users/me`: the user behind a login (Basic) or behind the client's token. */
export function getMe(target: StandaloneLogin): Promise<Me>;
export function getMe(
  client: PlatformClient,
  login?: BasicLogin,
  signal?: AbortSignal,
): Promise<Me>;
export async function getMe(
  target: PlatformClient | StandaloneLogin,
  login?: BasicLogin,
  signal?: AbortSignal,
): Promise<Me> {
  if (target instanceof PlatformClient && !login) {
    return (await target.request('GET', '/users/me', { schema: Me, signal })).body;
  }
  return withBasic(target, login, signal, async (client, basic, sig) => {
    const res = await client.request('GET', '/users/me', {
      auth: { username: basic.login, password: basic.password },
      schema: Me,
      signal: sig,
    });
    return res.body;
  });
}

export interface CreateApiClientArgs {
  /** The administrator's tenant (`getMe().tenant_id`). */
  tenantId: string;
  /** Shown in the portal's list of API clients. */
  name: string;
}

/** `POST /clients` with an administrator's Basic login: the only time the secret is shown. */
export function createApiClient(
  target: StandaloneLogin & CreateApiClientArgs,
): Promise<ClientCreated>;
export function createApiClient(
  client: PlatformClient,
  args: CreateApiClientArgs & BasicLogin,
  signal?: AbortSignal,
): Promise<ClientCreated>;
export async function createApiClient(
  target: PlatformClient | (StandaloneLogin & CreateApiClientArgs),
  args?: CreateApiClientArgs & BasicLogin,
  signal?: AbortSignal,
): Promise<ClientCreated> {
  let standalone: StandaloneLogin | PlatformClient = target;
  let what: CreateApiClientArgs & Partial<BasicLogin>;
  if (target instanceof PlatformClient) {
    if (!args) throw new UsageError('createApiClient needs {login, password, tenantId, name}.');
    what = args;
  } else {
    const { tenantId, name, ...rest } = target;
    standalone = rest;
    what = { tenantId, name };
  }
  const body = checked('createApiClient', ClientCreateRequest, {
    type: 'api_client',
    tenant_id: uuid('createApiClient', 'the tenant id', what.tenantId),
    token_endpoint_auth_method: 'client_secret_basic',
    data: { client_name: what.name },
  });
  const login = args ? { login: args.login, password: args.password } : undefined;
  return withBasic(standalone, login, signal, async (client, basic, sig) => {
    const res = await client.request('POST', '/clients', {
      auth: { username: basic.login, password: basic.password },
      json: body,
      schema: ClientCreated,
      sensitive: true,
      signal: sig,
    });
    client.redactor.addBasic(res.body.client_id, res.body.client_secret);
    return res.body;
  });
}

// --- API clients -------------------------------------------------------------------------

/** `GET /clients/{id}`: the API client's tenant (the tutorial's `tenant_id`). */
export async function getClientInfo(
  client: PlatformClient,
  clientId: string | undefined = client.clientId,
  signal?: AbortSignal,
): Promise<ClientInfo> {
  if (!clientId) throw new UsageError('getClientInfo needs a client id.');
  const res = await client.request('GET', `/clients/${encodeURIComponent(clientId)}`, {
    schema: ClientInfo,
    signal,
  });
  return res.body;
}

// --- Tenants -----------------------------------------------------------------------------

export async function getTenant(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<Tenant> {
  const tid = uuid('getTenant', 'the tenant id', id);
  const res = await client.request('GET', `/tenants/${tid}`, { schema: Tenant, signal });
  return res.body;
}

/** Several tenants by id, 100 per call; unknown ids are just absent. */
export async function getTenants(
  client: PlatformClient,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Tenant[]> {
  if (!Array.isArray(ids)) throw new UsageError('getTenants expects an array of tenant ids.');
  const clean = ids.map((id) => uuid('getTenants', 'each tenant id', id));
  const out: Tenant[] = [];
  for (let i = 0; i < clean.length; i += UUIDS_PER_CALL) {
    const page = await client.request('GET', '/tenants', {
      query: { uuids: clean.slice(i, i + UUIDS_PER_CALL).join(',') },
      schema: TenantList,
      signal,
    });
    out.push(...page.body.items);
  }
  return out;
}

export interface TenantQuery {
  parent_id?: string;
  subtree_root_id?: string;
  uuids?: readonly string[];
  limit?: number;
  after?: string;
  /** Any other documented filter, passed as is. */
  [filter: string]: string | number | boolean | readonly string[] | undefined;
}

function tenantQuery(
  helper: string,
  q: TenantQuery,
): Record<string, string | number | boolean | undefined> {
  if (q === null || typeof q !== 'object')
    throw new UsageError(`${helper} expects {parent_id} or {subtree_root_id}.`);
  if (!q.parent_id && !q.subtree_root_id && !q.uuids) {
    throw new UsageError(
      `${helper} needs one of parent_id, subtree_root_id or uuids (the platform lists nothing without one).`,
    );
  }
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined) continue;
    if (key === 'parent_id' || key === 'subtree_root_id') out[key] = uuid(helper, key, value);
    else if (key === 'uuids') {
      if (!Array.isArray(value)) throw new UsageError(`${helper} expects uuids as an array.`);
      out.uuids = value.map((v) => uuid(helper, 'each of uuids', v)).join(',');
    } else if (key === 'limit') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new UsageError(
          `${helper} expects limit to be a positive integer, not ${shown(value)}.`,
        );
      }
      out.limit = value;
    } else out[key] = Array.isArray(value) ? value.join(',') : (value as string | number | boolean);
  }
  return out;
}

/** One page of `GET /tenants`. */
export async function listTenants(
  client: PlatformClient,
  query: TenantQuery,
  signal?: AbortSignal,
): Promise<TenantList> {
  const res = await client.request('GET', '/tenants', {
    query: tenantQuery('listTenants', query),
    schema: TenantList,
    signal,
  });
  return res.body;
}

/** Every page of `GET /tenants`, following `paging.cursors.after` until it is absent. */
export async function* listTenantPages(
  client: PlatformClient,
  query: TenantQuery,
  signal?: AbortSignal,
): AsyncGenerator<Tenant[], void, undefined> {
  const base = tenantQuery('listTenants', query);
  let after: string | undefined = typeof query.after === 'string' ? query.after : undefined;
  const seen = new Set<string>();
  for (;;) {
    const res = await client.request('GET', '/tenants', {
      query: after === undefined ? base : { ...base, after },
      schema: TenantList,
      signal,
    });
    yield res.body.items;
    const next = res.body.paging?.cursors?.after ?? undefined;
    // A cursor seen before (or an empty page with a cursor) would loop forever.
    if (!next || seen.has(next) || res.body.items.length === 0) return;
    seen.add(next);
    after = next;
  }
}

/** Every tenant of `GET /tenants`, one at a time across pages. */
export async function* iterateTenants(
  client: PlatformClient,
  query: TenantQuery,
  signal?: AbortSignal,
): AsyncGenerator<Tenant, void, undefined> {
  for await (const page of listTenantPages(client, query, signal)) yield* page;
}

/** `GET /tenants/{id}/children`: ids, or full tenants with `{details: true}`. */
export function children(
  client: PlatformClient,
  id: string,
  options?: { details?: false },
  signal?: AbortSignal,
): Promise<string[]>;
export function children(
  client: PlatformClient,
  id: string,
  options: { details: true },
  signal?: AbortSignal,
): Promise<Tenant[]>;
export async function children(
  client: PlatformClient,
  id: string,
  options: { details?: boolean } = {},
  signal?: AbortSignal,
): Promise<string[] | Tenant[]> {
  const tid = uuid('children', 'the tenant id', id);
  if (options.details) {
    const res = await client.request('GET', `/tenants/${tid}/children`, {
      query: { include_details: true },
      schema: ChildDetails,
      signal,
    });
    return res.body.items;
  }
  const res = await client.request('GET', `/tenants/${tid}/children`, { schema: ChildIds, signal });
  return res.body.items;
}

export async function createTenant(
  client: PlatformClient,
  tenant: TenantCreateRequest,
  signal?: AbortSignal,
): Promise<Tenant> {
  const body = checked('createTenant', TenantCreateRequest, tenant);
  const res = await client.request('POST', '/tenants', { json: body, schema: Tenant, signal });
  return res.body;
}

/** `PUT /tenants/{id}`: `version` must be the current one (else 409, code 1001). */
export async function updateTenant(
  client: PlatformClient,
  id: string,
  changes: TenantUpdateRequest,
  signal?: AbortSignal,
): Promise<Tenant> {
  const tid = uuid('updateTenant', 'the tenant id', id);
  const body = checked('updateTenant', TenantUpdateRequest, changes);
  const res = await client.request('PUT', `/tenants/${tid}`, {
    json: body,
    schema: Tenant,
    signal,
  });
  return res.body;
}

/** `DELETE /tenants/{id}?version=N`: only a disabled tenant (else 400, code 1006). */
export async function deleteTenant(
  client: PlatformClient,
  id: string,
  version: number,
  signal?: AbortSignal,
): Promise<void> {
  const tid = uuid('deleteTenant', 'the tenant id', id);
  if (!Number.isInteger(version)) {
    throw new UsageError(
      `deleteTenant expects the tenant's current version (an integer), not ${shown(version)}.`,
    );
  }
  await client.request('DELETE', `/tenants/${tid}`, { query: { version }, signal });
}

export interface SearchArgs {
  /** The tenant to search under. */
  tenant: string;
  /** At least 3 characters. */
  text: string;
  /** 1..300 (default 10). */
  limit?: number;
}

export async function search(
  client: PlatformClient,
  args: SearchArgs,
  signal?: AbortSignal,
): Promise<SearchResult> {
  const tenant = uuid('search', 'the tenant to search under', args?.tenant);
  const text = typeof args.text === 'string' ? args.text.trim() : '';
  if (text.length < 3) {
    throw new UsageError(`search needs a text of at least 3 characters, not ${shown(args.text)}.`);
  }
  const limit = args.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 300)) {
    throw new UsageError(`search expects limit between 1 and 300, not ${shown(limit)}.`);
  }
  const res = await client.request('GET', '/search', {
    query: { tenant, text, limit },
    schema: SearchResult,
    signal,
  });
  return res.body;
}

// --- Two-factor authentication ------------------------------------------------------------

export async function getTenantMfa(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<TenantMfaInfo> {
  const tid = uuid('getTenantMfa', 'the tenant id', id);
  const res = await client.request('GET', `/tenants/${tid}/mfa/status`, {
    schema: TenantMfaInfoReply,
    signal,
  });
  return res.body;
}

/** `PUT /tenants/{id}/mfa/status` `{"enabled": bool}`: the seed page's step 5. */
export async function setTenantMfa(
  client: PlatformClient,
  id: string,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<TenantMfaInfo> {
  const tid = uuid('setTenantMfa', 'the tenant id', id);
  const res = await client.request('PUT', `/tenants/${tid}/mfa/status`, {
    json: { enabled: bool('setTenantMfa', enabled) },
    schema: TenantMfaInfoReply,
    signal,
  });
  return res.body;
}

/** The same PUT, answered as the page's `response` (no throw on 4xx); `.parse()` validates. */
export function setTenantMfaRaw(
  client: PlatformClient,
  id: string,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<RawResponse<TenantMfaInfo>> {
  const tid = uuid('setTenantMfa', 'the tenant id', id);
  return client.raw('PUT', `/tenants/${tid}/mfa/status`, {
    json: { enabled: bool('setTenantMfa', enabled) },
    schema: TenantMfaInfoReply,
    signal,
  });
}

/** `PUT /users/{id}/mfa/status`; the reply's shape is not documented, so it is returned as is. */
export async function setUserMfa(
  client: PlatformClient,
  id: string,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<unknown> {
  const uid = uuid('setUserMfa', 'the user id', id);
  const res = await client.request('PUT', `/users/${uid}/mfa/status`, {
    json: { enabled: bool('setUserMfa', enabled) },
    signal,
  });
  return res.body;
}

// --- Users -------------------------------------------------------------------------------

/** `GET /tenants/{id}/users`: the ids of the tenant's users. */
export async function listTenantUserIds(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const tid = uuid('listTenantUserIds', 'the tenant id', id);
  const res = await client.request('GET', `/tenants/${tid}/users`, { schema: ChildIds, signal });
  return res.body.items;
}

export async function getUser(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<User> {
  const uid = uuid('getUser', 'the user id', id);
  const res = await client.request('GET', `/users/${uid}`, { schema: User, signal });
  return res.body;
}

/** `GET /users/check_login?username=`: true when the login is free (204), false when taken (409). */
export async function checkLogin(
  client: PlatformClient,
  login: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if (typeof login !== 'string' || login.trim() === '') {
    throw new UsageError(`checkLogin expects a login, not ${shown(login)}.`);
  }
  const res = await client.request('GET', '/users/check_login', {
    query: { username: login },
    expect: [200, 204, 409],
    signal,
  });
  return res.status !== 409;
}

/** `POST /users` as the official examples do it; then `sendActivationEmail`. */
export async function createUser(
  client: PlatformClient,
  user: UserCreateRequest,
  signal?: AbortSignal,
): Promise<User> {
  const body = checked('createUser', UserCreateRequest, user);
  const res = await client.request('POST', '/users', { json: body, schema: User, signal });
  return res.body;
}

/** `POST /users/{id}/send-activation-email` with an empty JSON body -> 204. */
export async function sendActivationEmail(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  const uid = uuid('sendActivationEmail', 'the user id', id);
  await client.request('POST', `/users/${uid}/send-activation-email`, { json: {}, signal });
}
