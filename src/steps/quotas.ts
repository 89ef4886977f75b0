// "Changing quotas": one enabled item's soft limit (`quota.value`) and hard limit
// (`quota.overage`), sent with the `quota.version` as fetched (else 426).
import * as calls from '../api/calls/index.ts';
import { UsageError } from '../api/errors.ts';
import type { OfferingItem } from '../schemas/index.ts';
import { describe, expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { expectInfra, matchItem, readItems, where } from './offering-items.ts';
import type { StepSession } from './session.ts';
import { literal } from './wording.ts';

// Binary, as the platform counts storage: 1 GB is 1073741824 bytes.
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)$/i;

/** A limit: a whole number, null (no limit), or for storage a size like '200 GB'. */
export function expectLimit(
  helper: string,
  what: string,
  value: unknown,
  bytes: boolean,
): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (bytes && typeof value === 'string') {
    const m = SIZE.exec(value.trim());
    const unit = m?.[2] ? UNITS[m[2].toLowerCase()] : undefined;
    if (m?.[1] && unit) {
      const n = Math.round(Number(m[1]) * unit);
      if (Number.isSafeInteger(n)) return n;
    }
  }
  throw new UsageError(
    `${helper} expects ${what} to be a whole number of 0 or more${bytes ? " (bytes, or a size like '200 GB')" : ''}, or null for no limit, not ${describe(value)}.`,
  );
}

const GIB = 1024 ** 3;
function shown(item: OfferingItem, n: number | null | undefined): string {
  if (n === null || n === undefined) return 'no limit';
  return item.measurement_unit === 'bytes' ? `${n} bytes (${(n / GIB).toFixed(2)} GB)` : String(n);
}

/** In use now, where the platform reports it (refreshed every few hours). */
async function inUse(session: StepSession, tenantId: string, item: OfferingItem) {
  const usages = await calls.getTenantUsages(
    session.client,
    tenantId,
    { usage_names: [item.usage_name] },
    session.signal(),
  );
  return usages.find(
    (u) => u.name === item.name && (u.infra_id ?? null) === (item.infra_id ?? null),
  )?.value;
}

/**
 * `setQuota('workstations', 10, {overage: 2})`: asks first when the new limit is 0 or below
 * what is in use (new workloads are refused at once). Sets `offering_items`; answers the item.
 */
export async function setQuota(
  session: StepSession,
  name?: unknown,
  value?: unknown,
  options?: unknown,
): Promise<OfferingItem> {
  const opts = expectOptions('setQuota', options, ['overage', 'tenant', 'infra', 'yes'] as const);
  const infra = expectInfra('setQuota', opts.infra);
  checkYes('setQuota', opts.yes);
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 255)) {
    throw new UsageError(
      `setQuota expects an offering item's name like 'workstations' or 'pg_base_storage', not ${describe(name)}.`,
    );
  }
  if (name === undefined && !session.ask) {
    throw new UsageError(
      "setQuota expects an item and a limit, e.g. setQuota('workstations', 10, {overage: 2}).",
    );
  }
  // A limit that cannot be one is refused before anything is read (the unit is checked below).
  if (value !== undefined) expectLimit('setQuota', 'the limit', value, true);
  if (opts.overage !== undefined) expectLimit('setQuota', 'overage', opts.overage, true);
  if (value === undefined && !session.ask) {
    throw new UsageError(
      `setQuota expects the new limit after the item, e.g. setQuota('${String(name)}', 10) (null for no limit).`,
    );
  }
  const { tenant, items } = await readItems(session, 'setQuota', opts.tenant, {
    edition: '*',
    status: 1,
  });
  let wanted = name as string | undefined;
  let storage = infra;
  if (wanted === undefined && session.ask) {
    if (items.length === 0) throw new UsageError(`setQuota: '${tenant.name}' has no item on.`);
    const chosen = await session.ask.select(
      `Item of '${tenant.name}':`,
      items.map((i, n) => ({ name: `${i.name}${where(i)} (${shownQuota(i)})`, value: n })),
    );
    const item = items[chosen];
    wanted = item?.name;
    if (item?.infra_id && !infra) storage = item.infra_id;
  }
  const item = matchItem('setQuota', tenant, items, (wanted ?? '').trim(), storage);
  const bytes = item.measurement_unit === 'bytes';
  let limitArg = value;
  if (limitArg === undefined && session.ask) {
    const text = await session.ask.input(`New limit for ${item.name} (empty for none):`, {
      validate: (v) => {
        try {
          expectLimit('setQuota', 'the limit', v.trim() === '' ? null : asNumber(v), bytes);
          return true;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    limitArg = text.trim() === '' ? null : asNumber(text);
  }
  const limit = expectLimit('setQuota', 'the limit', limitArg, bytes);
  const overage =
    limit === null
      ? null
      : opts.overage === undefined
        ? (item.quota?.overage ?? null)
        : expectLimit('setQuota', 'overage', opts.overage, bytes);
  const before = item.quota;
  if (before && before.value === limit && (before.overage ?? null) === overage) {
    session.note(`${item.name} of '${tenant.name}' already has that quota; nothing was sent.`);
    return item;
  }
  const used = limit === null ? undefined : await inUse(session, tenant.id, item);
  if (limit !== null && (limit === 0 || (used !== undefined && limit < used))) {
    const head = `'${tenant.name}' (${tenant.kind}, ${tenant.id})`;
    const go = await confirmChange(session, {
      helper: 'setQuota',
      yes: opts.yes,
      consequence: [
        `${head}: ${item.name}${where(item)} is at ${shown(item, before?.value)}, ${shown(item, used ?? 0)} in use.`,
        `A limit of ${shown(item, limit)} is already exceeded: new workloads are refused until usage drops or the limit rises.`,
      ].join(' '),
      question: `Set ${item.name} to ${shown(item, limit)} for '${tenant.name}'?`,
    });
    if (!go) return item;
  }
  const body = { ...item, quota: { value: limit, overage, version: before?.version ?? 0 } };
  const result = await session.busy(`Setting the quota of ${item.name}`, () =>
    calls.setOfferingItems(session.client, tenant.id, [body], {}, session.signal()),
  );
  session.setVariable('offering_items', result);
  const after =
    result.find((i) => i.name === item.name && (i.infra_id ?? null) === (item.infra_id ?? null)) ??
    result[0] ??
    item;
  const infraPart = item.infra_id ? `, infra: '${item.infra_id}'` : '';
  session.note(
    `Undo with: await setQuota(${literal(item.name)}, ${before?.value ?? null}, {overage: ${before?.overage ?? null}, tenant: '${tenant.id}'${infraPart}})`,
  );
  return after;
}

function shownQuota(i: OfferingItem): string {
  return i.quota
    ? `limit ${shown(i, i.quota.value)}, overage ${shown(i, i.quota.overage)}`
    : 'no quota';
}

/** What the user typed at the question: a number if it reads as one, else the text. */
function asNumber(text: string): number | string {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : t;
}
