// Offering items and quotas, editions, and the storages the items point at.
import {
  ChildKind,
  EditionSwitchRequest,
  EditionWarnings,
  type Infra,
  InfraList,
  type OfferingItem,
  OfferingItemList,
  type OfferingItemPut,
  OfferingItemsPutRequest,
  SubtreeOfferingItemList,
} from '../../schemas/index.ts';
import { checked, uuid, uuidCsv } from '../args.ts';
import type { PlatformClient, Query } from '../client.ts';

export interface OfferingItemFilter {
  /** An edition name, or '*' for all; the platform's default is the legacy `standard`. */
  edition?: string;
  status?: 0 | 1;
  type?: 'count' | 'feature' | 'infra';
  usage_names?: readonly string[];
  infra_uuid?: string;
}

function filterQuery(f: OfferingItemFilter | undefined): Query {
  if (!f) return {};
  return {
    edition: f.edition,
    status: f.status,
    type: f.type,
    usage_names: f.usage_names?.join(','),
    infra_uuid: f.infra_uuid,
  };
}

/** `GET /tenants/{id}/offering_items`. Pass `{edition: '*'}` to see every edition. */
export async function listOfferingItems(
  client: PlatformClient,
  tenantId: string,
  filter?: OfferingItemFilter,
  signal?: AbortSignal,
): Promise<OfferingItem[]> {
  const tid = uuid('listOfferingItems', 'the tenant id', tenantId);
  const res = await client.request('GET', `/tenants/${tid}/offering_items`, {
    query: filterQuery(filter),
    schema: OfferingItemList,
    signal,
  });
  return res.body.items;
}

/** `GET /tenants/{id}/offering_items/available_for_child`: ready to PUT to a new child. */
export async function availableForChild(
  client: PlatformClient,
  tenantId: string,
  options: { kind?: string; edition?: string } = {},
  signal?: AbortSignal,
): Promise<OfferingItem[]> {
  const tid = uuid('availableForChild', 'the tenant id', tenantId);
  const kind =
    options.kind === undefined ? undefined : checked('availableForChild', ChildKind, options.kind);
  const res = await client.request('GET', `/tenants/${tid}/offering_items/available_for_child`, {
    query: { kind, edition: options.edition },
    schema: OfferingItemList,
    signal,
  });
  return res.body.items;
}

/** `PUT /tenants/{id}/offering_items`: status, quotas (send `quota.version` as fetched). */
export async function setOfferingItems(
  client: PlatformClient,
  tenantId: string,
  items: readonly OfferingItemPut[],
  options: { checkUsage?: boolean } = {},
  signal?: AbortSignal,
): Promise<OfferingItem[]> {
  const tid = uuid('setOfferingItems', 'the tenant id', tenantId);
  const body = checked('setOfferingItems', OfferingItemsPutRequest, {
    offering_items: items,
    ...(options.checkUsage === undefined ? {} : { check_usage: options.checkUsage }),
  });
  const res = await client.request('PUT', `/tenants/${tid}/offering_items`, {
    json: body,
    schema: OfferingItemList,
    signal,
  });
  return res.body.items;
}

/** `GET /tenants/offering_items?subtree_root_tenant_id=`: items of a whole subtree. */
export async function listSubtreeOfferingItems(
  client: PlatformClient,
  rootTenantId: string,
  filter?: OfferingItemFilter,
  signal?: AbortSignal,
) {
  const tid = uuid('listSubtreeOfferingItems', 'the subtree root id', rootTenantId);
  const res = await client.request('GET', '/tenants/offering_items', {
    query: { subtree_root_tenant_id: tid, ...filterQuery(filter) },
    schema: SubtreeOfferingItemList,
    signal,
  });
  return res.body.items;
}

/** `GET /tenants/{id}/edition`: the dry run's warnings. */
export async function editionWarnings(
  client: PlatformClient,
  tenantId: string,
  applicationId: string,
  targetEdition: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const tid = uuid('editionWarnings', 'the tenant id', tenantId);
  const body = checked('editionWarnings', EditionSwitchRequest, {
    application_id: applicationId,
    target_edition: targetEdition,
  });
  const res = await client.request('GET', `/tenants/${tid}/edition`, {
    query: body,
    schema: EditionWarnings,
    signal,
  });
  return res.body.warnings;
}

/** `PUT /tenants/{id}/edition`: the service's items after the switch. */
export async function switchEdition(
  client: PlatformClient,
  tenantId: string,
  applicationId: string,
  targetEdition: string,
  signal?: AbortSignal,
): Promise<OfferingItem[]> {
  const tid = uuid('switchEdition', 'the tenant id', tenantId);
  const body = checked('switchEdition', EditionSwitchRequest, {
    application_id: applicationId,
    target_edition: targetEdition,
  });
  const res = await client.request('PUT', `/tenants/${tid}/edition`, {
    json: body,
    schema: OfferingItemList,
    signal,
  });
  return res.body.items;
}

/** `GET /infra?uuids=`: the storages behind infra items. */
export async function getStorages(
  client: PlatformClient,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Infra[]> {
  const uuids = uuidCsv('getStorages', 'the storage ids', ids);
  const res = await client.request('GET', '/infra', {
    query: { uuids },
    schema: InfraList,
    signal,
  });
  return res.body.items;
}
