// Usage figures: made up, but the same for the same world (a hash of the seed, the tenant and
// the item), never above the item's hard quota, and only for items that are switched on.
import type { Usage } from '../schemas/index.ts';
import type { ItemDef } from './catalogue.ts';
import { hardLimit, itemView, tenantItems } from './offering.ts';
import type { OfferingItemRec, TenantRec, World } from './world.ts';

const GIB = 1024 ** 3;

/** FNV-1a, 32 bits: small and stable across runs and platforms. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The tenant's v1-style numeric id the usage objects carry. */
export const numericId = (tenantId: string) => (fnv1a(tenantId) % 9_000_000) + 1_000_000;

export function usageValue(seed: number, t: TenantRec, def: ItemDef, rec: OfferingItemRec): number {
  if (rec.status !== 1) return 0;
  const frac = fnv1a(`${seed}|${t.id}|${rec.name}|${rec.infra_id ?? ''}`) / 2 ** 32;
  let raw: number;
  if (def.measurement_unit === 'bytes') raw = Math.floor(frac * 300) * GIB;
  else if (def.type === 'feature') raw = frac < 0.5 ? 0 : 1;
  else raw = Math.floor(frac * 40);
  const hard = hardLimit(rec);
  return hard === null ? raw : Math.min(raw, hard);
}

/** The first day of the current month, as the usage period starts. */
function rangeStart(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

export interface UsageFilter {
  usageNames?: Set<string>;
  editions?: Set<string>;
}

export function usagesOf(world: World, t: TenantRec, f: UsageFilter = {}): Usage[] {
  const out: Usage[] = [];
  const start = rangeStart();
  for (const { def, rec } of tenantItems(world, t)) {
    if (rec.status !== 1) continue;
    if (f.usageNames && !f.usageNames.has(def.usage_name)) continue;
    if (f.editions && def.edition !== null && !f.editions.has(def.edition)) continue;
    const value = usageValue(world.meta.seed, t, def, rec);
    const view = itemView(def, rec);
    out.push({
      tenant_uuid: t.id,
      tenant_id: numericId(t.id),
      application_id: def.application_id,
      edition: def.edition,
      name: def.name,
      usage_name: def.usage_name,
      type: def.type,
      ...(def.type === 'infra' ? { infra_id: rec.infra_id } : {}),
      measurement_unit: def.measurement_unit,
      value,
      absolute_value: value,
      range_start: start,
      offering_item: { quota: view.quota ?? null, status: rec.status },
    });
  }
  return out;
}
