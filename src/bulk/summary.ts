// The result of a tree-wide change: what changed, what did not and why, what failed and why,
// what is left after an interruption, and where the report is. Prints as a few lines in the
// shell, as plain data with `--json`.
import { inspect } from 'node:util';
import { countStates, type PlanEntry, PRINTS_AS_TEXT } from './plan.ts';

export interface Failure {
  id: string;
  name: string;
  reason: string;
}

const n = (x: number) => x.toLocaleString('en-US');

export class MfaSummary {
  readonly [PRINTS_AS_TEXT] = true;
  readonly enabled: boolean;
  readonly scope: string;
  readonly changed: number;
  readonly unchanged: number;
  /** Units and folders (inherit), not allowed, not found. */
  readonly skipped: number;
  readonly failed: number;
  readonly failures: Failure[];
  readonly skippedBecause: { inherits: number; not_allowed: number; not_found: number };
  /** Not started because the run was interrupted; `resume` does them. */
  readonly left: number;
  readonly interrupted: boolean;
  /** Users who must now set up 2FA, from the replies of the calls that enabled it. */
  readonly usersToSetUp: number;
  readonly elapsedMs: number;
  /** The report file, or null when nothing had to be sent. */
  readonly report: string | null;

  constructor(init: {
    enabled: boolean;
    scope: string;
    entries: readonly PlanEntry[];
    interrupted: boolean;
    elapsedMs: number;
    report: string | null;
  }) {
    const c = countStates(init.entries);
    this.enabled = init.enabled;
    this.scope = init.scope;
    this.changed = c.changed;
    this.unchanged = c.unchanged;
    this.skipped = c.inherits + c.not_allowed + c.not_found;
    this.failed = c.failed;
    this.left = c.pending;
    this.skippedBecause = {
      inherits: c.inherits,
      not_allowed: c.not_allowed,
      not_found: c.not_found,
    };
    this.failures = [];
    let users = 0;
    for (const e of init.entries) {
      if (e.state === 'failed') {
        this.failures.push({ id: e.id, name: e.name, reason: e.reason ?? 'unknown' });
      } else if (e.state === 'changed') users += e.users ?? 0;
    }
    this.usersToSetUp = users;
    this.interrupted = init.interrupted;
    this.elapsedMs = Math.round(init.elapsedMs);
    this.report = init.report;
  }

  /** Tenants changed per second over the whole call (listing included). */
  get rate(): number {
    return this.elapsedMs > 0 ? (this.changed * 1000) / this.elapsedMs : 0;
  }

  /** The call that does what is left (failed or not started), or null when nothing is. */
  get resumeWith(): string | null {
    if (!this.report || this.left + this.failed === 0) return null;
    return `await setMfa(${this.enabled}, {resume: ${JSON.stringify(this.report)}})`;
  }

  describe(): string {
    const verb = this.enabled ? 'enabled' : 'disabled';
    const secs = (this.elapsedMs / 1000).toFixed(1);
    const lines = [
      `2FA ${verb} for ${n(this.changed)} tenant${this.changed === 1 ? '' : 's'} in ${this.scope}` +
        ` (${secs} s${this.changed ? `, ${n(Math.round(this.rate))}/s` : ''})` +
        (this.enabled && this.usersToSetUp
          ? `; ${n(this.usersToSetUp)} user${this.usersToSetUp === 1 ? '' : 's'} must now set up 2FA.`
          : '.'),
    ];
    const s = this.skippedBecause;
    const why = [
      s.inherits ? `${n(s.inherits)} inherit` : '',
      s.not_allowed ? `${n(s.not_allowed)} not allowed` : '',
      s.not_found ? `${n(s.not_found)} not found` : '',
    ].filter(Boolean);
    lines.push(
      `  changed ${n(this.changed)} · unchanged ${n(this.unchanged)} · skipped ${n(this.skipped)}` +
        `${why.length ? ` (${why.join(', ')})` : ''} · failed ${n(this.failed)}`,
    );
    for (const f of this.failures.slice(0, 10))
      lines.push(`  ✖ '${f.name}' (${f.id}): ${f.reason}`);
    if (this.failures.length > 10) {
      lines.push(`  … and ${n(this.failures.length - 10)} more failures in the report`);
    }
    if (this.interrupted) {
      lines.push(`Interrupted: ${n(this.left)} tenant${this.left === 1 ? '' : 's'} not started.`);
    }
    if (this.report) lines.push(`Report: ${this.report}`);
    const resume = this.resumeWith;
    if (resume) lines.push(`Finish with: ${resume}`);
    return lines.join('\n');
  }

  [inspect.custom](): string {
    return this.describe();
  }

  toJSON() {
    return {
      enabled: this.enabled,
      scope: this.scope,
      changed: this.changed,
      unchanged: this.unchanged,
      skipped: this.skipped,
      failed: this.failed,
      left: this.left,
      interrupted: this.interrupted,
      users_to_set_up: this.usersToSetUp,
      elapsed_ms: this.elapsedMs,
      failures: this.failures,
      skipped_because: this.skippedBecause,
      report: this.report,
    };
  }
}
