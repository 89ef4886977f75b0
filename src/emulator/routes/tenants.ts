// Tenants: create, read, list (by ids, by parent, by subtree, with cursor paging), update
// with optimistic concurrency, delete (disabled only), children and users.
import { randomUUID } from 'node:crypto';
import { TenantCreateRequest, type TenantKind, TenantUpdateRequest } from '../../schemas/index.ts';
import { authenticate, type Principal, visibleTenant } from '../access.ts';
import { type Ctx, intParam, noContent, nowIso, ok, type Reply, readJson } from '../context.ts';
import {
  badRequest,
  conflict,
  forbidden,
  HttpError,
  PLATFORM_CODES,
  versionMismatch,
} from '../errors.ts';
import { isUuid } from '../router.ts';
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
  const inherits = body.kind === 'folder' || body.kind === 'unit';
  const tenant: TenantRec = {
    id: randomUUID(),
    version: 1,
    name: body.name,
    kind: body.kind,
    parent_id: parent.id,
    enabled: true,
    ancestral_access: body.ancestral_access ?? true,
    customer_id: body.customer_id ?? null,
    internal_tag: body.internal_tag ?? null,
    language: body.language ?? parent.language,
    contact: body.contact ?? {},
    owner_id: null,
    update_lock: { enabled: false, owner_id: null },
    mfa_status: 'disabled',
    pricing_mode: body.pricing_mode ?? (inherits ? parent.pricing_mode : 'trial'),
    created_at: at,
    updated_at: at,
    deleted_at: null,
  };
  ctx.world.commit({ tenants: [tenant] });
  return ok(tenantView(ctx.world, tenant), 201);
}

export function getTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  return ok(tenantView(ctx.world, visibleTenant(ctx.world, who, ctx.params.id ?? '')));
}

export function updateTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, TenantUpdateRequest);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.update_lock.enabled) throw locked();
  if (body.version !== t.version) throw versionMismatch(t.version, body.version);
  if (body.name !== undefined && body.name.toLowerCase() !== t.name.toLowerCase()) {
    if (ctx.world.tenantIdByName(body.name) !== undefined) throw nameTaken(body.name);
  }
  if (t.pricing_mode === 'production' && body.pricing_mode === 'trial') {
    throw new HttpError(400, 'A tenant in production cannot go back to trial.', {
      code: PLATFORM_CODES.businessRules,
    });
  }
  const next: TenantRec = {
    ...t,
    version: t.version + 1,
    updated_at: nowIso(),
    name: body.name ?? t.name,
    enabled: body.enabled ?? t.enabled,
    customer_id: body.customer_id === undefined ? t.customer_id : body.customer_id,
    internal_tag: body.internal_tag === undefined ? t.internal_tag : body.internal_tag,
    language: body.language ?? t.language,
    contact: body.contact ?? t.contact,
    ancestral_access: body.ancestral_access ?? t.ancestral_access,
    pricing_mode: body.pricing_mode ?? t.pricing_mode,
  };
  ctx.world.commit({ tenants: [next] });
  return ok(tenantView(ctx.world, next));
}

export function deleteTenant(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const version = intParam(ctx, 'version', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.id === who.tenantId) {
    throw forbidden('The tenant your credentials belong to cannot be deleted with them.');
  }
  if (t.update_lock.enabled) throw locked();
  if (version !== t.version) throw versionMismatch(t.version, version);
  if (t.enabled) {
    throw new HttpError(400, 'Only a disabled tenant can be deleted; disable it first.', {
      code: PLATFORM_CODES.deleteEnabled,
      info: 'PUT /tenants/{id} with {"enabled": false, "version": N}, then DELETE.',
    });
  }
  // The whole subtree goes, with its users and API clients, in one journaled change.
  const at = nowIso();
  const gone = liveSubtree(ctx.world, t);
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

function liveSubtree(world: World, top: TenantRec): TenantRec[] {
  const out = [top];
  for (let i = 0; i < out.length; i++) {
    for (const id of world.childIds((out[i] as TenantRec).id)) {
      const child = world.tenants.get(id);
      if (child && isLive(child)) out.push(child);
    }
  }
  return out;
}

/** A child the caller may see in listings: live, and not hiding from its ancestors. */
const listable = (world: World, id: string): TenantRec | undefined => {
  const t = world.tenants.get(id);
  return t && isLive(t) && t.ancestral_access ? t : undefined;
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
  const given = ['uuids', 'parent_id', 'subtree_root_id'].filter((k) => ctx.query.has(k));
  if (given.length !== 1) {
    throw badRequest(
      given.length === 0
        ? 'One of uuids, parent_id or subtree_root_id is required.'
        : `Give only one of ${given.join(', ')}.`,
    );
  }
  const limit = intParam(ctx, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
  const timestamp = nowIso();

  if (given[0] === 'uuids') {
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

  const param = given[0] as 'parent_id' | 'subtree_root_id';
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
