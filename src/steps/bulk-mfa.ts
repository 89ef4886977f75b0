// setMfa over many tenants at once: `{subtree: true}`, `{tenants: [...]}` or `{resume: FILE}`.
// Check every argument, plan from the tree, ask once, then send the PUTs a few at a time on the
// client's keep-alive pool, recording each outcome in a report file a later call can resume.

import * as api from '../api/endpoints.ts';
import { ApiError, UsageError } from '../api/errors.ts';
import { checkStatuses, listSubtree, lookupTenants, type TenantRef } from '../bulk/gather.ts';
import { MfaPlan, type PlanEntry } from '../bulk/plan.ts';
import {
  checkReportPath,
  defaultReportPath,
  fileProblem,
  loadReport,
  lockReport,
  type ReportData,
  ReportWriter,
} from '../bulk/report.ts';
import { runLimited } from '../bulk/run.ts';
import { MfaSummary } from '../bulk/summary.ts';
import { monotonicMs } from '../clock.ts';
import type { HeldLock } from '../lock-file.ts';
import { describe, expectBoolean, isUuid } from './args.ts';
import type { StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';

/**
 * Calls in flight at once. Measured against the emulator at 20 ms latency (README, Benchmarks):
 * 16 reaches over 90% of what the route allows at that concurrency and 15x a sequential loop,
 * while staying a modest load for a real data center, which publishes no rate limit.
 */
export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 64;
const MAX_TENANTS = 100_000;

/** The options that make setMfa a tree-wide change. */
export const BULK_OPTIONS = [
  'subtree',
  'tenants',
  'resume',
  'dryRun',
  'concurrency',
  'report',
] as const;

export interface BulkOptions {
  tenant?: unknown;
  yes?: unknown;
  subtree?: unknown;
  tenants?: unknown;
  resume?: unknown;
  dryRun?: unknown;
  concurrency?: unknown;
  report?: unknown;
}

export function isBulk(opts: BulkOptions): boolean {
  // Anything but a plain `subtree: false` goes the bulk way, where a wrong value is refused.
  return (
    (opts.subtree !== undefined && opts.subtree !== false) ||
    BULK_OPTIONS.some((k) => k !== 'subtree' && opts[k as keyof BulkOptions] !== undefined)
  );
}

function concurrencyOf(value: unknown): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) {
    if (value <= MAX_CONCURRENCY) return value;
  }
  throw new UsageError(
    `setMfa expects concurrency to be a whole number from 1 to ${MAX_CONCURRENCY}, not ${describe(value)}.`,
  );
}

function tenantRefs(value: unknown): TenantRef[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(
      `setMfa expects tenants to be a non-empty array of tenant ids or names, not ${describe(value)}.`,
    );
  }
  if (value.length > MAX_TENANTS) {
    throw new UsageError(
      `setMfa takes at most ${MAX_TENANTS} tenants at once; use {subtree: true}.`,
    );
  }
  return value.map((item, i) => {
    if (isUuid(item)) return { id: item.toLowerCase() };
    if (typeof item === 'object' && item !== null && 'id' in item && isUuid(item.id)) {
      return { id: item.id.toLowerCase() };
    }
    if (typeof item === 'string' && item.trim().length >= 3 && item.length <= 255) {
      return { name: item.trim() };
    }
    throw new UsageError(
      `setMfa expects each of tenants to be a tenant id or an exact name (3 characters or more); item ${i} is ${describe(item)}.`,
    );
  });
}

function failureReason(session: StepSession, error: unknown): string {
  let text: string;
  if (error instanceof ApiError) {
    const code = error.platformCode && error.platformCode !== String(error.status);
    text = `${error.status}${code ? ` (code ${error.platformCode})` : ''}: ${error.platformMessage ?? error.explanation.title}`;
    if (error.retries) text += ` (after ${error.retries} retr${error.retries === 1 ? 'y' : 'ies'})`;
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  return session.client.redactor.redact(text.replace(/\s+/g, ' ').slice(0, 300));
}

interface Scope {
  description: string;
  /** Every entry the report records (a resumed report keeps its finished ones). */
  all: PlanEntry[];
  /** The entries this call is about. */
  todo: PlanEntry[];
  resumed?: { path: string; data: ReportData };
}

/** Tree-wide setMfa; `setMfa` hands over when one of BULK_OPTIONS is given. */
export async function setMfaBulk(
  session: StepSession,
  enabled: boolean,
  opts: BulkOptions,
): Promise<MfaPlan | MfaSummary> {
  const started = monotonicMs();
  // Every argument is checked before the first call.
  const yes = opts.yes === undefined ? session.assumeYes : expectBoolean('setMfa', 'yes', opts.yes);
  const dryRun = opts.dryRun === undefined ? false : expectBoolean('setMfa', 'dryRun', opts.dryRun);
  const subtree =
    opts.subtree === undefined ? false : expectBoolean('setMfa', 'subtree', opts.subtree);
  const concurrency = concurrencyOf(opts.concurrency);
  const scopes = [subtree, opts.tenants !== undefined, opts.resume !== undefined].filter(Boolean);
  if (scopes.length > 1) {
    throw new UsageError('setMfa takes one of subtree, tenants or resume, not several.');
  }
  if (opts.tenant !== undefined && (opts.tenants !== undefined || opts.resume !== undefined)) {
    throw new UsageError(
      'setMfa: tenant names the root of {subtree: true}; with tenants or resume, leave it out.',
    );
  }
  const refs = opts.tenants !== undefined ? tenantRefs(opts.tenants) : undefined;
  let resumed: { path: string; data: ReportData } | undefined;
  if (opts.resume !== undefined) {
    if (opts.report !== undefined) {
      throw new UsageError('setMfa: a resumed run writes to the report it resumes; drop report.');
    }
    const data = await loadReport('setMfa', opts.resume);
    if (data.enabled !== enabled) {
      throw new UsageError(
        `setMfa: that report ${data.enabled ? 'enables' : 'disables'} 2FA; resume it with setMfa(${data.enabled}, {resume: ...}).`,
      );
    }
    if (data.base_url !== session.client.baseUrl) {
      throw new UsageError(
        `setMfa: that report was made against ${data.base_url}, not ${session.client.baseUrl}.`,
      );
    }
    resumed = { path: String(opts.resume), data };
  }
  // Taken before the tenants are read: a second shell resuming it is told at once, by whom.
  const lock = resumed ? lockReport('setMfa', resumed.path) : undefined;
  try {
    return await changeMany(session, enabled, opts, {
      started,
      yes,
      dryRun,
      subtree,
      concurrency,
      refs,
      resumed,
      lock,
    });
  } finally {
    lock?.release();
  }
}

/** setMfaBulk once its arguments are checked (and a resumed report is locked). */
async function changeMany(
  session: StepSession,
  enabled: boolean,
  opts: BulkOptions,
  checked: {
    started: number;
    yes: boolean;
    dryRun: boolean;
    subtree: boolean;
    concurrency: number;
    refs: TenantRef[] | undefined;
    resumed: { path: string; data: ReportData } | undefined;
    lock: HeldLock | undefined;
  },
): Promise<MfaPlan | MfaSummary> {
  const { started, yes, dryRun, subtree, concurrency, refs, resumed } = checked;
  const reportPath =
    opts.report !== undefined ? await checkReportPath('setMfa', opts.report) : undefined;
  if (!yes && !dryRun && !session.ask) {
    throw new UsageError(
      `setMfa(${enabled}) over many tenants needs a confirmation; without a terminal, pass {yes: true} (or {dryRun: true} to see the plan).`,
    );
  }

  const signal = session.signal();
  // Outside the spinner: naming the root may ask which tenant was meant.
  const rootId =
    refs || resumed ? undefined : await resolveTenantId(session, 'setMfa', opts.tenant);
  const scope = await session.busy('Reading the tenants', () =>
    readScope(session, enabled, { subtree, refs, resumed, rootId, concurrency }),
  );
  const plan = new MfaPlan(enabled, scope.description, scope.todo);

  // The user counts need one status call per tenant: made only when someone will read them
  // (a dry run, or a confirmation); with {yes: true} the PUT replies give the same numbers.
  if (enabled && (dryRun || !yes) && plan.counts.change > 0) {
    const bar = session.progress?.('Counting users', plan.counts.change) ?? null;
    try {
      await checkStatuses(session.client, scope.todo, {
        enabled,
        concurrency,
        signal,
        onDone: (done) => bar?.update(done, 0),
      });
    } finally {
      bar?.stop();
    }
    plan.usersToSetUp = scope.todo.reduce(
      (sum, e) => sum + (e.state === 'pending' ? (e.users ?? 0) : 0),
      0,
    );
  }
  if (dryRun) return plan;

  const pending = plan.pending();
  if (pending.length > 0 && !yes) {
    const ask = session.ask;
    if (!ask) throw new UsageError('setMfa needs {yes: true} without a terminal.');
    session.note(plan.describe());
    const go = await ask.confirm(
      `${enabled ? 'Enable' : 'Disable'} 2FA for ${pending.length} tenant${pending.length === 1 ? '' : 's'}?`,
      false,
    );
    if (!go) {
      session.note('Nothing was sent.');
      return plan;
    }
  }
  if (pending.length === 0 && !scope.resumed) {
    return reported(session, {
      enabled,
      scope: scope.description,
      entries: scope.todo,
      interrupted: false,
      elapsedMs: monotonicMs() - started,
      report: null,
    });
  }

  const writer = await ReportWriter.create(
    scope.resumed?.path ?? reportPath ?? defaultReportPath(enabled),
    {
      base_url: session.client.baseUrl,
      enabled,
      scope: scope.resumed?.data.scope ?? scope.description,
      started_at: scope.resumed?.data.started_at ?? new Date().toISOString(),
    },
    scope.all,
    { origin: scope.resumed ? 'resume' : reportPath ? 'report' : 'default', lock: checked.lock },
  );
  let failed = 0;
  let done = 0;
  const bar = session.progress?.(`${enabled ? 'Enabling' : 'Disabling'} 2FA`, pending.length);
  // Said at once, not with the summary: the shell may stop waiting for this call on Ctrl+C
  // and show its prompt, so the bar goes now and the way back is named before that.
  const onAbort = () => {
    session.windDown?.();
    bar?.stop();
    session.note(
      `Stopping: the calls in flight finish, the rest are not sent. Report: ${writer.path}\nFinish with: await setMfa(${enabled}, {resume: ${JSON.stringify(writer.path)}})`,
    );
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await runLimited(
      pending,
      { concurrency, stopped: () => signal?.aborted === true },
      async (e) => {
        // No signal on the call itself: Ctrl+C stops new calls, the ones in flight finish, so
        // each tenant is either changed and recorded, or untouched.
        try {
          const reply = await api.setTenantMfa(session.client, e.id, enabled);
          e.state = 'changed';
          if (enabled)
            e.users = Math.max(0, reply.users_count - reply.users_with_totp_enabled_count);
          delete e.reason;
        } catch (error) {
          e.state = 'failed';
          e.reason = failureReason(session, error);
          failed++;
        }
        bar?.update(++done, failed);
        writer.changed();
      },
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    bar?.stop();
  }
  const interrupted = signal?.aborted === true && pending.some((e) => e.state === 'pending');
  try {
    await writer.flush(interrupted ? 'interrupted' : 'finished');
  } catch (error) {
    // The changes were made: the summary below says which; only the file is behind.
    session.note(
      `The report '${writer.path}' could not be updated (${fileProblem(error)}): it may still list tenants as pending that were changed; the summary below is complete.`,
    );
  } finally {
    writer.release();
  }
  return reported(session, {
    enabled,
    scope: scope.description,
    entries: scope.todo,
    interrupted,
    elapsedMs: monotonicMs() - started,
    report: writer.path,
  });
}

/** The summary, also told to the shell (a one-shot run's exit code depends on its failures). */
function reported(
  session: StepSession,
  init: ConstructorParameters<typeof MfaSummary>[0],
): MfaSummary {
  const summary = new MfaSummary(init);
  session.treeChanged?.(summary);
  return summary;
}

async function readScope(
  session: StepSession,
  enabled: boolean,
  o: {
    subtree: boolean;
    refs: TenantRef[] | undefined;
    resumed: { path: string; data: ReportData } | undefined;
    rootId: string | undefined;
    concurrency: number;
  },
): Promise<Scope> {
  const signal = session.signal();
  const lookup = (refs: TenantRef[]) =>
    lookupTenants(session.client, refs, {
      enabled,
      searchUnder: session.homeTenantId,
      concurrency: o.concurrency,
      signal,
    });
  if (o.resumed) {
    // Only what is left: tenants not started or failed, read again as they are now.
    const all = o.resumed.data.tenants as PlanEntry[];
    const left = all.filter((e) => e.state === 'pending' || e.state === 'failed');
    const fresh = left.length ? await lookup(left.map((e) => ({ id: e.id }))) : [];
    for (const [i, entry] of left.entries()) {
      const now = fresh[i];
      if (!now) continue;
      if (now.state === 'not_found') now.name = entry.name;
      delete entry.reason;
      delete entry.users;
      Object.assign(entry, now);
    }
    return {
      description: `${o.resumed.data.scope} (resumed)`,
      all,
      todo: left,
      resumed: o.resumed,
    };
  }
  if (o.refs) {
    const entries = await lookup(o.refs);
    const description = `${entries.length} tenant${entries.length === 1 ? '' : 's'} given`;
    return { description, all: entries, todo: entries };
  }
  const rootId = o.rootId ?? session.homeTenantId;
  if (!o.subtree) {
    const entries = await lookup([{ id: rootId }]);
    return { description: `'${entries[0]?.name ?? rootId}'`, all: entries, todo: entries };
  }
  const entries = await listSubtree(session.client, rootId, enabled, signal);
  const root = entries.find((e) => e.id === rootId);
  return {
    description: `the subtree of '${root?.name ?? rootId}'`,
    all: entries,
    todo: entries,
  };
}
