import type { PlatformClient } from '../api/client.ts';
import type { Asker } from '../ui/asker.ts';
import type { ProgressDisplay } from '../ui/progress.ts';

/** What the shell knows of a tenant it has seen: enough for the prompt, completion and plans. */
export interface SeenTenant {
  id: string;
  name: string;
  kind: string;
  parent_id: string | null;
}

/** How a tree-wide change ended: what the one-shot mode's exit code and its Ctrl+C summary read. */
export interface TreeChangeOutcome {
  readonly failed: number;
  readonly interrupted: boolean;
  /** The summary as the shell prints it (counts, failures, the report, the call that finishes). */
  describe(): string;
}

/**
 * Everything a helper needs from the shell around it. The REPL builds one; tests build one
 * without a terminal. Helpers never print results: they return them, and use `note` only for
 * side remarks (what was sent, how to undo).
 */
export interface StepSession {
  client: PlatformClient;
  /** The API client's own tenant: where the tree starts. */
  readonly homeTenantId: string;
  /** The tenant the tutorial's `tenant_id` names now. */
  getTenantId(): unknown;
  setTenantId(id: string): void;
  /** Sets a variable the page uses (`created_tenant_id`, `response`, `mfa_status`...). */
  setVariable(name: string, value: unknown): void;
  /** Tenants seen so far, by id: the prompt, completion and name look-ups use it. */
  readonly seen: Map<string, SeenTenant>;
  /** Questions, or null without a terminal. */
  readonly ask: Asker | null;
  /** `--yes`: confirmations are taken as answered yes. */
  readonly assumeYes: boolean;
  /** The signal of the evaluation under way: Ctrl+C aborts it. */
  signal(): AbortSignal | undefined;
  /** Shows a spinner on long calls (or nothing, without a terminal). */
  busy<T>(text: string, work: () => Promise<T>): Promise<T>;
  /** A side remark for the user (goes to the terminal, not into results). */
  note(line: string): void;
  /** A progress display for `total` calls, or null/absent without a terminal. */
  progress?(label: string, total: number): ProgressDisplay | null;
  /** Said from an abort listener: the helper finishes its calls in flight, so wait for it. */
  windDown?(): void;
  /** A tree-wide change reports how it ended. */
  treeChanged?(outcome: TreeChangeOutcome): void;
}

export function remember(session: StepSession, tenant: SeenTenant): void {
  session.seen.set(tenant.id, {
    id: tenant.id,
    name: tenant.name,
    kind: tenant.kind,
    parent_id: tenant.parent_id ?? null,
  });
}
