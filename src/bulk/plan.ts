// What a tree-wide 2FA change will do, tenant by tenant, decided from the listing alone: who
// changes, who already has the wanted status, who inherits, who may not be changed. The entries
// are the only per-tenant memory of a run: the report file serialises these same objects.
import { inspect } from 'node:util';
import type { Tenant, TenantMfaInfo } from '../schemas/index.ts';

/** `pending`: will be changed; the rest are final. */
export type EntryState =
  | 'pending'
  | 'changed'
  | 'unchanged'
  | 'inherits'
  | 'not_allowed'
  | 'not_found'
  | 'failed';

export interface PlanEntry {
  id: string;
  name: string;
  kind: string;
  state: EntryState;
  /** Why it is skipped or failed, one line. */
  reason?: string;
  /** Enabling it cannot be undone (a partner in production keeps 2FA on). */
  oneWay?: boolean;
  /** Users who will have to set up 2FA (enabling), when counted. */
  users?: number;
}

/** Marks values that print as text in the shell rather than as JSON (see ui/format.ts). */
export const PRINTS_AS_TEXT = Symbol.for('tenant-shell.prints-as-text');

type Classifiable = Pick<Tenant, 'kind' | 'mfa_status' | 'update_lock' | 'pricing_mode'>;

export function hasWantedStatus(status: string | undefined, enabled: boolean): boolean {
  return enabled ? status === 'enabled' : status === 'disabled';
}

/** One tenant's fate, from the tenant object of a listing (no extra call). */
export function classify(
  t: Classifiable,
  enabled: boolean,
): { state: EntryState; reason?: string } {
  if (t.kind === 'unit') return { state: 'inherits', reason: 'a unit: inherits from its customer' };
  if (t.kind === 'folder') {
    // The emulator's choice (README, emulator scope): folders inherit like units.
    return { state: 'inherits', reason: 'a folder: inherits from its partner or customer' };
  }
  if (t.kind === 'root') return { state: 'not_allowed', reason: 'the root tenant' };
  if (hasWantedStatus(t.mfa_status, enabled)) return { state: 'unchanged' };
  if (t.update_lock?.enabled) return { state: 'not_allowed', reason: 'locked: update_lock is on' };
  if (!enabled && t.kind === 'partner' && t.pricing_mode === 'production') {
    return {
      state: 'not_allowed',
      reason: 'a partner in production: 2FA cannot be turned off (since 24.09)',
    };
  }
  return { state: 'pending' };
}

/** Refines a pending entry with its status call: fresher status, update_allowed, user counts. */
export function refine(entry: PlanEntry, status: TenantMfaInfo, enabled: boolean): void {
  if (entry.state !== 'pending') return;
  if (hasWantedStatus(status.mfa_status, enabled)) {
    entry.state = 'unchanged';
    return;
  }
  if (!status.update_allowed) {
    entry.state = 'not_allowed';
    entry.reason = 'update_allowed is false';
    return;
  }
  if (enabled) entry.users = Math.max(0, status.users_count - status.users_with_totp_enabled_count);
}

export interface PlanCounts {
  listed: number;
  change: number;
  unchanged: number;
  inherits: number;
  not_allowed: number;
  not_found: number;
}

export function countStates(entries: readonly PlanEntry[]): Record<EntryState, number> {
  const out: Record<EntryState, number> = {
    pending: 0,
    changed: 0,
    unchanged: 0,
    inherits: 0,
    not_allowed: 0,
    not_found: 0,
    failed: 0,
  };
  for (const e of entries) out[e.state]++;
  return out;
}

/** Up to `max` entries' names with their reasons, for a sentence. */
export function namesOf(entries: readonly PlanEntry[], max = 5): string {
  const shown = entries.slice(0, max).map((e) => `'${e.name}'${e.reason ? ` (${e.reason})` : ''}`);
  const more = entries.length > max ? `, and ${entries.length - max} more` : '';
  return `${shown.join(', ')}${more}`;
}

const n = (x: number) => x.toLocaleString('en-US');

/** The plan: returned by `dryRun`, shown before the confirmation. */
export class MfaPlan {
  readonly [PRINTS_AS_TEXT] = true;
  /** Users to set up 2FA over the pending tenants; null when not counted (see `counted`). */
  usersToSetUp: number | null = null;

  constructor(
    readonly enabled: boolean,
    /** In words: "the subtree of 'X'", "12 tenants named". */
    readonly scope: string,
    readonly entries: PlanEntry[],
  ) {}

  get counts(): PlanCounts {
    const c = countStates(this.entries);
    return {
      listed: this.entries.length,
      change: c.pending,
      unchanged: c.unchanged + c.changed,
      inherits: c.inherits,
      not_allowed: c.not_allowed,
      not_found: c.not_found,
    };
  }

  /** The tenants that will be changed. */
  pending(): PlanEntry[] {
    return this.entries.filter((e) => e.state === 'pending');
  }

  describe(): string {
    const c = this.counts;
    const verb = this.enabled ? 'enable' : 'disable';
    const lines = [`Plan: ${verb} 2FA in ${this.scope} (${n(c.listed)} tenants):`];
    let change = `  change       ${n(c.change)}`;
    if (this.enabled && c.change > 0) {
      change +=
        this.usersToSetUp === null
          ? ' (users who must set up 2FA: counted from the replies)'
          : `: ${n(this.usersToSetUp)} user${this.usersToSetUp === 1 ? '' : 's'} will be unable to log in until they set up 2FA`;
    }
    lines.push(change);
    const oneWay = this.pending().filter((e) => e.oneWay);
    if (oneWay.length) {
      lines.push(
        `  no way back  ${n(oneWay.length)}: ${namesOf(oneWay)}: partners in production, where 2FA cannot be turned off again`,
      );
    }
    lines.push(`  unchanged    ${n(c.unchanged)} (2FA already ${this.enabled ? 'on' : 'off'})`);
    if (c.inherits) {
      lines.push(
        `  skipped      ${n(c.inherits)} (units and folders inherit 2FA from their owner)`,
      );
    }
    const refused = this.entries.filter((e) => e.state === 'not_allowed');
    if (refused.length) lines.push(`  not allowed  ${n(refused.length)}: ${namesOf(refused)}`);
    const missing = this.entries.filter((e) => e.state === 'not_found');
    if (missing.length) lines.push(`  not found    ${n(missing.length)}: ${namesOf(missing)}`);
    lines.push(
      'Tenants with ancestral_access: false are not visible to this API client and are not included.',
    );
    return lines.join('\n');
  }

  [inspect.custom](): string {
    return this.describe();
  }

  toJSON() {
    return {
      enabled: this.enabled,
      scope: this.scope,
      counts: this.counts,
      users_to_set_up: this.usersToSetUp,
      tenants: this.entries,
    };
  }
}
