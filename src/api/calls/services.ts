// Services ("applications"): the platform's catalogue and what a tenant has enabled.
import {
  type Application,
  ApplicationIds,
  ApplicationList,
  Application as ApplicationSchema,
  TenantApplicationsBatch,
} from '../../schemas/index.ts';
import { uuid, uuidCsv } from '../args.ts';
import type { PlatformClient } from '../client.ts';

/** `GET /applications`: every service of the platform. */
export async function listApplications(
  client: PlatformClient,
  signal?: AbortSignal,
): Promise<Application[]> {
  return (await client.request('GET', '/applications', { schema: ApplicationList, signal })).body
    .items;
}

/** The service of one `type` (`backup`, `platform`, ...), or undefined. */
export async function findApplication(
  client: PlatformClient,
  type: string,
  signal?: AbortSignal,
): Promise<Application | undefined> {
  return (await listApplications(client, signal)).find((a) => a.type === type);
}

export async function getApplication(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<Application> {
  const aid = uuid('getApplication', 'the service id', id);
  return (
    await client.request('GET', `/applications/${aid}`, { schema: ApplicationSchema, signal })
  ).body;
}

/** `GET /tenants/{id}/applications`: ids of the services enabled in the tenant. */
export async function getTenantApplications(
  client: PlatformClient,
  tenantId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const tid = uuid('getTenantApplications', 'the tenant id', tenantId);
  const res = await client.request('GET', `/tenants/${tid}/applications`, {
    schema: ApplicationIds,
    signal,
  });
  return res.body.items;
}

/** `GET /tenants/applications?tenants=`: the same for several tenants at once. */
export async function getTenantsApplications(
  client: PlatformClient,
  tenantIds: readonly string[],
  signal?: AbortSignal,
): Promise<TenantApplicationsBatch['items']> {
  const tenants = uuidCsv('getTenantsApplications', 'the tenant ids', tenantIds);
  const res = await client.request('GET', '/tenants/applications', {
    query: { tenants },
    schema: TenantApplicationsBatch,
    signal,
  });
  return res.body.items;
}

/** `POST /applications/{app}/bindings/tenants/{tenant}` -> 204; switches no item on. */
export async function enableService(
  client: PlatformClient,
  applicationId: string,
  tenantId: string,
  signal?: AbortSignal,
): Promise<void> {
  const aid = uuid('enableService', 'the service id', applicationId);
  const tid = uuid('enableService', 'the tenant id', tenantId);
  await client.request('POST', `/applications/${aid}/bindings/tenants/${tid}`, {
    idempotent: true,
    signal,
  });
}

/** `DELETE` of the binding -> 204: irreversible, cascades to sub-tenants and their items. */
export async function disableService(
  client: PlatformClient,
  applicationId: string,
  tenantId: string,
  signal?: AbortSignal,
): Promise<void> {
  const aid = uuid('disableService', 'the service id', applicationId);
  const tid = uuid('disableService', 'the tenant id', tenantId);
  await client.request('DELETE', `/applications/${aid}/bindings/tenants/${tid}`, { signal });
}
