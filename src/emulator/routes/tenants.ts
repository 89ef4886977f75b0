// Tenants: create, read, list (by ids, by parent, by subtree, with cursor paging), update
// with optimistic concurrency, delete (disabled only), children and users.
import { randomUUID } from 'node:crypto';
import { TenantCreateRequest, type TenantKind, TenantUpdateRequest } from '../../schemas/index.ts';
import { authenticate, clientOf, type Principal, visibleTenant } from '../access.ts';
import { APP } from '../catalogue.ts';
import {
  type Ctx,
  intParam,
  noContent,
  nowIso,
  ok,
  oneOfParams,
  type Reply,
  readJson,
} from '../context.ts';
import {
  accessDenied,
  badRequest,
  conflict,
  forbidden,
  HttpError,
  PLATFORM_CODES,
  versionMismatch,
} from '../errors.ts';
import { appsOf, enabledItems } from '../offering.ts';
import { isUuid } from '../router.ts';
import { plannedProductionDate, pricingDate } from '../seed.ts';
import { tenantView } from '../views.ts';
import { isLive, type TenantRec, type World } from '../world.ts';

/** Where each kind may be created. A unit never sits directly in a partner. */
const ALLOWED_PARENTS: Record<Exclude<TenantKind, 'root'>, readonly TenantKind[]> = {
  partner: ['root', 'partner', 'folder'],
  folder: ['partner', 'folder'],
  customer: ['partner', 'folder'],
  unit: ['customer', 'unit'],
};
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const MAX_UUIDS = 100;

const nameTaken = (name: string) =>
  conflict(`A tenant named ${JSON.stringify(name)} already exists.`, PLATFORM_CODES.nameConflict);

const locked = () =>
  forbidden(
    'The tenant is locked for updates (update_lock.enabled is true).',
    PLATFORM_CODES.tenantLocked,
  );

export function createTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, TenantCreateRequest);
  const parent = visibleTenant(ctx.world, who, body.parent_id.toLowerCase());
  if (!ALLOWED_PARENTS[body.kind].includes(parent.kind)) {
    throw new HttpError(400, `A ${body.kind} cannot be created in a ${parent.kind} tenant.`, {
      code: PLATFORM_CODES.businessRules,
      info: `Allowed parents of a ${body.kind}: ${ALLOWED_PARENTS[body.kind].join(', ')}.`,
    });
  }
  if (!parent.enabled) {
    throw new HttpError(400, 'The parent tenant is disabled.', {
      code: PLATFORM_CODES.parentDisabled,
    });
  }
  if (ctx.world.tenantIdByName(body.name) !== undefined) throw nameTaken(body.name);
  const at = nowIso();
  const atMs = Date.parse(at);
  const inherits = body.kind === 'folder' || body.kind === 'unit';
  // Partners are created straight into production, where 2FA is on and stays on (24.09).
  const mode =
    body.pricing_mode ??
    (inherits ? parent.pricing_mode : body.kind === 'partner' ? 'production' : 'trial');
  const lock = body.update_lock;
  const tenant: TenantRec = {
    id: randomUUID(),
    version: 1,
    name: body.name,
    kind: body.kind,
    parent_id: parent.id,
    enabled: body.enabled ?? true,
    ancestral_access: body.ancestral_access ?? true,
    customer_id: body.customer_id ?? null,
    internal_tag: body.internal_tag ?? null,
    language: body.language ?? parent.language,
    contact: body.contact ?? {},
    owner_id: null,
    update_lock: lock?.enabled
      ? { enabled: true, owner_id: lockOwner(ctx, who, lock.owner_id) }
      : { enabled: false, owner_id: null },
    mfa_status: body.kind === 'partner' && mode === 'production' ? 'enabled' : 'disabled',
    pricing_mode: mode,
    production_start_date:
      mode === 'trial'
        ? plannedProductionDate(atMs)
        : mode === 'production'
          ? pricingDate(atMs)
          : null,
    pricing_version: atMs,
    currency: null,
    enhanced_security: enhancedSecurity(body) ?? false,
    creator_client: who.kind === 'client' ? who.clientId : null,
    applications: [APP.platform],
    offering_items: [],
    created_at: at,
    updated_at: at,
    deleted_at: null,
  };
  ctx.world.commit({ tenants: [tenant] });
  return ok(tenantView(ctx.world, tenant), 201);
}

/** `enhanced_security` at the top level (the tutorials) or under `settings` (the API description). */
function enhancedSecurity(body: {
  enhanced_security?: boolean | undefined;
  settings?: { enhanced_security?: boolean | undefined } | undefined;
}): boolean | undefined {
  return body.enhanced_security ?? body.settings?.enhanced_security;
}

/** Who owns a new lock: the tenant named (the caller's or one above it), else the caller's. */
function lockOwner(ctx: Ctx, who: Principal, ownerId: string | null | undefined): string {
  if (ownerId === undefined || ownerId === null) return who.tenantId;
  const id = ownerId.toLowerCase();
  const above = ctx.world.tenants.has(id) && ctx.world.isWithin(id, who.tenantId);
  if (!above && !ctx.world.isVisible(who.tenantId, id)) {
    throw badRequest(
      'update_lock.owner_id: must be your own tenant, one above it or one you manage',
      'The lock owner is the tenant whose administrators may still change the locked tenant.',
    );
  }
  return id;
}

/** A user's personal tenant: only the quotas of its offering items can change. */
export function assertNotPersonal(t: TenantRec): void {
  if (t.owner_id !== null) {
    throw new HttpError(400, "This is a user's personal tenant: only its quotas can change.", {
      code: PLATFORM_CODES.businessRules,
      info: 'PUT /tenants/{id}/offering_items with quota values, without status.',
    });
  }
}

/** A locked tenant can be changed only by callers of the tenant that locked it, or above it. */
export function assertUnlocked(world: World, who: Principal, t: TenantRec): void {
  const owner = t.update_lock.owner_id;
  if (t.update_lock.enabled && (owner === null || !world.isWithin(who.tenantId, owner))) {
    throw locked();
  }
}

export function getTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  return ok(tenantView(ctx.world, visibleTenant(ctx.world, who, ctx.params.id ?? '')));
}

const rule = (message: string, code: string = PLATFORM_CODES.businessRules, info?: string) =>
  new HttpError(400, message, { code, ...(info === undefined ? {} : { info }) });

export function updateTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, TenantUpdateRequest);
  const { world } = ctx;
  const t = visibleTenant(world, who, ctx.params.id ?? '');
  assertNotPersonal(t);
  assertUnlocked(world, who, t);
  if (body.version !== t.version) throw versionMismatch(t.version, body.version);
  if (body.name !== undefined && body.name.toLowerCase() !== t.name.toLowerCase()) {
    if (world.tenantIdByName(body.name) !== undefined) throw nameTaken(body.name);
  }
  if (t.pricing_mode === 'production' && body.pricing_mode === 'trial') {
    throw rule('A tenant in production cannot go back to trial.');
  }
  if (body.kind !== undefined && body.kind !== t.kind) {
    const swap = new Set([t.kind, body.kind]);
    if (!(swap.has('partner') && swap.has('folder') && swap.size === 2)) {
      throw rule(
        `The kind of a ${t.kind} cannot change to ${body.kind}: only partner and folder swap.`,
      );
    }
  }
  const wantsEnhanced = enhancedSecurity(body);
  if (wantsEnhanced === false && t.enhanced_security) {
    throw rule('Enhanced security cannot be turned off once it is on.');
  }
  if (
    body.ancestral_access !== undefined &&
    t.kind === 'unit' &&
    body.ancestral_access !== t.ancestral_access
  ) {
    throw rule('Access of higher-level administrators cannot be limited for a unit.');
  }
  if (body.enabled === false && t.id === who.tenantId) {
    throw forbidden('The tenant your credentials belong to cannot be disabled with them.');
  }
  let lock = t.update_lock;
  if (body.update_lock !== undefined) {
    lock = body.update_lock.enabled
      ? { enabled: true, owner_id: lockOwner(ctx, who, body.update_lock.owner_id ?? body.owner_id) }
      : { enabled: false, owner_id: null };
  }
  let parentId = t.parent_id;
  if (body.parent_id !== undefined && body.parent_id.toLowerCase() !== t.parent_id) {
    parentId = checkMove(ctx, who, t, body.parent_id.toLowerCase());
  }
  const next: TenantRec = {
    ...t,
    version: t.version + 1,
    updated_at: nowIso(),
    name: body.name ?? t.name,
    kind: body.kind ?? t.kind,
    parent_id: parentId,
    enabled: body.enabled ?? t.enabled,
    customer_id: body.customer_id === undefined ? t.customer_id : body.customer_id,
    internal_tag: body.internal_tag === undefined ? t.internal_tag : body.internal_tag,
    language: body.language ?? t.language,
    contact: body.contact ?? t.contact,
    ancestral_access: body.ancestral_access ?? t.ancestral_access,
    pricing_mode: body.pricing_mode ?? t.pricing_mode,
    enhanced_security: wantsEnhanced ?? t.enhanced_security,
    update_lock: lock,
  };
  world.commit({ tenants: [next] });
  return ok(tenantView(world, next));
}

/** The move rules of the guide's "Moving a tenant" page; returns the new parent's id. */
function checkMove(ctx: Ctx, who: Principal, t: TenantRec, targetId: string): string {
  const { world } = ctx;
  const target = visibleTenant(world, who, targetId);
  if (t.kind === 'unit') {
    throw rule('A unit cannot be moved.', PLATFORM_CODES.moveWithinCustomer);
  }
  if (world.isWithin(t.id, target.id)) {
    throw rule(
      'A tenant cannot be moved under itself or one of its own children.',
      PLATFORM_CODES.moveUnderChild,
    );
  }
  if (target.kind === 'customer' || target.kind === 'unit') {
    throw rule(
      'Tenants cannot be moved into or within a customer.',
      PLATFORM_CODES.moveWithinCustomer,
    );
  }
  if (!['partner', 'folder'].includes(target.kind)) {
    throw rule(`A ${t.kind} can only be moved under a partner or a folder.`);
  }
  if (world.isSuspended(target.id)) {
    throw rule('The target tenant is disabled.', PLATFORM_CODES.moveUnderDisabled);
  }
  const offered = enabledItems(target);
  const missing = [...enabledItems(t).keys()].filter((k) => !offered.has(k));
  const missingApps = t.applications.filter((a) => !appsOf(target).includes(a));
  if (missing.length > 0 || missingApps.length > 0) {
    throw rule(
      'The target tenant does not offer every service and offering item this tenant uses.',
      PLATFORM_CODES.moveItemsMissing,
      `Missing: ${[...missing.map((k) => k.replace(/\|$/, '').replace('|', ' on storage ')), ...missingApps].join(', ')}.`,
    );
  }
  if (
    t.update_lock.enabled &&
    (t.update_lock.owner_id === null || !world.isWithin(t.update_lock.owner_id, target.id))
  ) {
    throw rule(
      'The target hierarchy does not contain the tenant that locked this one.',
      PLATFORM_CODES.lockOwnerMissing,
    );
  }
  return target.id;
}

export function deleteTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const version = intParam(ctx, 'version', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.id === who.tenantId) {
    throw forbidden('The tenant your credentials belong to cannot be deleted with them.');
  }
  assertNotPersonal(t);
  assertUnlocked(ctx.world, who, t);
  if (version !== t.version) throw versionMismatch(t.version, version);
  if (t.enabled) {
    throw new HttpError(400, 'Only a disabled tenant can be deleted; disable it first.', {
      code: PLATFORM_CODES.deleteEnabled,
      info: 'PUT /tenants/{id} with {"enabled": false, "version": N}, then DELETE.',
    });
  }
  // The whole subtree goes, with its users and API clients, in one journaled change.
  const at = nowIso();
  const gone = ctx.world.liveSubtree(t);
  const goneIds = new Set(gone.map((x) => x.id));
  const deletedUsers = gone.flatMap((x) => [...ctx.world.userIdsOf(x.id)]);
  const deletedClients = [...ctx.world.clients.values()]
    .filter((c) => goneIds.has(c.tenant_id))
    .map((c) => c.client_id);
  ctx.world.commit({
    tenants: gone.map((x) => ({
      ...x,
      version: x.version + 1,
      enabled: false,
      updated_at: at,
      deleted_at: at,
    })),
    deleted_users: deletedUsers,
    deleted_clients: deletedClients,
  });
  return noContent();
}

/**
 * `POST /tenants/{id}/restore`: brings back a deleted tenant and the sub-tenants deleted with
 * it, still disabled. Their users and API clients were deleted for good and stay gone.
 */
export function restoreTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { world } = ctx;
  const t = world.tenants.get(ctx.params.id ?? '');
  if (!t || !world.isVisible(who.tenantId, t.id, clientOf(who))) throw accessDenied();
  if (t.deleted_at === null) throw badRequest('The tenant is not deleted.');
  const parent = t.parent_id === null ? undefined : world.tenants.get(t.parent_id);
  if (!parent || parent.deleted_at !== null) {
    throw rule('The parent tenant is deleted: restore it first.', PLATFORM_CODES.parentDisabled);
  }
  const deletedAt = t.deleted_at;
  const back: TenantRec[] = [t];
  for (let i = 0; i < back.length; i++) {
    for (const id of world.childIds((back[i] as TenantRec).id)) {
      const child = id === '' ? undefined : world.tenants.get(id);
      if (child && child.deleted_at === deletedAt) back.push(child);
    }
  }
  for (const x of back) {
    // Personal tenants have no name of their own in the tree (they are named as the login).
    if (x.owner_id !== null) continue;
    const holder = world.tenantIdByName(x.name);
    if (holder !== undefined && holder !== x.id) throw nameTaken(x.name);
  }
  const at = nowIso();
  world.commit({
    tenants: back.map((x) => ({ ...x, version: x.version + 1, updated_at: at, deleted_at: null })),
  });
  return noContent();
}

/** A child the caller may see in listings: live, not hiding from its ancestors, and not a
 * user's personal tenant. */
const listable = (world: World, id: string): TenantRec | undefined => {
  const t = world.tenants.get(id);
  return t && isLive(t) && t.ancestral_access && t.owner_id === null ? t : undefined;
};

function* childrenFrom(world: World, parentId: string, start: number): Generator<TenantRec> {
  const ids = world.childIds(parentId);
  for (let i = start; i < ids.length; i++) {
    const t = listable(world, ids[i] as string);
    if (t) yield t;
  }
}

function* subtree(world: World, t: TenantRec): Generator<TenantRec> {
  yield t;
  for (const child of childrenFrom(world, t.id, 0)) yield* subtree(world, child);
}

/** Pre-order walk of `root`'s subtree resuming after `after` (O(depth) to find the spot). */
function* subtreeAfter(world: World, root: TenantRec, after: TenantRec): Generator<TenantRec> {
  for (const child of childrenFrom(world, after.id, 0)) yield* subtree(world, child);
  let cur = after;
  while (cur.id !== root.id && cur.parent_id !== null) {
    const next = (world.positionOf(cur.id) ?? 0) + 1;
    for (const sibling of childrenFrom(world, cur.parent_id, next)) yield* subtree(world, sibling);
    const parent = world.tenants.get(cur.parent_id);
    if (!parent) return;
    cur = parent;
  }
}

function cursorTenant(ctx: Ctx, who: Principal, belongs: (t: TenantRec) => boolean) {
  const after = ctx.query.get('after');
  if (after === null || after === '') return undefined;
  const t = isUuid(after) ? ctx.world.tenants.get(after.toLowerCase()) : undefined;
  if (!t || !ctx.world.isVisible(who.tenantId, t.id) || !belongs(t)) {
    throw badRequest('after: not a cursor of this listing');
  }
  return t;
}

export function listTenants(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { world } = ctx;
  const scope = oneOfParams(ctx, ['uuids', 'parent_id', 'subtree_root_id']);
  const limit = intParam(ctx, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
  const timestamp = nowIso();

  if (scope === 'uuids') {
    const ids = (ctx.query.get('uuids') ?? '').split(',').map((s) => s.trim().toLowerCase());
    const bad = ids.find((id) => !isUuid(id));
    if (bad !== undefined) throw badRequest(`uuids: ${JSON.stringify(bad)} is not a UUID`);
    if (ids.length > MAX_UUIDS) throw badRequest(`uuids: at most ${MAX_UUIDS} ids per call`);
    const items = [...new Set(ids)]
      .map((id) => world.tenants.get(id))
      .filter((t): t is TenantRec => !!t && isLive(t) && world.isVisible(who.tenantId, t.id))
      .map((t) => tenantView(world, t));
    return ok({ items, paging: { cursors: {} }, timestamp });
  }

  const param = scope as 'parent_id' | 'subtree_root_id';
  const rootId = ctx.query.get(param) ?? '';
  if (!isUuid(rootId)) throw badRequest(`${param}: expected a UUID`);
  const root = visibleTenant(world, who, rootId.toLowerCase());
  let source: Generator<TenantRec>;
  if (param === 'parent_id') {
    const after = cursorTenant(ctx, who, (t) => t.parent_id === root.id);
    source = childrenFrom(world, root.id, after ? (world.positionOf(after.id) ?? 0) + 1 : 0);
  } else {
    const after = cursorTenant(ctx, who, (t) => world.isVisible(root.id, t.id));
    source = after ? subtreeAfter(world, root, after) : subtree(world, root);
  }
  const page: TenantRec[] = [];
  let more = false;
  for (const t of source) {
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(t);
  }
  const last = page[page.length - 1];
  return ok({
    items: page.map((t) => tenantView(world, t)),
    paging: { cursors: more && last ? { after: last.id } : {} },
    timestamp,
  });
}

export function listChildren(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  const details = ctx.query.get('include_details') === 'true';
  const children = [...childrenFrom(ctx.world, t.id, 0)];
  return ok({
    items: details ? children.map((c) => tenantView(ctx.world, c)) : children.map((c) => c.id),
  });
}

export function listTenantUsers(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  return ok({ items: [...ctx.world.userIdsOf(t.id)] });
}
