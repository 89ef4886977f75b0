import { z } from 'zod';
import { Uuid } from './common.ts';
import { TenantKind } from './tenants.ts';

export const OfferingItemType = z.enum(['count', 'feature', 'infra']);
export type OfferingItemType = z.infer<typeof OfferingItemType>;

export const Quota = z.looseObject({
  value: z.number().nullable(),
  overage: z.number().nullable(),
  version: z.number().int(),
});
export type Quota = z.infer<typeof Quota>;

/** An offering item as the platform answers it; `quota` is absent when it is disabled. */
export const OfferingItem = z.looseObject({
  application_id: Uuid,
  name: z.string(),
  edition: z.string().nullish(),
  usage_name: z.string(),
  type: OfferingItemType,
  infra_id: Uuid.nullish(),
  measurement_unit: z.string(),
  locked: z.boolean().optional(),
  status: z.union([z.literal(0), z.literal(1)]),
  quota: Quota.optional(),
});
export type OfferingItem = z.infer<typeof OfferingItem>;

export const OfferingItemList = z.looseObject({ items: z.array(OfferingItem) });
export type OfferingItemList = z.infer<typeof OfferingItemList>;

/** Across a subtree: each item names its tenant. */
export const SubtreeOfferingItem = OfferingItem.extend({ tenant_id: Uuid });
export const SubtreeOfferingItemList = z.looseObject({ items: z.array(SubtreeOfferingItem) });

/** One item of `PUT /tenants/{id}/offering_items`. Fields the platform answers (usage_name,
 * type, ...) may be sent back as fetched; only these are read. */
export const OfferingItemPut = z.looseObject({
  application_id: Uuid.optional(),
  name: z.string().min(1).max(255),
  status: z.union([z.literal(0), z.literal(1)]).optional(),
  infra_id: Uuid.nullish(),
  quota: z
    .looseObject({
      value: z.number().int().nonnegative().nullable().optional(),
      overage: z.number().int().nonnegative().nullable().optional(),
      version: z.number().int().nonnegative().optional(),
    })
    .nullish(),
});
export type OfferingItemPut = z.infer<typeof OfferingItemPut>;

export const OfferingItemsPutRequest = z.strictObject({
  offering_items: z.array(OfferingItemPut).max(1000),
  check_usage: z.boolean().optional(),
});
export type OfferingItemsPutRequest = z.infer<typeof OfferingItemsPutRequest>;

export const ChildKind = TenantKind.exclude(['root']);

/** `PUT /tenants/{id}/edition`. */
export const EditionSwitchRequest = z.strictObject({
  target_edition: z.string().min(1).max(64),
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
  backend_type: z.string().nullish(),
  location_id: Uuid.nullish(),
});
export type Infra = z.infer<typeof Infra>;
export const InfraList = z.looseObject({ items: z.array(Infra) });
