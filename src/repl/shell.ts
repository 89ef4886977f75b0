import { accessSync, constants as fsConstants, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import repl, { type REPLServer, Recoverable } from 'node:repl';
import type { ReadStream } from 'node:tty';
import type { Session } from '../auth/login.ts';
import { CellRunner } from '../cell/runner.ts';
import { type ShellState, shownError } from '../cell/state.ts';
import { makeFolders } from '../make-folders.ts';
import { HELPERS } from '../steps/registry.ts';
import { terminalAsker } from '../ui/asker.ts';
import { formatResult } from '../ui/format.ts';
import { progressBar } from '../ui/progress.ts';
import { withSpinner } from '../ui/spinner.ts';
import type { PromptStreams } from '../ui/terminal-handoff.ts';
import { visible } from '../ui/visible.ts';
import { defineCommands } from './commands.ts';
import { isSensitiveLine } from './secret-filter.ts';
import { installSignalHandlers } from './signals.ts';

export interface ShellOptions {
  session: Session;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Whether to use the terminal (prompts, colours, spinners). */
  terminal?: boolean;
  historyFile?: string | null;
  debug?: boolean;
  verbose?: boolean;
  assumeYes?: boolean;
  /** `.login`: runs the login questions again (on the streams it is lent) and returns the new session. */
  relogin?: (streams: PromptStreams) => Promise<Session>;
}

function defaultHistoryFile(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'tenant-shell', 'history');
}

/**
 * The interactive shell: Node's REPL for the line editing, history, completion and preview,
 * with every input run as a cell by the one cell runner (src/cell/runner.ts).
 */
export function startShell(options: ShellOptions): {
  server: REPLServer;
  state: ShellState;
  runner: CellRunner;
} {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? (output as { isTTY?: boolean }).isTTY === true;
  const debug = options.debug ?? false;
  const asker = terminal ? terminalAsker({ input, output }) : null;
  const runner = new CellRunner({
    session: options.session,
    print: (text) => output.write(text),
    asker,
    busy: terminal ? withSpinner : undefined,
    progress: terminal ? progressBar : undefined,
    verbose: options.verbose,
    assumeYes: options.assumeYes,
    colors: terminal,
    aroundSync: terminal ? letCtrlCThrough(input) : undefined,
  });
  const { state } = runner;
  // Dot-commands print cells, paths and names: their control characters shown, never obeyed.
  const write = (line: string) => output.write(`${state.redact(visible(line))}\n`);

  // Checked before the first prompt, so what is wrong with it is said before, not over, it.
  const history = usableHistory(historyPath(options.historyFile), write);
  const server = repl.start({
    // historySize reaches readline (the default keeps only 30 lines); @types/node omits it.
    ...({ historySize: 1000 } as object),
    prompt: state.prompt(),
    input,
    output,
    terminal,
    useGlobal: true,
    // A statement's `undefined` is not shown, as in a notebook (and the kernel, and --eval).
    ignoreUndefined: true,
    preview: terminal,
    writer: (value: unknown) => state.redact(formatResult(value, terminal)),
  });
  // The runner keeps `_` and `_error` (the REPL's own would announce "assignment to _ now disabled").
  for (const name of ['_', '_error']) delete (globalThis as Record<string, unknown>)[name];
  server.on('reset', () => runner.seed());
  if (!terminal) oneLineAtATime(server);

  runCellsWith(server, runner, write, debug);
  completeTenantNames(server, state);
  if (history) setupHistory(server, state, history);
  if (input === process.stdin) installSignalHandlers(server, history);
  defineCommands(server, {
    state,
    steps: runner.steps,
    runner,
    asker,
    write,
    relogin: options.relogin,
    streams: { input, output },
    seed: () => runner.seed(),
    promptText: () => state.prompt(),
  });
  server.on('exit', () => {
    runner.dispose();
    state.session.client.close().catch(() => {});
  });
  return { server, state, runner };
}

/**
 * While a cell's synchronous part runs, the terminal leaves raw mode so that Ctrl+C is a real
 * SIGINT, which breaks even `while (true) {}` (the runner runs it with breakOnSigint), as
 * Node's own REPL does.
 */
function letCtrlCThrough(input: NodeJS.ReadableStream) {
  const tty = input as Partial<ReadStream>;
  return <T>(run: () => T): T => {
    if (!tty.isTTY || !tty.isRaw || typeof tty.setRawMode !== 'function') return run();
    tty.setRawMode(false);
    try {
      return run();
    } finally {
      tty.setRawMode(true);
    }
  };
}

/**
 * Piped input (`tenant-shell < session.txt`): readline hands over every line of a chunk at
 * once, so without this each line would start evaluating before the previous one finished
 * (cells overlap, a multi-line input is cut, the end of input closes the client under a call
 * still running). Here the next line waits for the prompt to come back, and the end of input
 * for the last line.
 */
function oneLineAtATime(server: REPLServer) {
  const handlers = server.listeners('line') as ((line: string) => void)[];
  server.removeAllListeners('line');
  const queue: string[] = [];
  let busy = false;
  let closing = false;
  const close = server.close.bind(server);
  const pump = () => {
    while (!busy && queue.length > 0) {
      const line = queue.shift() ?? '';
      busy = true;
      for (const handler of handlers) handler.call(server, line);
      // Editor mode (`.editor`) collects lines without a prompt in between.
      if ((server as unknown as { editorMode?: boolean }).editorMode) busy = false;
    }
    if (closing && !busy && queue.length === 0) close();
  };
  const displayPrompt = server.displayPrompt.bind(server);
  server.displayPrompt = (preserveCursor?: boolean) => {
    displayPrompt(preserveCursor);
    if (!busy) return;
    busy = false;
    queueMicrotask(pump);
  };
  server.on('line', (line: string) => {
    queue.push(line);
    pump();
  });
  (server as { close: () => void }).close = () => {
    closing = true;
    pump();
  };
}

/** The REPL's own property completion evaluates `try { expr } catch {}`: not a cell. */
const COMPLETION_PROBE = /^try \{ [\s\S]* \} catch \{\}$/;

/**
 * Every input goes to the cell runner; the REPL only shows what comes back: the value through
 * its writer, an error as the cell recorded it (one or two masked lines; the stack with
 * --debug), an unfinished input as a request for more lines. Ctrl+C while a cell runs is the
 * runner's (it cancels the cell), never Node's "press Ctrl+C again to exit".
 */
function runCellsWith(
  server: REPLServer,
  runner: CellRunner,
  write: (line: string) => void,
  debug: boolean,
) {
  const defaultEval = server.eval;
  (server as { eval: REPLServer['eval'] }).eval = function runAsCell(
    code,
    context,
    file,
    callback,
  ) {
    if (COMPLETION_PROBE.test(code)) {
      defaultEval.call(this, code, context, file, callback);
      return;
    }
    const done = callback as (error: Error | null, value?: unknown) => void;
    // readline redraws its prompt on a terminal resize, even under a question or a progress
    // bar the cell has on screen: not while a cell runs.
    const output = server.output as NodeJS.WriteStream;
    const onResize = output.listeners('resize') as Array<() => void>;
    for (const listener of onResize) output.off('resize', listener);
    void runner.run(code).then((outcome) => {
      for (const listener of onResize) output.on('resize', listener);
      server.setPrompt(runner.state.prompt());
      if (outcome.status === 'incomplete') {
        done(new Recoverable(outcome.error));
        return;
      }
      if (outcome.status === 'error') {
        write(shownError(outcome.error, outcome.cell, debug));
        // One argument: the REPL prints nothing more and shows the prompt.
        done(null);
        return;
      }
      if (outcome.value === undefined) done(null);
      else done(null, outcome.value);
    });
  } as REPLServer['eval'];

  const nodeSigint = server.listeners('SIGINT') as Array<() => void>;
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', () => {
    if (runner.interrupt()) return;
    // Right after stopping a cell (or while its calls finish), Ctrl+C is not Node's "press
    // again to exit": a third press during a tree-wide change must not end the session.
    if (runner.settling) {
      server.clearBufferedCommand();
      server.displayPrompt();
      return;
    }
    for (const listener of nodeSigint) listener.call(server);
  });
  // `kill -INT`, and a Ctrl+C that lands while the terminal is out of raw mode.
  const onSignal = () => {
    runner.interrupt();
  };
  process.on('SIGINT', onSignal);
  server.on('exit', () => process.off('SIGINT', onSignal));
}

const TENANT_ARG = new RegExp(
  `\\b(?:${HELPERS.filter((h) => h.takesTenant)
    .map((h) => h.name)
    .join('|')})\\(\\s*(['"\`])([^'"\`]*)$`,
);

/** Completes tenant names the session has seen, inside a helper that takes a tenant. */
function completeTenantNames(server: REPLServer, state: ShellState) {
  const original = server.completer;
  (server as { completer: REPLServer['completer'] }).completer = ((
    line: string,
    cb: (err: Error | null, r?: [string[], string]) => void,
  ) => {
    const match = TENANT_ARG.exec(line);
    if (match) {
      const typed = match[2] ?? '';
      const names = [...new Set([...state.seen.values()].map((t) => t.name))]
        .filter((n) => n.toLowerCase().startsWith(typed.toLowerCase()))
        .sort();
      cb(null, [names, typed]);
      return;
    }
    (original as (l: string, c: typeof cb) => void).call(server, line, cb);
  }) as REPLServer['completer'];
}

/** Where the history lives: the option, TENANT_SHELL_HISTORY (empty: none), or the default. */
function historyPath(file: string | null | undefined): string | null {
  if (file === null) return null;
  const chosen = file ?? process.env.TENANT_SHELL_HISTORY ?? defaultHistoryFile();
  return chosen === '' ? null : chosen;
}

const KINDS: Array<[keyof Stats, string]> = [
  ['isDirectory', 'a folder'],
  ['isFIFO', 'a named pipe'],
  ['isCharacterDevice', 'a device'],
  ['isBlockDevice', 'a device'],
  ['isSocket', 'a socket'],
];

/**
 * Whether the history can be kept at `path`, said before the first prompt: a named pipe would
 * block the shell in open() (no key, Ctrl+C or SIGTERM gets through), /dev/full would spin
 * on retries, a folder or an unwritable place would fail later, over the prompt. Answers the
 * path to use, or null with the sentence printed. /dev/null is a way to keep none: no sentence.
 */
export function usableHistory(path: string | null, say: (line: string) => void): string | null {
  if (path === null || path === '/dev/null') return null;
  const fix = 'set TENANT_SHELL_HISTORY to a file you can write, or to nothing to keep none.';
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      say(
        `History is off: ${path} cannot be read (${(error as NodeJS.ErrnoException).code}); ${fix}`,
      );
      return null;
    }
  }
  if (stats && !stats.isFile()) {
    const kind =
      KINDS.find(([test]) => (stats[test] as () => boolean).call(stats))?.[1] ?? 'not a file';
    say(`History is off: ${path} is ${kind}, not a file; ${fix}`);
    return null;
  }
  try {
    makeFolders(dirname(path), 0o700);
    accessSync(stats ? path : dirname(path), fsConstants.R_OK | fsConstants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : code;
    say(`History is off: ${path} cannot be written (${why}); ${fix}`);
    return null;
  }
  return path;
}

/** A persistent history that never receives a secret. */
function setupHistory(server: REPLServer, state: ShellState, path: string) {
  // readline announces each change before Node's history writer flushes: drop sensitive lines.
  server.on('history', (history: string[]) => {
    const newest = history[0];
    if (newest !== undefined && isSensitiveLine(newest, state.session.client.redactor.secrets())) {
      history.shift();
    }
  });
  // Node loads the file asynchronously and then replaces the in-memory history with it: a line
  // typed meanwhile would be lost, so input waits (buffered) until the file is read.
  server.pause();
  server.setupHistory(path, (error) => {
    if (error) {
      // Said on a line of its own, and the prompt drawn again under it.
      server.output.write(`\nHistory is off: ${visible(error.message)}\n`);
      server.displayPrompt(true);
    }
    server.resume();
  });
}
