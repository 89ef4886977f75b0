import { RawResponse } from '../api/client.ts';
import type { CallRecord } from '../api/request-log.ts';
import { formatCallLines } from '../api/request-log.ts';
import type { Session } from '../auth/login.ts';
import { type CellError, CellStore, type Notebook } from '../notebook/cells.ts';
import type { SaveSource } from '../notebook/save.ts';
import { toolVersion } from '../notebook/version.ts';
import { HELPERS } from '../steps/registry.ts';
import type { SeenTenant, StepSession } from '../steps/session.ts';
import { type Asker, terminalAsker } from '../ui/asker.ts';
import { formatResult, markPlatformData, pprint } from '../ui/format.ts';
import { progressBar } from '../ui/progress.ts';
import { isShellError, renderError } from '../ui/render-error.ts';
import { withSpinner } from '../ui/spinner.ts';

/** How a cell's error is kept: the shell's as shown, a JavaScript error as the REPL shows it. */
export function describeCellError(error: unknown): CellError {
  const shown = isShellError(error) ? renderError(error) : uncaught(error);
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
  return error instanceof Error
    ? `Uncaught ${error.name}: ${error.message}`
    : `Uncaught ${String(error)}`;
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
    const tenant = this.seen.get(id)?.name ?? (id ? id.slice(0, 8) : '?');
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

export interface RuntimeOptions {
  session: Session;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Prompts, spinners: only on a terminal. */
  terminal: boolean;
  verbose?: boolean;
  assumeYes?: boolean;
}

/**
 * What the REPL and the one-shot mode share: the state, the helpers' session and the page's
 * variables. Everything printed goes through the session's redactor.
 */
export function createRuntime(options: RuntimeOptions) {
  const { output, terminal } = options;
  const show = (line: string) => output.write(`${state.redact(line)}\n`);
  // Side remarks and pprint output printed while a cell runs are part of that cell.
  const write = (line: string) => {
    show(line);
    state.cells.addPrinted(line);
  };
  // The --verbose call log is not: the cell keeps the calls themselves.
  const state: ShellState = new ShellState(options.session, options.verbose ?? false, show);
  const asker: Asker | null = terminal ? terminalAsker({ input: options.input, output }) : null;
  const context = globalThis as unknown as Record<string, unknown>;
  const steps: StepSession = {
    get client() {
      return state.session.client;
    },
    get homeTenantId() {
      return state.session.tenantId;
    },
    getTenantId: () => state.tenantId,
    setTenantId: (id) => {
      state.tenantId = id;
    },
    setVariable: (name, value) => {
      context[name] = value;
    },
    seen: state.seen,
    ask: asker,
    assumeYes: options.assumeYes ?? false,
    signal: () => state.controller?.signal,
    busy: (text, work) => (terminal ? withSpinner(text, work) : work()),
    note: (line) => write(line),
    progress: (label, total) => (terminal ? progressBar(label, total) : null),
  };
  state.cells.onFinish((cell, outcome) => {
    if (!('error' in outcome)) context[`_${cell.n}`] = outcome.value;
  });
  return { state, steps, asker, write, show, seed: () => seedContext(context, state, steps) };
}

/** The page's step 1 variables, and every helper, bound to this session. */
function seedContext(context: Record<string, unknown>, state: ShellState, steps: StepSession) {
  state.tenantId = state.session.tenantId;
  Object.defineProperty(context, 'base_url', {
    value: state.session.client.baseUrl,
    writable: true,
    configurable: true,
    enumerable: true,
  });
  // Read from the client each time, so a renewed token shows up; nothing here calls the network.
  Object.defineProperty(context, 'auth', {
    get: () => state.session.client.auth,
    set: (value) =>
      Object.defineProperty(context, 'auth', { value, writable: true, configurable: true }),
    configurable: true,
    enumerable: true,
  });
  // `tenant_id = created_tenant_id` at the prompt must move the shell too, as on the page.
  Object.defineProperty(context, 'tenant_id', {
    get: () => state.tenantId,
    set: (value) => {
      state.tenantId = value;
    },
    configurable: true,
    enumerable: true,
  });
  for (const helper of HELPERS) {
    // A response prints as `<Response [200]>`, as the page's `requests` does; other answers as JSON.
    const fn = async (...args: unknown[]) => {
      const result = await helper.run(steps, ...args);
      return result instanceof RawResponse ? result : markPlatformData(result);
    };
    Object.defineProperty(fn, 'name', { value: helper.name });
    context[helper.name] = fn;
  }
  context.pprint = (value: unknown) => {
    steps.note(pprint(value));
  };
  // IPython's names: Out[n] and Err[n] for cell n (and `_n`, set as each cell finishes).
  context.Out = state.cells.Out;
  context.Err = state.cells.Err;
}
