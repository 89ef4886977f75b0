// Offering items: what a tenant has (its own records over what its parent offers), the rules
// of PUT /tenants/{id}/offering_items, and the cascade that keeps every child within what its
// parent has. Root offers the whole catalogue; every other tenant offers what it has enabled.
import type { OfferingItem, OfferingItemPut } from '../schemas/index.ts';
import {
  APP_BY_ID,
  APPLICATIONS,
  DEFAULT_INFRA,
  ITEM_BY_NAME,
  ITEMS,
  type ItemDef,
  infrasFor,
} from './catalogue.ts';
import { badRequest, HttpError, PLATFORM_CODES } from './errors.ts';
import type { OfferingItemRec, TenantRec, World } from './world.ts';

export const itemKey = (name: string, infraId: string | null) => `${name}|${infraId ?? ''}`;
const recKey = (r: OfferingItemRec) => itemKey(r.name, r.infra_id);

/** Every item of the catalogue, once per storage for infra items: what root offers. */
const ROOT_ITEMS: OfferingItemRec[] = ITEMS.flatMap((def) =>
  def.type === 'infra'
    ? infrasFor(def).map((i) => offRec(def.name, i.id, 1))
    : [offRec(def.name, null, 1)],
);
const ALL_APPS = APPLICATIONS.map((a) => a.id);

function offRec(name: string, infraId: string | null, status: 0 | 1): OfferingItemRec {
  return { name, infra_id: infraId, status, value: null, overage: null, version: 0 };
}

export const appsOf = (t: TenantRec): readonly string[] =>
  t.kind === 'root' ? ALL_APPS : t.applications;

/** The items a tenant has switched on, by key. */
export function enabledItems(t: TenantRec): Map<string, OfferingItemRec> {
  const source = t.kind === 'root' ? ROOT_ITEMS : t.offering_items;
  const out = new Map<string, OfferingItemRec>();
  for (const r of source) if (r.status === 1) out.set(recKey(r), r);
  return out;
}

export const parentOf = (world: World, t: TenantRec): TenantRec | undefined =>
  t.parent_id === null ? undefined : world.tenants.get(t.parent_id);

/** All items of a tenant: what its parent offers, each with the tenant's own state or off. */
export function tenantItems(world: World, t: TenantRec): { def: ItemDef; rec: OfferingItemRec }[] {
  if (t.kind === 'root') return ROOT_ITEMS.map((rec) => ({ def: defOf(rec.name), rec }));
  const parent = parentOf(world, t);
  const own = new Map(t.offering_items.map((r) => [recKey(r), r]));
  const offered = parent ? [...enabledItems(parent).values()] : [];
  // A personal tenant has everything its user's tenant has on; only quotas are its own.
  const byDefault = t.owner_id === null ? 0 : 1;
  return offered.map((p) => ({
    def: defOf(p.name),
    rec: own.get(recKey(p)) ?? offRec(p.name, p.infra_id, byDefault),
  }));
}

function defOf(name: string): ItemDef {
  const def = ITEM_BY_NAME.get(name);
  if (!def) throw new Error(`offering item ${name} is not in the catalogue`);
  return def;
}

export function itemView(def: ItemDef, rec: OfferingItemRec): OfferingItem {
  const view: OfferingItem = {
    application_id: def.application_id,
    name: def.name,
    edition: def.edition,
    usage_name: def.usage_name,
    type: def.type,
    ...(def.type === 'infra' ? { infra_id: rec.infra_id } : {}),
    measurement_unit: def.measurement_unit,
    locked: false,
    status: rec.status,
  };
  if (rec.status === 1)
    view.quota = { value: rec.value, overage: rec.overage, version: rec.version };
  return view;
}

export interface ItemFilter {
  /** null = every edition ('*'). Items of services without editions always pass. */
  editions: Set<string> | null;
  status?: 0 | 1;
  type?: string;
  usageNames?: Set<string>;
  infraId?: string;
}

export function matches(def: ItemDef, rec: OfferingItemRec, f: ItemFilter): boolean {
  if (f.editions && def.edition !== null && !f.editions.has(def.edition)) return false;
  if (f.status !== undefined && rec.status !== f.status) return false;
  if (f.type !== undefined && def.type !== f.type) return false;
  if (f.usageNames && !f.usageNames.has(def.usage_name)) return false;
  if (f.infraId !== undefined && rec.infra_id !== f.infraId) return false;
  return true;
}

/** The hard limit of a quota (soft value plus overage), or null when unlimited. */
export const hardLimit = (r: OfferingItemRec): number | null =>
  r.value === null ? null : r.value + (r.overage ?? 0);

/** A new quota version: a millisecond timestamp, strictly above the previous one. */
export const nextVersion = (old: number) => Math.max(Date.now(), old + 1);

const notAvailable = (what: string) =>
  new HttpError(400, `Offering item ${what} is not available for this tenant.`, {
    code: PLATFORM_CODES.itemNotAvailable,
    info: 'A tenant can only get the offering items its parent tenant has enabled.',
  });

/**
 * Applies a PUT of offering items to `t`. Returns the tenant's new record, the items as they
 * now are (in the order sent), and the descendants that lose items it turned off.
 */
export function applyItemsPut(
  world: World,
  t: TenantRec,
  items: OfferingItemPut[],
  opts: { checkUsage: boolean; usage: (t: TenantRec, r: OfferingItemRec) => number },
): { next: TenantRec; answer: OfferingItem[]; cascade: TenantRec[] } {
  if (t.kind === 'root') throw badRequest("The root tenant's offering items cannot be changed.");
  const parent = parentOf(world, t);
  const offered = parent ? enabledItems(parent) : new Map<string, OfferingItemRec>();
  const own = new Map(t.offering_items.map((r) => [recKey(r), r]));
  const touched: string[] = [];
  for (const sent of items) {
    const def = ITEM_BY_NAME.get(sent.name);
    if (!def) throw notAvailable(JSON.stringify(sent.name));
    if (
      sent.application_id !== undefined &&
      sent.application_id.toLowerCase() !== def.application_id
    ) {
      throw badRequest(
        `offering_items: ${sent.name} belongs to application ${def.application_id}.`,
      );
    }
    let infraId: string | null = null;
    if (def.type === 'infra') {
      const given = sent.infra_id ?? null;
      const candidates = [...offered.values()].filter((r) => r.name === def.name);
      if (given !== null) infraId = given.toLowerCase();
      else if (candidates.length === 1) infraId = (candidates[0] as OfferingItemRec).infra_id;
      else if (candidates.length > 1) {
        throw badRequest(
          `offering_items: ${def.name} needs an infra_id (it is offered on several storages).`,
        );
      } else throw notAvailable(def.name);
    }
    const key = itemKey(def.name, infraId);
    const status = sent.status ?? 1;
    if (t.owner_id !== null && status === 0) {
      throw new HttpError(400, "Offering items of a user's personal tenant cannot be turned off.", {
        code: PLATFORM_CODES.businessRules,
        info: 'Set quotas only; switch items on or off in the tenant of the user.',
      });
    }
    const parentRec = offered.get(key);
    if (status === 1 && !parentRec)
      throw notAvailable(def.type === 'infra' ? `${def.name} on storage ${infraId}` : def.name);
    const old = own.get(key) ?? offRec(def.name, infraId, 0);
    let next: OfferingItemRec;
    if (status === 0) {
      next = offRec(def.name, infraId, 0);
    } else {
      const q = sent.quota ?? undefined;
      const current = old.status === 1 ? old : offRec(def.name, infraId, 1);
      if (q?.version !== undefined && q.version !== current.version) {
        throw new HttpError(
          426,
          'The quota version is out of date: read the offering item again.',
          {
            info: `Current quota version of ${def.name} is ${current.version}, the request sent ${q.version}.`,
            context: { name: def.name, version: current.version },
          },
        );
      }
      const value = q && 'value' in q ? (q.value ?? null) : current.value;
      const overage =
        value === null ? null : q && 'overage' in q ? (q.overage ?? null) : current.overage;
      const changed = value !== current.value || overage !== current.overage;
      next = {
        name: def.name,
        infra_id: infraId,
        status: 1,
        value,
        overage,
        version: value === null ? 0 : changed ? nextVersion(current.version) : current.version,
      };
      const parentHard = parentRec ? hardLimit(parentRec) : null;
      const hard = hardLimit(next);
      if (parentHard !== null && hard !== null && hard > parentHard) {
        throw new HttpError(
          400,
          `The quota of ${def.name} exceeds the parent tenant's hard quota.`,
          {
            code: PLATFORM_CODES.hardQuota,
            info: `The parent allows at most ${parentHard}; the request asks ${hard}.`,
          },
        );
      }
      if (opts.checkUsage && hard !== null) {
        const used = opts.usage(t, next);
        if (used > hard) {
          throw new HttpError(400, `The usage of ${def.name} is above the new hard quota.`, {
            code: PLATFORM_CODES.hardQuota,
            info: `Current usage is ${used}; the request allows ${hard}.`,
          });
        }
      }
    }
    own.set(key, next);
    touched.push(key);
  }
  const list = [...own.values()].filter((r) => r.status === 1 || touched.includes(recKey(r)));
  checkRules(t, list);
  const applications = new Set(t.applications);
  for (const r of list) if (r.status === 1) applications.add(defOf(r.name).application_id);
  const offItems = new Set(
    t.offering_items.filter((r) => r.status === 1 && own.get(recKey(r))?.status === 0).map(recKey),
  );
  const next: TenantRec = {
    ...t,
    // Only the tenant's switched-on items are kept: an off item is the default.
    offering_items: list.filter((r) => r.status === 1),
    applications: [...applications],
  };
  const answer = [...new Set(touched)].map((key) => {
    const rec = own.get(key) as OfferingItemRec;
    return itemView(defOf(rec.name), rec);
  });
  return { next, answer, cascade: cascadeOff(world, next, offItems, new Set()) };
}

/** One storage per customer and service; dependencies between items. */
function checkRules(t: TenantRec, list: OfferingItemRec[]): void {
  const on = list.filter((r) => r.status === 1);
  if (t.kind === 'customer' || t.kind === 'unit') {
    const storages = new Map<string, Set<string>>();
    for (const r of on) {
      const def = defOf(r.name);
      if (def.type !== 'infra' || r.infra_id === null) continue;
      const set = storages.get(def.application_id) ?? new Set();
      set.add(r.infra_id);
      storages.set(def.application_id, set);
    }
    for (const [app, set] of storages) {
      if (set.size > 1) {
        throw new HttpError(400, 'A customer tenant can use only one storage per service.', {
          code: PLATFORM_CODES.infraConflict,
          info: `${APP_BY_ID.get(app)?.name ?? app}: storages ${[...set].join(', ')} were asked for.`,
        });
      }
    }
  }
  const usages = new Set(on.map((r) => defOf(r.name).usage_name));
  for (const r of on) {
    for (const needed of defOf(r.name).requires ?? []) {
      if (!usages.has(needed)) {
        throw new HttpError(400, `Offering item ${r.name} needs a ${needed} item enabled too.`, {
          code: PLATFORM_CODES.itemDependency,
          info: `Enable a Cyber Protection ${needed} item in the same request or before.`,
        });
      }
    }
  }
}

/**
 * Turns off, in every live descendant of `top`, the items whose keys are in `keys` and every
 * item and binding of the services in `apps`. Returns the changed descendants.
 */
export function cascadeOff(
  world: World,
  top: TenantRec,
  keys: Set<string>,
  apps: Set<string>,
): TenantRec[] {
  if (keys.size === 0 && apps.size === 0) return [];
  const changed: TenantRec[] = [];
  const all = world.liveSubtree(top);
  for (let i = 1; i < all.length; i++) {
    const child = all[i] as TenantRec;
    const items = child.offering_items.filter(
      (r) => !keys.has(recKey(r)) && !apps.has(defOf(r.name).application_id),
    );
    const applications = child.applications.filter((a) => !apps.has(a));
    if (
      items.length !== child.offering_items.length ||
      applications.length !== child.applications.length
    ) {
      changed.push({ ...child, offering_items: items, applications });
    }
  }
  return changed;
}

/** The editions of a service (empty for services without editions). */
export function editionsOf(appId: string): string[] {
  return APP_BY_ID.get(appId)?.editions ?? [];
}

/**
 * The edition switch: each enabled item of the service moves to the item with the same usage
 * (and storage) in the target edition when the parent offers it, keeping its quota; the rest
 * go off. When the parent has nothing of the target edition, every item of the service goes off.
 */
export function switchEdition(
  world: World,
  t: TenantRec,
  appId: string,
  target: string,
): { next: TenantRec; warnings: string[]; cascade: TenantRec[] } {
  const parent = parentOf(world, t);
  const offered = parent ? enabledItems(parent) : new Map<string, OfferingItemRec>();
  const offersTarget = [...offered.values()].some(
    (r) => defOf(r.name).edition === target && defOf(r.name).application_id === appId,
  );
  const warnings: string[] = [];
  const kept: OfferingItemRec[] = [];
  const turnedOff = new Set<string>();
  for (const r of t.offering_items) {
    const def = defOf(r.name);
    if (def.application_id !== appId || r.status !== 1) {
      kept.push(r);
      continue;
    }
    if (def.edition === target) {
      kept.push(r);
      continue;
    }
    turnedOff.add(recKey(r));
    if (!offersTarget) continue;
    const counterpart = ITEMS.find(
      (d) => d.application_id === appId && d.edition === target && d.usage_name === def.usage_name,
    );
    const key = counterpart ? itemKey(counterpart.name, r.infra_id) : '';
    if (!counterpart || !offered.has(key)) {
      warnings.push(
        `${r.name} has no counterpart in the ${target} edition and will be turned off.`,
      );
      continue;
    }
    if (!kept.some((k) => recKey(k) === key)) {
      kept.push({
        ...r,
        name: counterpart.name,
        version: r.value === null ? 0 : nextVersion(r.version),
      });
    }
  }
  if (!offersTarget && turnedOff.size > 0) {
    warnings.push(
      `The parent tenant does not offer the ${target} edition: every offering item of ${APP_BY_ID.get(appId)?.name ?? appId} will be turned off.`,
    );
  }
  const next: TenantRec = { ...t, offering_items: kept };
  return { next, warnings, cascade: cascadeOff(world, next, turnedOff, new Set()) };
}

/** Items given to seeded tenants: the named usages of one edition on the default storage. */
export function seededItems(
  editionName: string,
  usages: [string, number | null, number | null][],
  version: number,
): OfferingItemRec[] {
  return usages.map(([usage, value, overage]) => {
    const def = ITEMS.find(
      (d) => d.usage_name === usage && (d.edition === editionName || d.edition === null),
    ) as ItemDef;
    return {
      name: def.name,
      infra_id: def.type === 'infra' ? (infrasFor(def)[0] ?? DEFAULT_INFRA).id : null,
      status: 1,
      value,
      overage: value === null ? null : overage,
      version: value === null ? 0 : version,
    };
  });
}

/** Everything the catalogue has, on every storage, switched on without limits. */
export const allItemsOn = (): OfferingItemRec[] => ROOT_ITEMS.map((r) => ({ ...r }));
