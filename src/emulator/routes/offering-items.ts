// Offering items and quotas, editions, and the storages items point at.
import { ChildKind, EditionSwitchRequest, OfferingItemsPutRequest } from '../../schemas/index.ts';
import { authenticate, visibleTenant } from '../access.ts';
import { APP_BY_ID, DEFAULT_EDITION, DEFAULT_INFRA, INFRA, ITEM_BY_NAME } from '../catalogue.ts';
import { type Ctx, ok, type Reply, readJson, uuidList, wordSet } from '../context.ts';
import { badRequest, HttpError, PLATFORM_CODES } from '../errors.ts';
import {
  applyItemsPut,
  editionsOf,
  enabledItems,
  type ItemFilter,
  itemView,
  matches,
  switchEdition,
  tenantItems,
} from '../offering.ts';
import { isUuid } from '../router.ts';
import { usageValue } from '../usage.ts';
import type { TenantRec } from '../world.ts';
import { assertNotPersonal, assertUnlocked } from './tenants.ts';

function filterOf(ctx: Ctx): ItemFilter {
  const edition = ctx.query.get('edition');
  const editions =
    edition === '*' ? null : new Set((edition || DEFAULT_EDITION).split(',').map((e) => e.trim()));
  const f: ItemFilter = { editions };
  const status = ctx.query.get('status');
  if (status !== null && status !== '') {
    if (status !== '0' && status !== '1') throw badRequest('status: expected 0 or 1');
    f.status = status === '1' ? 1 : 0;
  }
  const type = ctx.query.get('type');
  if (type !== null && type !== '') {
    if (!['count', 'feature', 'infra'].includes(type)) {
      throw badRequest('type: expected count, feature or infra');
    }
    f.type = type;
  }
  const usages = wordSet(ctx, 'usage_names');
  if (usages) f.usageNames = usages;
  const infra = ctx.query.get('infra_uuid');
  if (infra !== null && infra !== '') {
    if (!isUuid(infra)) throw badRequest('infra_uuid: expected a UUID');
    f.infraId = infra.toLowerCase();
  }
  return f;
}

function itemsOf(ctx: Ctx, t: TenantRec, f: ItemFilter) {
  return tenantItems(ctx.world, t)
    .filter(({ def, rec }) => matches(def, rec, f))
    .map(({ def, rec }) => itemView(def, rec));
}

export function listOfferingItems(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  return ok({ items: itemsOf(ctx, t, filterOf(ctx)) });
}

/** What this tenant can give a new child of `kind`, shaped to be PUT to it as it is. */
export function availableForChild(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  const rawKind = ctx.query.get('kind');
  let kind: string | undefined;
  if (rawKind !== null && rawKind !== '') {
    const parsed = ChildKind.safeParse(rawKind);
    if (!parsed.success) throw badRequest('kind: expected partner, folder, customer or unit');
    kind = parsed.data;
  }
  const f = filterOf(ctx);
  const items = [...enabledItems(t).values()]
    .filter((rec) => {
      // A customer (or unit) uses one storage: it is offered the default one.
      if ((kind === 'customer' || kind === 'unit') && rec.infra_id !== null) {
        return rec.infra_id === DEFAULT_INFRA.id;
      }
      return true;
    })
    .map((rec) => ({
      def: itemDef(rec.name),
      rec: { ...rec, value: null, overage: null, version: 0 },
    }))
    .filter(({ def, rec }) => matches(def, rec, f))
    .map(({ def, rec }) => itemView(def, rec));
  return ok({ items });
}

const itemDef = (name: string) =>
  ITEM_BY_NAME.get(name) as NonNullable<ReturnType<typeof ITEM_BY_NAME.get>>;

export function putOfferingItems(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, OfferingItemsPutRequest);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.id === who.tenantId) {
    throw new HttpError(
      403,
      "Your own tenant's offering items are set by its parent's administrators.",
      {
        code: PLATFORM_CODES.accessDenied,
      },
    );
  }
  assertUnlocked(ctx.world, who, t);
  const seed = ctx.world.meta.seed;
  const { next, answer, cascade } = applyItemsPut(ctx.world, t, body.offering_items, {
    checkUsage: body.check_usage === true,
    usage: (tenant, rec) => usageValue(seed, tenant, itemDef(rec.name), { ...rec, value: null }),
  });
  ctx.world.commit({ tenants: [next, ...cascade] });
  return ok({ items: answer });
}

/** `GET /tenants/offering_items?subtree_root_tenant_id=`: every tenant of a subtree. */
export function subtreeOfferingItems(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const raw = ctx.query.get('subtree_root_tenant_id');
  if (!raw) throw badRequest('subtree_root_tenant_id: required');
  if (!isUuid(raw)) throw badRequest('subtree_root_tenant_id: expected a UUID');
  const root = visibleTenant(ctx.world, who, raw.toLowerCase());
  const f = filterOf(ctx);
  const limit = 10_000;
  const items: Record<string, unknown>[] = [];
  for (const t of ctx.world.liveSubtree(root)) {
    if (!ctx.world.isVisible(root.id, t.id)) continue;
    for (const item of itemsOf(ctx, t, f)) items.push({ ...item, tenant_id: t.id });
    if (items.length >= limit) break;
  }
  return ok({ items });
}

function editionTarget(appId: string, target: string): void {
  const app = APP_BY_ID.get(appId);
  if (!app) throw badRequest('application_id: no such service');
  const editions = editionsOf(appId);
  if (editions.length === 0) {
    throw new HttpError(400, `${app.name} has no editions.`, {
      code: PLATFORM_CODES.businessRules,
      info: 'Only Cyber Protection and File Sync & Share have editions.',
      context: { application_id: appId },
    });
  }
  if (!editions.includes(target)) {
    throw new HttpError(400, `${app.name} has no edition ${JSON.stringify(target.slice(0, 60))}.`, {
      info: `Editions: ${editions.join(', ')}.`,
      context: { application_id: appId, target_edition: target },
    });
  }
}

/** The dry run: what switching would do, as warnings. */
export function editionDryRun(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  const appId = (ctx.query.get('application_id') ?? '').toLowerCase();
  const target = ctx.query.get('target_edition') ?? '';
  if (!isUuid(appId)) throw badRequest('application_id: expected a UUID');
  if (target === '') throw badRequest('target_edition: required');
  editionTarget(appId, target);
  return ok({ warnings: switchEdition(ctx.world, t, appId, target).warnings });
}

export function putEdition(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, EditionSwitchRequest);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  const appId = body.application_id.toLowerCase();
  editionTarget(appId, body.target_edition);
  assertNotPersonal(t);
  if (t.id === who.tenantId) {
    throw new HttpError(403, "Your own tenant's edition is set by its parent's administrators.", {
      code: PLATFORM_CODES.accessDenied,
    });
  }
  assertUnlocked(ctx.world, who, t);
  const { next, cascade } = switchEdition(ctx.world, t, appId, body.target_edition);
  ctx.world.commit({ tenants: [next, ...cascade] });
  const items = itemsOf(ctx, next, { editions: null }).filter((i) => i.application_id === appId);
  return ok({ items });
}

const infraView = (i: (typeof INFRA)[number]) => ({
  id: i.id,
  name: i.name,
  capabilities: i.capabilities,
  platform_owned: i.platform_owned,
  backend_type: i.backend_type,
});

/** `GET /infra?uuids=`: the storages (read only). Without `uuids`, all of them. */
export function listInfra(ctx: Ctx): Reply {
  authenticate(ctx);
  if (!ctx.query.has('uuids')) return ok({ items: INFRA.map(infraView) });
  const ids = new Set(uuidList(ctx, 'uuids'));
  return ok({ items: INFRA.filter((i) => ids.has(i.id)).map(infraView) });
}
