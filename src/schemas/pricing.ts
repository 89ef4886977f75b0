import { z } from 'zod';
import { LooseInt } from './loose.ts';

export const PricingMode = z.enum(['trial', 'production', 'suspended']);
export type PricingMode = z.infer<typeof PricingMode>;

/** `GET /tenants/{id}/pricing`; `version` is a millisecond timestamp. */
export const Pricing = z.looseObject({
  mode: PricingMode,
  currency: z.string().nullish(),
  production_start_date: z.string().nullish(),
  version: z.number().int(),
});
export type Pricing = z.infer<typeof Pricing>;

/** `PUT /tenants/{id}/pricing`: the fetched object back, `mode` changed. */
export const PricingPutRequest = z.strictObject({
  version: LooseInt,
  mode: PricingMode.optional(),
  currency: z.string().max(8).nullish(),
  production_start_date: z.string().max(64).nullish(),
});
export type PricingPutRequest = z.input<typeof PricingPutRequest>;
