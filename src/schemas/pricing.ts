import { LooseInt } from './loose.ts';
import * as z from './zod.ts';

export const PricingMode = z.enum(['trial', 'production', 'suspended']);
export type PricingMode = z.infer<typeof PricingMode>;

/** `GET /tenants/{id}/pricing`; `version` is a millisecond timestamp. */
export const Pricing = z.looseObject({
  mode: PricingMode,
  currency: z.nullish(z.string()),
  production_start_date: z.nullish(z.string()),
  version: z.int(),
});
export type Pricing = z.infer<typeof Pricing>;

/** `PUT /tenants/{id}/pricing`: the fetched object back, `mode` changed. */
export const PricingPutRequest = z.strictObject({
  version: LooseInt,
  mode: z.optional(PricingMode),
  currency: z.nullish(z.string().check(z.maxLength(8))),
  production_start_date: z.nullish(z.string().check(z.maxLength(64))),
});
export type PricingPutRequest = z.input<typeof PricingPutRequest>;
