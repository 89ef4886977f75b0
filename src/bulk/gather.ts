// Reads the tenants a tree-wide change is about, with as few calls as the platform allows: a
// subtree by pages of `GET /tenants?subtree_root_id=` (1000 a page), a list by `uuids` batches
// of 100, names by one search each. Only each tenant's plan entry is kept, never the objects.
import type { PlatformClient } from '../api/client.ts';
import * as api from '../api/endpoints.ts';
import { ApiError, UsageError } from '../api/errors.ts';
import type { Tenant } from '../schemas/index.ts';
import { classify, type PlanEntry, refine } from './plan.ts';
import { runLimited } from './run.ts';

/** The emulator's and (by convention) the platform's largest page. */
const PAGE_LIMIT = 1000;

export function entryOf(t: Tenant, enabled: boolean): PlanEntry {
  const { state, reason } = classify(t, enabled);
  const entry: PlanEntry = { id: t.id, name: t.name, kind: t.kind, state };
  if (reason) entry.reason = reason;
  // The platform keeps 2FA on for partners in production: enabling it there has no way back.
  if (enabled && state === 'pending' && t.kind === 'partner' && t.pricing_mode === 'production')
    entry.oneWay = true;
  return entry;
}

/** Every tenant of the subtree, the root first (as the listing gives it). */
export async function listSubtree(
  client: PlatformClient,
  rootId: string,
  enabled: boolean,
  signal: AbortSignal | undefined,
): Promise<PlanEntry[]> {
  const entries: PlanEntry[] = [];
  const read = async (limit: number | undefined) => {
    for await (const page of api.listTenantPages(
      client,
      { subtree_root_id: rootId, limit },
      signal,
    )) {
      for (const t of page) entries.push(entryOf(t, enabled));
    }
  };
  try {
    await read(PAGE_LIMIT);
  } catch (error) {
    // A data center with a smaller maximum page answers 400 to the first page: use its default.
    if (!(error instanceof ApiError && error.status === 400 && entries.length === 0)) throw error;
    await read(undefined);
  }
  return entries;
}

export type TenantRef = { id: string } | { name: string };

/**
 * The tenants named by id or exact name, in the order given (duplicates once). Ids the caller
 * cannot see come back as `not_found`; a name without exactly one match is an error before
 * anything changes.
 */
export async function lookupTenants(
  client: PlatformClient,
  refs: readonly TenantRef[],
  options: {
    enabled: boolean;
    searchUnder: string;
    concurrency: number;
    signal: AbortSignal | undefined;
  },
): Promise<PlanEntry[]> {
  const { signal } = options;
  const names = [...new Set(refs.flatMap((r) => ('name' in r ? [r.name] : [])))];
  const idOfName = new Map<string, string>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  await runLimited(names, { concurrency: options.concurrency, stopped: () => false }, async (n) => {
    const found = await api.search(
      client,
      { tenant: options.searchUnder, text: n, limit: 50 },
      signal,
    );
    const exact = found.items.filter((i) => i.obj_type === 'tenant' && i.name === n);
    if (exact.length === 1 && exact[0]) idOfName.set(n, exact[0].id);
    else (exact.length === 0 ? unknown : ambiguous).push(n);
  });
  if (unknown.length || ambiguous.length) {
    const say = (list: string[]) =>
      list
        .slice(0, 5)
        .map((x) => `'${x}'`)
        .join(', ');
    throw new UsageError(
      unknown.length
        ? `setMfa: no tenant is named exactly ${say(unknown)}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}; nothing was changed.`
        : `setMfa: several tenants are named ${say(ambiguous)}; pass their ids instead. Nothing was changed.`,
    );
  }

  const order: { id: string; given: string }[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    const id = 'id' in r ? r.id : (idOfName.get(r.name) as string);
    if (seen.has(id)) continue;
    seen.add(id);
    order.push({ id, given: 'id' in r ? r.id : r.name });
  }
  const byId = new Map<string, PlanEntry>();
  const batches: string[][] = [];
  for (let i = 0; i < order.length; i += api.UUIDS_PER_CALL) {
    batches.push(order.slice(i, i + api.UUIDS_PER_CALL).map((o) => o.id));
  }
  await runLimited(
    batches,
    { concurrency: options.concurrency, stopped: () => false },
    async (b) => {
      const page = await api.listTenants(client, { uuids: b }, signal);
      for (const t of page.items) byId.set(t.id, entryOf(t, options.enabled));
    },
  );
  return order.map(
    (o) =>
      byId.get(o.id) ?? {
        id: o.id,
        name: o.given,
        kind: 'unknown',
        state: 'not_found',
        reason: 'unknown, deleted, or not visible to this API client',
      },
  );
}

/**
 * `GET /tenants/{id}/mfa/status` for each pending entry: the users who will have to set up 2FA,
 * and `update_allowed` from the platform itself. One call per tenant (there is no batch form),
 * `concurrency` at a time.
 */
export async function checkStatuses(
  client: PlatformClient,
  entries: readonly PlanEntry[],
  options: {
    enabled: boolean;
    concurrency: number;
    signal: AbortSignal | undefined;
    onDone?: (done: number) => void;
  },
): Promise<void> {
  const pending = entries.filter((e) => e.state === 'pending');
  let done = 0;
  await runLimited(
    pending,
    { concurrency: options.concurrency, stopped: () => options.signal?.aborted === true },
    async (entry) => {
      const status = await api.getTenantMfa(client, entry.id, options.signal);
      refine(entry, status, options.enabled);
      options.onDone?.(++done);
    },
  );
}
