import type { CallRecord } from '../api/request-log.ts';
import { formatCallLines } from '../api/request-log.ts';
import type { Session } from '../auth/login.ts';
import { type CellError, CellStore, type Notebook } from '../notebook/cells.ts';
import type { SaveSource } from '../notebook/save.ts';
import { toolVersion } from '../notebook/version.ts';
import type { SeenTenant } from '../steps/session.ts';
import { formatResult } from '../ui/format.ts';
import { isShellError, renderError } from '../ui/render-error.ts';
import { visible, visibleLine } from '../ui/visible.ts';
import { CellSyntaxError } from './compile.ts';

/** How a cell's error is kept: the shell's as shown, a JavaScript error as the REPL shows it. */
export function describeCellError(error: unknown): CellError {
  const shown =
    isShellError(error) || error instanceof CellSyntaxError ? renderError(error) : uncaught(error);
  const code = (error as { code?: unknown } | null)?.code;
  const name =
    isShellError(error) && typeof code === 'string'
      ? code
      : error instanceof Error
        ? error.name
        : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { name, message, text: shown };
}

/** `Uncaught TypeError: x is not a function`, as the shell prints a JavaScript error. */
export function uncaught(error: unknown): string {
  return visible(
    error instanceof Error
      ? `Uncaught ${error.name}: ${error.message}`
      : `Uncaught ${String(error)}`,
  );
}

/** A cell's error as every front end shows it: as recorded (masked), or its stack with --debug. */
export function shownError(error: unknown, cell: { error?: CellError }, debug = false): string {
  const stack = (error as Error | undefined)?.stack;
  return debug && stack ? stack : (cell.error?.text ?? String(error));
}

/** The shell's state around the REPL: the login, the current tenant, the last call, the cells. */
export class ShellState {
  session: Session;
  tenantId: unknown;
  readonly seen = new Map<string, SeenTenant>();
  /** Every input evaluated, numbered, with its result and calls: what `.save` writes. */
  readonly cells = new CellStore({
    redact: (text) => this.redact(text),
    formatValue: (value) => formatResult(value, false),
    describeError: describeCellError,
  });
  lastCall: CallRecord | undefined;
  verbose: boolean;
  controller: AbortController | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    session: Session,
    verbose: boolean,
    private readonly print: (line: string) => void,
  ) {
    this.session = session;
    this.tenantId = session.tenantId;
    this.verbose = verbose;
    this.attach(session);
  }

  /** Follows a (new) login: its calls feed `.curl`, `--verbose` and `response`. */
  attach(session: Session): void {
    this.unsubscribe?.();
    this.session = session;
    this.tenantId = session.tenantId;
    if (session.tenantName) {
      this.seen.set(session.tenantId, {
        id: session.tenantId,
        name: session.tenantName,
        kind: session.tenantKind ?? 'tenant',
        parent_id: null,
      });
    }
    this.unsubscribe = session.client.onCall((record: CallRecord) => {
      this.lastCall = record;
      // Calls made while cell n evaluates belong to cell n.
      this.cells.addCall(record);
      if (this.verbose) for (const line of formatCallLines(record)) this.print(line);
    });
  }

  redact(text: string): string {
    return this.session.client.redactor.redact(text);
  }

  /** The prompt: the next cell, where you are (data center or "emulator"), the current tenant. */
  prompt(): string {
    const id = typeof this.tenantId === 'string' ? this.tenantId : '';
    const tenant = visibleLine(this.seen.get(id)?.name ?? (id ? id.slice(0, 8) : '?'));
    return `[${this.cells.next}] ${this.session.dataCenter.label} · ${tenant} › `;
  }

  /** The session as a notebook, with what a saved script needs to replace its ids. */
  saveSource(): SaveSource {
    const home = this.seen.get(this.session.tenantId);
    const notebook: Notebook = {
      meta: {
        dataCenter: this.session.dataCenter.label,
        tenantName: home?.name ?? this.session.tenantName,
        savedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        version: toolVersion(),
      },
      cells: [...this.cells.cells],
    };
    return {
      notebook,
      ids: { homeTenantId: this.session.tenantId, clientId: this.session.clientId },
      redact: (text) => this.redact(text),
    };
  }
}
