// The one way a cell runs, for every front end (the REPL, --eval, --run and the kernel). The
// runner owns all that a cell is: compiling it (compile.ts), running it in the shell's global
// context with the page's variables and the helpers, a fresh Ctrl+C signal, what it prints
// (console, the helpers' remarks, and with `capture` the process's own streams), its calls, its
// value or error, and the masking of all of it by the session's redactor. A front end only
// reads input and shows what the runner hands it.

import { Console } from 'node:console';
import { setMaxListeners } from 'node:events';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { Script } from 'node:vm';
import { RawResponse } from '../api/client.ts';
import { CancelledError, UsageError } from '../api/errors.ts';
import type { Session } from '../auth/login.ts';
import { monotonicMs } from '../clock.ts';
import type { Cell } from '../notebook/cells.ts';
import { HELPERS } from '../steps/registry.ts';
import type { StepSession, TreeChangeOutcome } from '../steps/session.ts';
import type { Asker } from '../ui/asker.ts';
import { markPlatformData, pprint } from '../ui/format.ts';
import type { ProgressDisplay } from '../ui/progress.ts';
import { visible } from '../ui/visible.ts';
import { type CellSyntaxError, compileCell, IMPORT_SYMBOL } from './compile.ts';
import { importForCell, requireForCell } from './modules.ts';
import { ShellState, uncaught } from './state.ts';

export type Stream = 'stdout' | 'stderr';

export interface CellRunnerOptions {
  session: Session;
  /** Where what a cell prints goes, already masked; the runner keeps it with the cell too. */
  print(text: string, stream: Stream): void;
  /**
   * Questions (a terminal's, or the kernel's stdin channel), or null: helpers then need
   * arguments, and say which. Read at each question, so it may be a getter (the kernel's has
   * an asker only while the request running allows stdin).
   */
  readonly asker?: Asker | null;
  /** A spinner around a long call (a terminal front end's); default: none. */
  busy?: <T>(text: string, work: () => Promise<T>) => Promise<T>;
  /** A progress display for a long run of calls; default: none. */
  progress?: (label: string, total: number) => ProgressDisplay | null;
  verbose?: boolean;
  assumeYes?: boolean;
  /** console.log's colours (a terminal's). */
  colors?: boolean;
  /**
   * What the process's own stdout and stderr writes are: `mask` passes them on masked (a
   * terminal, a pipe), `capture` makes them the cell's printed output (the kernel, whose own
   * stdout no one reads).
   */
  stdio?: 'mask' | 'capture';
  /** Wraps the synchronous part of a cell (the REPL lets Ctrl+C through as a signal then). */
  aroundSync?: <T>(run: () => T) => T;
}

interface Ran {
  cell: Cell;
  /** Tree-wide changes the cell ran, as they ended. */
  treeChanges: TreeChangeOutcome[];
  /** Ctrl+C (or SIGINT) stopped it, or part of it. */
  interrupted: boolean;
}

export type CellOutcome =
  | ({ status: 'ok'; value: unknown } & Ran)
  | ({ status: 'error'; error: unknown } & Ran)
  /** More lines would finish it: the REPL asks for them; nothing was run or numbered. */
  | { status: 'incomplete'; error: CellSyntaxError };

/** How long an interrupted cell may take to wind down by itself before it is cut off. */
const GRACE_MS = 250;
/** ...and when a helper said it is finishing its calls in flight (a tree-wide change). */
const WIND_DOWN_MS = 30_000;
/** Ctrl+C pressed this soon after an interrupt is a key pressed once too often. */
const SETTLE_MS = 1500;

const HELPER_NAMES: ReadonlySet<string> = new Set(HELPERS.map((h) => h.name));

interface Running {
  controller: AbortController;
  cut: (error: unknown) => void;
  windingDown: boolean;
  interrupts: number;
  timer?: NodeJS.Timeout;
  treeChanges: TreeChangeOutcome[];
}

export class CellRunner {
  readonly state: ShellState;
  readonly steps: StepSession;
  readonly #options: CellRunnerOptions;
  #running: Running | undefined;
  readonly #undo: Array<() => void> = [];
  /** Errors thrown where no cell was running (a timer after its cell ended), already shown. */
  #strayErrors = 0;
  /** Cells cut off whose own promise is still pending. */
  #settling = 0;
  /** Whether the cell under way is kept (and sets `_`, `_error`). */
  #recording = true;
  #interruptedAt = Number.NEGATIVE_INFINITY;

  constructor(options: CellRunnerOptions) {
    this.#options = options;
    // A remark holds names and messages from outside: shown with its control characters visible.
    const note = (line: string) => this.#print(visible(`${line}\n`), 'stdout');
    this.state = new ShellState(options.session, options.verbose ?? false, (line) =>
      options.print(`${this.state.redact(line)}\n`, 'stderr'),
    );
    const state = this.state;
    this.steps = {
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
        (globalThis as Record<string, unknown>)[name] = value;
      },
      seen: state.seen,
      get ask() {
        return options.asker ?? null;
      },
      assumeYes: options.assumeYes ?? false,
      signal: () => this.#running?.controller.signal,
      busy: (text, work) => (options.busy ? options.busy(text, work) : work()),
      note,
      progress: (label, total) => options.progress?.(label, total) ?? null,
      windDown: () => {
        if (this.#running) this.#running.windingDown = true;
      },
      treeChanged: (outcome) => {
        this.#running?.treeChanges.push(outcome);
      },
    };
    state.cells.onFinish((cell, outcome) => {
      if (!this.#recording) return;
      const g = globalThis as Record<string, unknown>;
      if ('error' in outcome) {
        g._error = outcome.error;
        g.lastError = outcome.error;
      } else {
        g[`_${cell.n}`] = outcome.value;
        if (outcome.value !== undefined) g._ = outcome.value;
      }
    });
    this.#captureConsole();
    if (options.stdio === 'capture') this.#captureStdio();
    else this.#maskStdio();
    this.#catchStrays();
    this.seed();
  }

  /** The cell under way, if any. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /**
   * A cell was cut off by Ctrl+C and what it started (calls in flight) has not ended yet, or
   * a cell was interrupted a moment ago: a Ctrl+C now is one pressed once too often, not a
   * request to leave.
   */
  get settling(): boolean {
    return this.#settling > 0 || monotonicMs() - this.#interruptedAt < SETTLE_MS;
  }

  /** Errors thrown outside any cell since the start (one-shot mode exits 1 if there were). */
  get strayErrors(): number {
    return this.#strayErrors;
  }

  /** The page's step 1 variables and every helper, bound to this session (again after .clear). */
  seed(): void {
    seedContext(this.state, this.steps);
  }

  /**
   * Runs one cell. Never rejects: the outcome says what happened, and the cell (numbered, with
   * its printed lines, calls and value or error, all masked) is kept in `state.cells`.
   */
  async run(
    source: string,
    options: { complete?: boolean; record?: boolean } = {},
  ): Promise<CellOutcome> {
    const compiled = compileCell(source, HELPER_NAMES);
    // With `complete`, no more lines will come (--eval, a notebook): unfinished is an error.
    if (compiled.kind === 'incomplete' && !options.complete)
      return { status: 'incomplete', error: compiled.error };
    const cells = this.state.cells;
    const cell = cells.begin(source);
    const controller = new AbortController();
    // One input may run many calls at once (a tree-wide change), each listening for Ctrl+C.
    setMaxListeners(0, controller.signal);
    this.state.controller = controller;
    let cut: (error: unknown) => void = () => {};
    const interrupted = new Promise<never>((_, reject) => {
      cut = reject;
    });
    const running: Running = {
      controller,
      cut,
      windingDown: false,
      interrupts: 0,
      treeChanges: [],
    };
    this.#running = running;
    // `record: false` (a kernel client's silent request): run it as a cell, keep nothing of it.
    this.#recording = options.record ?? true;
    try {
      if (compiled.kind !== 'ready') throw compiled.error;
      const script = new Script(compiled.script, { filename: `cell[${cell.n}]` });
      const run = () => script.runInThisContext({ breakOnSigint: true, displayErrors: false });
      const result = (this.#options.aroundSync ? this.#options.aroundSync(run) : run()) as Promise<
        { value: unknown } | undefined
      >;
      // Cut off, the cell's own work may still be finishing: counted until it has.
      interrupted.catch(() => {
        if (running.interrupts === 0) return;
        this.#settling += 1;
        result.then(
          () => {
            this.#settling -= 1;
          },
          () => {
            this.#settling -= 1;
          },
        );
      });
      const boxed = await Promise.race([result, interrupted]);
      const value = boxed?.value;
      cells.succeed(value);
      const { treeChanges } = running;
      return { status: 'ok', cell, value, treeChanges, interrupted: running.interrupts > 0 };
    } catch (error) {
      cells.fail(error);
      // The synchronous part broken by SIGINT (breakOnSigint) never reaches interrupt().
      const interrupted =
        running.interrupts > 0 ||
        (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
      return { status: 'error', cell, error, treeChanges: running.treeChanges, interrupted };
    } finally {
      if (!this.#recording) {
        cells.forget(cell.n);
        delete (globalThis as Record<string, unknown>)[`_${cell.n}`];
        this.#recording = true;
      }
      clearTimeout(running.timer);
      this.#running = undefined;
      this.state.controller = undefined;
    }
  }

  /**
   * Ctrl+C: aborts the cell's calls at once. The cell then has a moment to end by itself (a
   * helper's call rejects as cancelled; a tree-wide change finishes the calls in flight and
   * returns its summary); past it, or at a second interrupt, the cell is cut off as cancelled.
   * Returns false when no cell was running.
   */
  interrupt(): boolean {
    const running = this.#running;
    if (!running) return false;
    running.interrupts += 1;
    this.#interruptedAt = monotonicMs();
    const cancelled = new CancelledError();
    if (running.interrupts > 1) {
      running.cut(cancelled);
      return true;
    }
    running.controller.abort(cancelled);
    // Read after abort(): a helper says it is winding down from its abort listener.
    const grace = running.windingDown ? WIND_DOWN_MS : GRACE_MS;
    running.timer = setTimeout(() => running.cut(cancelled), grace);
    return true;
  }

  /** Gives back console and the process's streams (a front end that is done with the runner). */
  dispose(): void {
    for (const undo of this.#undo.splice(0).reverse()) undo();
  }

  #print(text: string, stream: Stream): void {
    const masked = this.state.redact(text);
    this.state.cells.addPrinted(stripVTControlCharacters(masked).replace(/\n$/, ''));
    this.#options.print(masked, stream);
  }

  /** console.* in a cell prints through the runner: masked, and kept with the cell. */
  #captureConsole(): void {
    const original = globalThis.console;
    const sink = (stream: Stream) =>
      new Writable({
        write: (chunk, _encoding, done) => {
          // The code's own colours stay; any other control sequence is shown, not obeyed.
          this.#print(visible(String(chunk), { colors: this.#options.colors ?? false }), stream);
          done();
        },
      });
    globalThis.console = new Console({
      stdout: sink('stdout'),
      stderr: sink('stderr'),
      colorMode: this.#options.colors ?? false,
    });
    this.#undo.push(() => {
      globalThis.console = original;
    });
  }

  /** `process.stdout.write(auth.Authorization)` prints masked, as everything else does. */
  #maskStdio(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      const state = this.state;
      stream.write = function maskedWrite(
        this: NodeJS.WriteStream,
        chunk: unknown,
        ...rest: unknown[]
      ) {
        const masked = typeof chunk === 'string' ? state.redact(chunk) : chunk;
        return (write as (...a: unknown[]) => boolean).call(this, masked, ...rest);
      } as typeof stream.write;
      this.#undo.push(() => {
        stream.write = write;
      });
    }
  }

  /** The kernel's case: what the process writes is the cell's output, since its stdout is no one's. */
  #captureStdio(): void {
    for (const [stream, name] of [
      [process.stdout, 'stdout'],
      [process.stderr, 'stderr'],
    ] as const) {
      const write = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.#print(
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
          name,
        );
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
      this.#undo.push(() => {
        stream.write = write;
      });
    }
  }

  /**
   * An error thrown where nothing awaits it (a timer's callback, a promise nobody handles)
   * fails the cell running, or is shown as one masked line: never Node's crash with a stack.
   */
  #catchStrays(): void {
    const onError = (error: unknown, prefix: string) => {
      const running = this.#running;
      if (running) {
        running.cut(error);
        return;
      }
      this.#strayErrors += 1;
      const text = uncaught(error).replace(/^Uncaught/, prefix);
      this.#options.print(`${this.state.redact(text)}\n`, 'stderr');
    };
    const onException = (error: unknown) => onError(error, 'Uncaught');
    const onRejection = (error: unknown) => onError(error, 'Uncaught (in promise)');
    // Nothing left that could settle the cell (`await new Promise(() => {})` in a one-shot
    // run): Node would leave with the cell unfinished and say nothing.
    const onEmptyLoop = () => {
      this.#running?.cut(
        new NeverSettles(
          'The code waits for something nothing will do (a promise no timer, call or event can settle): stopped.',
        ),
      );
    };
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
    process.on('beforeExit', onEmptyLoop);
    this.#undo.push(() => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
      process.off('beforeExit', onEmptyLoop);
    });
  }
}

/** A cell awaiting what can never happen, found when the event loop has nothing left. */
export class NeverSettles extends UsageError {}

/** The page's step 1 variables, and every helper, bound to this session. */
function seedContext(state: ShellState, steps: StepSession): void {
  const context = globalThis as unknown as Record<string, unknown>;
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
      Object.defineProperty(context, 'auth', {
        value,
        writable: true,
        configurable: true,
        enumerable: true,
      }),
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
  // Node's modules and the shell's own dependencies, from any front end.
  Object.defineProperty(context, IMPORT_SYMBOL, { value: importForCell, configurable: true });
  if (typeof context.require !== 'function') {
    Object.defineProperty(context, 'require', {
      value: requireForCell,
      writable: true,
      configurable: true,
    });
  }
}
