import { Uuid } from './common.ts';
import type { TenantKind } from './tenants.ts';
import * as z from './zod.ts';

export const OfferingItemType = z.enum(['count', 'feature', 'infra']);
export type OfferingItemType = z.infer<typeof OfferingItemType>;

export const Quota = z.looseObject({
  value: z.nullable(z.number()),
  overage: z.nullable(z.number()),
  version: z.int(),
});
export type Quota = z.infer<typeof Quota>;

/** An offering item as the platform answers it; `quota` is absent when it is disabled. */
export const OfferingItem = z.looseObject({
  application_id: Uuid,
  name: z.string(),
  edition: z.nullish(z.string()),
  usage_name: z.string(),
  type: OfferingItemType,
  infra_id: z.nullish(Uuid),
  measurement_unit: z.string(),
  locked: z.optional(z.boolean()),
  status: z.union([z.literal(0), z.literal(1)]),
  quota: z.optional(Quota),
});
export type OfferingItem = z.infer<typeof OfferingItem>;

export const OfferingItemList = z.looseObject({ items: z.array(OfferingItem) });
export type OfferingItemList = z.infer<typeof OfferingItemList>;

/** Across a subtree: each item names its tenant. */
export const SubtreeOfferingItem = z.extend(OfferingItem, { tenant_id: Uuid });
export const SubtreeOfferingItemList = z.looseObject({ items: z.array(SubtreeOfferingItem) });

const QuotaNumber = z.int().check(z.nonnegative());

/** One item of `PUT /tenants/{id}/offering_items`. Fields the platform answers (usage_name,
 * type, ...) may be sent back as fetched; only these are read. */
export const OfferingItemPut = z.looseObject({
  application_id: z.optional(Uuid),
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  status: z.optional(z.union([z.literal(0), z.literal(1)])),
  infra_id: z.nullish(Uuid),
  quota: z.nullish(
    z.looseObject({
      value: z.optional(z.nullable(QuotaNumber)),
      overage: z.optional(z.nullable(QuotaNumber)),
      version: z.optional(QuotaNumber),
    }),
  ),
});
export type OfferingItemPut = z.infer<typeof OfferingItemPut>;

export const OfferingItemsPutRequest = z.strictObject({
  offering_items: z.array(OfferingItemPut).check(z.maxLength(1000)),
  check_usage: z.optional(z.boolean()),
});
export type OfferingItemsPutRequest = z.infer<typeof OfferingItemsPutRequest>;

/** The kinds below the root: `TenantKind` less `root`. */
export const ChildKind = z.enum(['partner', 'folder', 'customer', 'unit'] satisfies Exclude<
  TenantKind,
  'root'
>[]);

/** `PUT /tenants/{id}/edition`. */
export const EditionSwitchRequest = z.strictObject({
  target_edition: z.string().check(z.minLength(1), z.maxLength(64)),
  application_id: Uuid,
});
export type EditionSwitchRequest = z.infer<typeof EditionSwitchRequest>;

/** `GET /tenants/{id}/edition` (the dry run). */
export const EditionWarnings = z.looseObject({ warnings: z.array(z.string()) });
export type EditionWarnings = z.infer<typeof EditionWarnings>;

/** `GET /infra?uuids=`: a storage the offering items point at. */
export const Infra = z.looseObject({
  id: Uuid,
  name: z.string(),
  capabilities: z.array(z.string()),
  platform_owned: z.boolean(),
  backend_type: z.nullish(z.string()),
  location_id: z.nullish(Uuid),
});
export type Infra = z.infer<typeof Infra>;
export const InfraList = z.looseObject({ items: z.array(Infra) });
