import type { CallRecord } from '../api/request-log.ts';
import { formatCallLines } from '../api/request-log.ts';
import type { Session } from '../auth/login.ts';
import { HELPERS } from '../steps/registry.ts';
import type { SeenTenant, StepSession } from '../steps/session.ts';
import { type Asker, terminalAsker } from '../ui/asker.ts';
import { markPlatformData, pprint } from '../ui/format.ts';
import { withSpinner } from '../ui/spinner.ts';

/** The shell's state around the REPL: the login, the current tenant, the last call. */
export class ShellState {
  session: Session;
  tenantId: unknown;
  readonly seen = new Map<string, SeenTenant>();
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
      if (this.verbose) for (const line of formatCallLines(record)) this.print(line);
    });
  }

  redact(text: string): string {
    return this.session.client.redactor.redact(text);
  }

  /** The prompt: where you are (data center or "emulator") and the current tenant's name. */
  prompt(): string {
    const id = typeof this.tenantId === 'string' ? this.tenantId : '';
    const tenant = this.seen.get(id)?.name ?? (id ? id.slice(0, 8) : '?');
    return `${this.session.dataCenter.label} · ${tenant} › `;
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
  const write = (line: string) => output.write(`${state.redact(line)}\n`);
  const state: ShellState = new ShellState(options.session, options.verbose ?? false, (l) =>
    write(l),
  );
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
  };
  return { state, steps, asker, write, seed: () => seedContext(context, state, steps) };
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
    const fn = async (...args: unknown[]) => markPlatformData(await helper.run(steps, ...args));
    Object.defineProperty(fn, 'name', { value: helper.name });
    context[helper.name] = fn;
  }
  context.pprint = (value: unknown) => {
    steps.note(pprint(value));
  };
}
