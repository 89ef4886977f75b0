import { z } from 'zod';
import { Uuid } from './common.ts';
import { OfferingItemType, Quota } from './offering-items.ts';

/** One service usage of a tenant. */
export const Usage = z.looseObject({
  tenant_uuid: Uuid,
  tenant_id: z.number().int().nullish(),
  application_id: Uuid,
  edition: z.string().nullish(),
  name: z.string(),
  usage_name: z.string(),
  type: OfferingItemType,
  infra_id: Uuid.nullish(),
  measurement_unit: z.string(),
  value: z.number(),
  absolute_value: z.number().nullish(),
  range_start: z.string().nullish(),
  offering_item: z
    .looseObject({ quota: Quota.nullish(), status: z.union([z.literal(0), z.literal(1)]) })
    .optional(),
});
export type Usage = z.infer<typeof Usage>;

export const UsageList = z.looseObject({ items: z.array(Usage) });
export type UsageList = z.infer<typeof UsageList>;

export const UsageBatch = z.looseObject({
  items: z.array(z.looseObject({ tenant: Uuid, usages: z.array(Usage) })),
});
export type UsageBatch = z.infer<typeof UsageBatch>;
