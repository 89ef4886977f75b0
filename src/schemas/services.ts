import { Uuid } from './common.ts';
import * as z from './zod.ts';

/** A service ("application") of the platform: `GET /applications`. */
export const Application = z.looseObject({
  id: Uuid,
  name: z.string(),
  type: z.string(),
  api_base_url: z.nullish(z.string()),
  usages: z.optional(z.array(z.string())),
});
export type Application = z.infer<typeof Application>;

export const ApplicationList = z.looseObject({ items: z.array(Application) });
export type ApplicationList = z.infer<typeof ApplicationList>;

/** `GET /tenants/{id}/applications`: the ids of the services enabled in the tenant. */
export const ApplicationIds = z.looseObject({ items: z.array(Uuid) });
export type ApplicationIds = z.infer<typeof ApplicationIds>;

/** `GET /tenants/applications?tenants=`: per tenant, its services' ids. */
export const TenantApplicationsBatch = z.looseObject({
  items: z.array(z.looseObject({ tenant: Uuid, applications: z.array(Uuid) })),
});
export type TenantApplicationsBatch = z.infer<typeof TenantApplicationsBatch>;
