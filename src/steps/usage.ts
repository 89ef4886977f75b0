// "Fetching the usage of tenants": one tenant's usages, or several tenants' at once.
import * as calls from '../api/calls/index.ts';
import { UsageError } from '../api/errors.ts';
import type { Usage, UsageBatch } from '../schemas/index.ts';
import { describe, expectOptions } from './args.ts';
import type { StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';

const MAX_TENANTS = 10_000;
const NAME = /^[A-Za-z0-9_*]{1,64}$/;

function names(helper: string, what: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;
  if (
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((v) => typeof v === 'string' && NAME.test(v))
  ) {
    return list as string[];
  }
  throw new UsageError(
    `${helper} expects ${what} as a list of names like ['storage', 'workstations'], not ${describe(value)}.`,
  );
}

/**
 * `usage()` for tenant_id, `usage('Northwind')` for one tenant (its usages), or
 * `usage([a, b, c])` for several (per tenant, its usages; sets `tenant_ids` and `batch`).
 * {usage_names, editions} narrow it.
 */
export async function usage(
  session: StepSession,
  tenants?: unknown,
  options?: unknown,
): Promise<Usage[] | UsageBatch['items']> {
  const opts = expectOptions('usage', options, ['usage_names', 'editions'] as const);
  const filter = {
    usage_names: names('usage', 'usage_names', opts.usage_names),
    editions: names('usage', 'editions', opts.editions),
  };
  if (Array.isArray(tenants) && (tenants.length === 0 || tenants.length > MAX_TENANTS)) {
    throw new UsageError(`usage expects 1 to ${MAX_TENANTS} tenants, not ${tenants.length}.`);
  }
  const note = () =>
    session.note(
      'Usage is refreshed every few hours: bill from reports (createReport), not from this.',
    );
  if (!Array.isArray(tenants)) {
    const id = await resolveTenantId(session, 'usage', tenants);
    const items = await session.busy('Reading the usage', () =>
      calls.getTenantUsages(session.client, id, filter, session.signal()),
    );
    note();
    return items;
  }
  const bad = tenants.findIndex(
    (t) => !(typeof t === 'string' || (typeof t === 'object' && t !== null && 'id' in t)),
  );
  if (bad >= 0) {
    throw new UsageError(
      `usage expects each tenant as an id, an exact name or a tenant object; item ${bad} is ${describe(tenants[bad])}.`,
    );
  }
  const ids: string[] = [];
  for (const ref of tenants) ids.push(await resolveTenantId(session, 'usage', ref));
  const batch = await session.busy(`Reading the usage of ${ids.length} tenants`, () =>
    calls.getTenantsUsages(session.client, ids, filter, session.signal()),
  );
  session.setVariable('tenant_ids', ids);
  session.setVariable('batch', batch);
  note();
  return batch;
}
