// Usage figures of one tenant or of many.
import { type Usage, UsageBatch, UsageList } from '../../schemas/index.ts';
import { uuid, uuidCsv } from '../args.ts';
import type { PlatformClient } from '../client.ts';
import { UUIDS_PER_CALL } from '../endpoints.ts';

export interface UsageFilter {
  usage_names?: readonly string[];
  editions?: readonly string[];
}

const query = (f: UsageFilter | undefined) => ({
  usage_names: f?.usage_names?.join(','),
  editions: f?.editions?.join(','),
});

export async function getTenantUsages(
  client: PlatformClient,
  tenantId: string,
  filter?: UsageFilter,
  signal?: AbortSignal,
): Promise<Usage[]> {
  const tid = uuid('getTenantUsages', 'the tenant id', tenantId);
  const res = await client.request('GET', `/tenants/${tid}/usages`, {
    query: query(filter),
    schema: UsageList,
    signal,
  });
  return res.body.items;
}

/** `GET /tenants/usages?tenants=`, 100 tenants per call. */
export async function getTenantsUsages(
  client: PlatformClient,
  tenantIds: readonly string[],
  filter?: UsageFilter,
  signal?: AbortSignal,
): Promise<UsageBatch['items']> {
  uuidCsv('getTenantsUsages', 'the tenant ids', tenantIds);
  const out: UsageBatch['items'] = [];
  for (let i = 0; i < tenantIds.length; i += UUIDS_PER_CALL) {
    const res = await client.request('GET', '/tenants/usages', {
      query: { tenants: tenantIds.slice(i, i + UUIDS_PER_CALL).join(','), ...query(filter) },
      schema: UsageBatch,
      signal,
    });
    out.push(...res.body.items);
  }
  return out;
}
