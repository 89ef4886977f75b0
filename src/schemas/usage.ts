import { Uuid } from './common.ts';
import { OfferingItemType, Quota } from './offering-items.ts';
import * as z from './zod.ts';

/** One service usage of a tenant. */
export const Usage = z.looseObject({
  tenant_uuid: Uuid,
  tenant_id: z.nullish(z.int()),
  application_id: Uuid,
  edition: z.nullish(z.string()),
  name: z.string(),
  usage_name: z.string(),
  type: OfferingItemType,
  infra_id: z.nullish(Uuid),
  measurement_unit: z.string(),
  value: z.number(),
  absolute_value: z.nullish(z.number()),
  range_start: z.nullish(z.string()),
  offering_item: z.optional(
    z.looseObject({ quota: z.nullish(Quota), status: z.union([z.literal(0), z.literal(1)]) }),
  ),
});
export type Usage = z.infer<typeof Usage>;

export const UsageList = z.looseObject({ items: z.array(Usage) });
export type UsageList = z.infer<typeof UsageList>;

export const UsageBatch = z.looseObject({
  items: z.array(z.looseObject({ tenant: Uuid, usages: z.array(Usage) })),
});
export type UsageBatch = z.infer<typeof UsageBatch>;
