// Tenants, the rest of their life: suspend and reactivate, move, limit ancestors' access,
// lock and unlock, restore. Each reads the current `version` first, as the pages do.
import type { Tenant } from '../../schemas/index.ts';
import { bool, uuid } from '../args.ts';
import type { PlatformClient } from '../client.ts';
import { getTenant, updateTenant } from '../endpoints.ts';

async function change(
  client: PlatformClient,
  helper: string,
  id: string,
  changes: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<Tenant> {
  const tid = uuid(helper, 'the tenant id', id);
  const { version } = await getTenant(client, tid, signal);
  return updateTenant(client, tid, { ...changes, version }, signal);
}

/** Suspend (`false`: data kept, API clients stop) or reactivate (`true`). */
export async function setTenantEnabled(
  client: PlatformClient,
  id: string,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<Tenant> {
  return change(
    client,
    'setTenantEnabled',
    id,
    { enabled: bool('setTenantEnabled', enabled) },
    signal,
  );
}

/** Moves a tenant under another partner or folder (codes 1007, 1008, 1013, 1014, 1032). */
export async function moveTenant(
  client: PlatformClient,
  id: string,
  newParentId: string,
  signal?: AbortSignal,
): Promise<Tenant> {
  const parent = uuid('moveTenant', 'the new parent id', newParentId);
  return change(client, 'moveTenant', id, { parent_id: parent }, signal);
}

/** `ancestral_access: false` closes the tenant to its ancestors' administrators and search. */
export async function setAncestralAccess(
  client: PlatformClient,
  id: string,
  allowed: boolean,
  signal?: AbortSignal,
): Promise<Tenant> {
  return change(
    client,
    'setAncestralAccess',
    id,
    { ancestral_access: bool('setAncestralAccess', allowed) },
    signal,
  );
}

/** Locks (only callers of `ownerId` or above may change it then) or unlocks a tenant. */
export async function setUpdateLock(
  client: PlatformClient,
  id: string,
  lock: { enabled: boolean; ownerId?: string },
  signal?: AbortSignal,
): Promise<Tenant> {
  const enabled = bool('setUpdateLock', lock.enabled);
  const owner =
    lock.ownerId === undefined
      ? {}
      : { owner_id: uuid('setUpdateLock', 'the lock owner id', lock.ownerId) };
  return change(client, 'setUpdateLock', id, { update_lock: { enabled, ...owner } }, signal);
}

/** `POST /tenants/{id}/restore`: a deleted tenant (and what went with it) comes back disabled. */
export async function restoreTenant(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  const tid = uuid('restoreTenant', 'the tenant id', id);
  await client.request('POST', `/tenants/${tid}/restore`, { signal });
}
