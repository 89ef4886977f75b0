// A tenant's pricing mode (trial, production, suspended).
import { type Pricing, PricingPutRequest, Pricing as PricingSchema } from '../../schemas/index.ts';
import { checked, uuid } from '../args.ts';
import type { PlatformClient } from '../client.ts';

export async function getPricing(
  client: PlatformClient,
  tenantId: string,
  signal?: AbortSignal,
): Promise<Pricing> {
  const tid = uuid('getPricing', 'the tenant id', tenantId);
  return (await client.request('GET', `/tenants/${tid}/pricing`, { schema: PricingSchema, signal }))
    .body;
}

/** `PUT /tenants/{id}/pricing`: send the fetched object back with what changes. */
export async function setPricing(
  client: PlatformClient,
  tenantId: string,
  pricing: PricingPutRequest,
  signal?: AbortSignal,
): Promise<Pricing> {
  const tid = uuid('setPricing', 'the tenant id', tenantId);
  const body = checked('setPricing', PricingPutRequest, pricing);
  const res = await client.request('PUT', `/tenants/${tid}/pricing`, {
    json: body,
    schema: PricingSchema,
    signal,
  });
  return res.body;
}

/** The tutorial's two steps: read the pricing, send it back in production (for good). */
export async function switchToProduction(
  client: PlatformClient,
  tenantId: string,
  signal?: AbortSignal,
): Promise<Pricing> {
  const { mode: _mode, ...current } = await getPricing(client, tenantId, signal);
  return setPricing(
    client,
    tenantId,
    {
      version: current.version,
      currency: current.currency ?? null,
      production_start_date: current.production_start_date ?? null,
      mode: 'production',
    },
    signal,
  );
}
