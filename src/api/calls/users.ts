// Users, the rest of their life: listing, updates with `version`, deletion, activation by
// password, and roles (access policies).
import {
  AccessPoliciesPutRequest,
  type AccessPolicy,
  AccessPolicyList,
  PasswordRequest,
  type User,
  UserList,
  User as UserSchema,
  UserUpdateRequest,
} from '../../schemas/index.ts';
import { bool, checked, int, uuid, uuidCsv } from '../args.ts';
import type { PlatformClient } from '../client.ts';
import { UsageError } from '../errors.ts';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export type UserSelector =
  | { tenant_id: string }
  | { subtree_root_tenant_id: string }
  | { uuids: readonly string[] };

/** `GET /users?...`, every page followed. */
export async function listUsers(
  client: PlatformClient,
  selector: UserSelector,
  signal?: AbortSignal,
): Promise<User[]> {
  let query: Record<string, string>;
  if ('uuids' in selector) query = { uuids: uuidCsv('listUsers', 'the user ids', selector.uuids) };
  else if ('tenant_id' in selector)
    query = { tenant_id: uuid('listUsers', 'tenant_id', selector.tenant_id) };
  else if ('subtree_root_tenant_id' in selector) {
    query = {
      subtree_root_tenant_id: uuid(
        'listUsers',
        'subtree_root_tenant_id',
        selector.subtree_root_tenant_id,
      ),
    };
  } else throw new UsageError('listUsers needs {tenant_id}, {subtree_root_tenant_id} or {uuids}.');
  const out: User[] = [];
  let after: string | undefined;
  do {
    const res = await client.request('GET', '/users', {
      query: { ...query, after },
      schema: UserList,
      signal,
    });
    out.push(...res.body.items);
    after = res.body.paging?.cursors?.after ?? undefined;
  } while (after);
  return out;
}

/** `PUT /users/{id}` with the current `version` (else 409, code 1001). */
export async function updateUser(
  client: PlatformClient,
  id: string,
  changes: UserUpdateRequest,
  signal?: AbortSignal,
): Promise<User> {
  const uid = uuid('updateUser', 'the user id', id);
  const body = checked('updateUser', UserUpdateRequest, changes);
  const res = await client.request('PUT', `/users/${uid}`, {
    json: body,
    schema: UserSchema,
    signal,
  });
  return res.body;
}

/** `DELETE /users/{id}?version=`: only a disabled user. */
export async function deleteUser(
  client: PlatformClient,
  id: string,
  version: number,
  signal?: AbortSignal,
): Promise<void> {
  const uid = uuid('deleteUser', 'the user id', id);
  await client.request('DELETE', `/users/${uid}`, {
    query: { version: int('deleteUser', "the user's version", version) },
    signal,
  });
}

/** `POST /users/{id}/password`: activates the account (API clients, sub-tenants' users). */
export async function setUserPassword(
  client: PlatformClient,
  id: string,
  password: string,
  signal?: AbortSignal,
): Promise<void> {
  const uid = uuid('setUserPassword', 'the user id', id);
  const body = checked('setUserPassword', PasswordRequest, { password });
  client.redactor.add(password);
  await client.request('POST', `/users/${uid}/password`, { json: body, signal });
}

export async function getAccessPolicies(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<AccessPolicy[]> {
  const uid = uuid('getAccessPolicies', 'the user id', id);
  return (
    await client.request('GET', `/users/${uid}/access_policies`, {
      schema: AccessPolicyList,
      signal,
    })
  ).body.items;
}

/**
 * `PUT /users/{id}/access_policies`: replaces the user's whole set of roles. A binding kept
 * from before carries its `id` and `version`; a new one has zero UUIDs and version 0.
 */
export async function setAccessPolicies(
  client: PlatformClient,
  id: string,
  roles: readonly { role_id: string; tenant_id: string; id?: string; version?: number }[],
  signal?: AbortSignal,
): Promise<AccessPolicy[]> {
  const uid = uuid('setAccessPolicies', 'the user id', id);
  const body = checked('setAccessPolicies', AccessPoliciesPutRequest, {
    items: roles.map((r) => ({
      id: ZERO_UUID,
      issuer_id: ZERO_UUID,
      trustee_id: uid,
      trustee_type: 'user',
      version: 0,
      ...r,
    })),
  });
  const res = await client.request('PUT', `/users/${uid}/access_policies`, {
    json: body,
    schema: AccessPolicyList,
    signal,
  });
  return res.body.items;
}

/**
 * Disables (`false`: the user cannot log in) or enables a user: `PUT /users/{id}` with
 * `enabled` and the `version` just read, as the page does. Answers the user as saved.
 */
export async function setUserEnabled(
  client: PlatformClient,
  id: string,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<User> {
  const uid = uuid('setUserEnabled', 'the user id', id);
  const wanted = bool('setUserEnabled', enabled);
  const res = await client.request('GET', `/users/${uid}`, { schema: UserSchema, signal });
  return updateUser(client, uid, { enabled: wanted, version: res.body.version }, signal);
}
