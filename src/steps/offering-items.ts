// The offering-items pages: read a tenant's items (every edition unless told), and turn items
// on or off by name. Quotas are in quotas.ts, editions in editions.ts.
import * as calls from '../api/calls/index.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { OfferingItem, OfferingItemPut, Tenant } from '../schemas/index.ts';
import { describe, expectBoolean, expectOptions, isUuid } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count, literal } from './wording.ts';

const EDITION = /^(\*|[A-Za-z0-9_]{1,64})$/;
const TYPES = ['count', 'feature', 'infra'] as const;

export function expectEdition(helper: string, value: unknown): string {
  if (typeof value === 'string' && EDITION.test(value)) return value;
  throw new UsageError(
    `${helper} expects edition to be an edition name like 'pck_per_gigabyte' (or '*' for all), not ${describe(value)}.`,
  );
}

export function expectInfra(helper: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (isUuid(value)) return value.toLowerCase();
  throw new UsageError(
    `${helper} expects infra to be a storage id (the item's infra_id), not ${describe(value)}.`,
  );
}

/** The tenant (read, remembered) and its items: what every item helper starts from. */
export async function readItems(
  session: StepSession,
  helper: string,
  tenantRef: unknown,
  filter: calls.OfferingItemFilter,
): Promise<{ tenant: Tenant; items: OfferingItem[] }> {
  const id = await resolveTenantId(session, helper, tenantRef);
  const [tenant, items] = await session.busy('Reading the offering items', () =>
    Promise.all([
      api.getTenant(session.client, id, session.signal()),
      calls.listOfferingItems(session.client, id, filter, session.signal()),
    ]),
  );
  remember(session, tenant);
  return { tenant, items };
}

const where = (item: OfferingItem) => (item.infra_id ? ` on storage ${item.infra_id}` : '');

/**
 * The one item `name` names: its exact name (`adv_workstations`), else its usage name
 * (`workstations`) when only one item has it. Several storages share a name: `infra` picks.
 */
export function matchItem(
  helper: string,
  tenant: Tenant,
  items: readonly OfferingItem[],
  name: string,
  infra: string | undefined,
): OfferingItem {
  const byName = items.filter((i) => i.name === name);
  let found = byName.length ? byName : items.filter((i) => i.usage_name === name);
  if (infra) found = found.filter((i) => i.infra_id === infra);
  if (found.length === 1 && found[0]) return found[0];
  if (found.length === 0) {
    const names = [...new Set(items.map((i) => i.name))].slice(0, 12).join(', ');
    throw new UsageError(
      `${helper}: '${tenant.name}' has no offering item '${name}'${infra ? ` on storage ${infra}` : ''}; its items: ${names || 'none'}.`,
    );
  }
  const which = found.map((i) => `${i.name}${where(i)}`).join(', ');
  throw new UsageError(
    `${helper}: '${name}' names ${found.length} items of '${tenant.name}' (${which}); name one exactly${found.some((i) => i.infra_id) ? ', with {infra: <storage id>}' : ''}.`,
  );
}

/**
 * "Fetching available offering items": `GET /tenants/{id}/offering_items`, every edition by
 * default (the platform's own default is only the legacy `standard`). Sets `offering_items`.
 */
export async function offeringItems(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<OfferingItem[]> {
  const opts = expectOptions('offeringItems', options, ['edition', 'status', 'type'] as const);
  const edition = opts.edition === undefined ? '*' : expectEdition('offeringItems', opts.edition);
  if (opts.status !== undefined && opts.status !== 0 && opts.status !== 1) {
    throw new UsageError(
      `offeringItems expects status to be 1 (enabled) or 0 (disabled), not ${describe(opts.status)}.`,
    );
  }
  if (opts.type !== undefined && !(TYPES as readonly unknown[]).includes(opts.type)) {
    throw new UsageError(
      `offeringItems expects type to be count, feature or infra, not ${describe(opts.type)}.`,
    );
  }
  const { tenant: t, items } = await readItems(session, 'offeringItems', tenant, {
    edition,
    status: opts.status as 0 | 1 | undefined,
    type: opts.type as (typeof TYPES)[number] | undefined,
  });
  session.setVariable('offering_items', items);
  const on = items.filter((i) => i.status === 1).length;
  const editions = [...new Set(items.map((i) => i.edition ?? 'none'))].sort().join(', ');
  session.note(
    `'${t.name}': ${count(items.length, 'item')}, ${on} enabled${items.length ? `; editions: ${editions}` : ''}.${edition === '*' && opts.edition === undefined ? ' (Every edition: the platform alone gives only the legacy ones.)' : ''}`,
  );
  return items;
}

function expectChanges(value: unknown): Array<[string, boolean]> {
  const example = 'e.g. setOfferingItems({adv_vms: true, adv_workstations: false})';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `setOfferingItems expects an object of item names and true (on) or false (off), ${example}, not ${describe(value)}.`,
    );
  }
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > 1000) {
    throw new UsageError(`setOfferingItems expects 1 to 1000 items, ${example}.`);
  }
  return entries.map(([name, on]) => {
    if (name.trim() === '' || name.length > 255) {
      throw new UsageError('setOfferingItems expects item names of 1 to 255 characters.');
    }
    return [name, expectBoolean('setOfferingItems', `'${name.slice(0, 40)}'`, on)];
  });
}

const quotaText = (i: OfferingItem) =>
  i.quota ? `quota ${i.quota.value ?? 'none'}, overage ${i.quota.overage ?? 'none'}` : 'no quota';

/**
 * "Enabling and disabling offering items": sets `status` 1 or 0 on the named items as fetched
 * and sends only those. Turning items off drops their quotas: asked first.
 */
export async function setOfferingItems(
  session: StepSession,
  changes?: unknown,
  options?: unknown,
): Promise<OfferingItem[]> {
  const opts = expectOptions('setOfferingItems', options, [
    'tenant',
    'edition',
    'infra',
    'yes',
  ] as const);
  const wanted = expectChanges(changes);
  const edition =
    opts.edition === undefined ? '*' : expectEdition('setOfferingItems', opts.edition);
  const infra = expectInfra('setOfferingItems', opts.infra);
  checkYes('setOfferingItems', opts.yes);
  const { tenant, items } = await readItems(session, 'setOfferingItems', opts.tenant, { edition });
  if (tenant.owner_id) {
    throw new UsageError(
      `setOfferingItems: '${tenant.name}' is a user's personal tenant, where items cannot be turned on or off; set its quotas with setQuota.`,
    );
  }
  const picked = wanted.map(([name, on]) => ({
    item: matchItem('setOfferingItems', tenant, items, name, infra),
    on,
  }));
  const todo = picked.filter((p) => (p.item.status === 1) !== p.on);
  if (todo.length === 0) {
    session.note(`Those items of '${tenant.name}' are already as asked; nothing was sent.`);
    return picked.map((p) => p.item);
  }
  const off = todo.filter((p) => !p.on).map((p) => p.item);
  if (off.length > 0) {
    const head = `'${tenant.name}' (${tenant.kind}, ${tenant.id})`;
    const go = await confirmChange(session, {
      helper: 'setOfferingItems',
      yes: opts.yes,
      consequence: [
        `${head}: turning off ${off.map((i) => `${i.name}${where(i)} (${quotaText(i)})`).join(', ')}.`,
        'An item turned off loses its quota, and the workloads counted against it can no longer use it.',
      ].join(' '),
      question: `Turn off ${count(off.length, 'item')} for '${tenant.name}'?`,
    });
    if (!go) return picked.map((p) => p.item);
  }
  const body = todo.map((p) => ({ ...p.item, status: p.on ? 1 : 0 }) as OfferingItemPut);
  const result = await session.busy('Changing the offering items', () =>
    calls.setOfferingItems(session.client, tenant.id, body, {}, session.signal()),
  );
  session.setVariable('offering_items', result);
  const back = todo.map((p) => `${literal(p.item.name)}: ${!p.on}`).join(', ');
  const onInfra = todo.some((p) => p.item.infra_id) && infra ? `, infra: '${infra}'` : '';
  session.note(
    `Undo with: await setOfferingItems({${back}}, {tenant: '${tenant.id}'${onInfra}})${off.some((i) => i.quota) ? '  (the quotas dropped are not set back: setQuota does that)' : ''}`,
  );
  return result;
}

export { quotaText, where };
