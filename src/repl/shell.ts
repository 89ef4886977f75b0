import { Console } from 'node:console';
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import repl, { type REPLServer, Recoverable } from 'node:repl';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { Session } from '../auth/login.ts';
import { HELPERS } from '../steps/registry.ts';
import { formatResult } from '../ui/format.ts';
import { isShellError, renderError } from '../ui/render-error.ts';
import type { PromptStreams } from '../ui/terminal-handoff.ts';
import { defineCommands } from './commands.ts';
import { createRuntime, type ShellState, uncaught } from './runtime.ts';
import { isSensitiveLine } from './secret-filter.ts';
import { installSignalHandlers } from './signals.ts';
import { toJavaScript } from './typescript.ts';

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
  /** false: no prompt at all (a notebook replayed by --run). */
  prompt?: boolean;
  /** `.login`: runs the login questions again (on the streams it is lent) and returns the new session. */
  relogin?: (streams: PromptStreams) => Promise<Session>;
}

function defaultHistoryFile(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'tenant-shell', 'history');
}

/** Starts the interactive shell on a logged-in session. */
export function startShell(options: ShellOptions): { server: REPLServer; state: ShellState } {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? (output as { isTTY?: boolean }).isTTY === true;
  const debug = options.debug ?? false;
  const { state, steps, asker, write, show, seed } = createRuntime({
    session: options.session,
    input,
    output,
    terminal,
    verbose: options.verbose,
    assumeYes: options.assumeYes,
  });

  const promptText = options.prompt === false ? () => '' : () => state.prompt();
  const server = repl.start({
    // historySize reaches readline (the default keeps only 30 lines); @types/node omits it.
    ...({ historySize: 1000 } as object),
    prompt: promptText(),
    input,
    output,
    terminal,
    useGlobal: true,
    breakEvalOnSigint: true,
    preview: terminal,
    writer: (value: unknown) =>
      state.redact(isShellError(value) ? renderError(value, debug) : formatResult(value, terminal)),
  });

  seed();
  server.on('reset', seed);
  if (!terminal) oneLineAtATime(server);
  const restoreConsole = captureConsole(state, output, terminal);

  wrapEval(server, state, show, debug, promptText);
  completeTenantNames(server, state);
  if (options.historyFile !== null) setupHistory(server, state, options.historyFile);
  if (input === process.stdin) installSignalHandlers(server, historyPath(options.historyFile));
  defineCommands(server, {
    state,
    steps,
    asker,
    write,
    relogin: options.relogin,
    streams: { input, output },
    seed,
    promptText,
  });
  server.on('exit', () => {
    restoreConsole();
    state.session.client.close().catch(() => {});
  });
  return { server, state };
}

/**
 * `console.log` in a cell prints to the shell's output (masked, like everything else) and is
 * kept with the cell, as the page's `print(...)` output is part of its step. Returns the undo.
 */
function captureConsole(state: ShellState, output: NodeJS.WritableStream, colors: boolean) {
  const original = globalThis.console;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk);
      output.write(state.redact(text));
      state.cells.addPrinted(stripVTControlCharacters(text).replace(/\n$/, ''));
      done();
    },
  });
  globalThis.console = new Console({ stdout: sink, stderr: sink, colorMode: colors });
  return () => {
    globalThis.console = original;
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

/** `setMfa(true)` typed as on the page, without `await`: awaited for the user. */
const BARE_HELPER_CALL = new RegExp(`^\\s*(?:${HELPERS.map((h) => h.name).join('|')})\\s*\\(`);

export function addAwait(code: string): string {
  return BARE_HELPER_CALL.test(code) && !/\bawait\b/.test(code) ? `await ${code}` : code;
}

/** The REPL's own property completion evaluates `try { expr } catch {}`: not a cell. */
const COMPLETION_PROBE = /^try \{ [\s\S]* \} catch \{\}$/;

/**
 * Around Node's default eval: TypeScript in, a fresh AbortSignal per input (Ctrl+C aborts the
 * call under way), each input kept as a numbered cell, our errors as one or two sentences, and
 * the prompt refreshed afterwards.
 */
function wrapEval(
  server: REPLServer,
  state: ShellState,
  write: (line: string) => void,
  debug: boolean,
  promptText: () => string,
) {
  const defaultEval = server.eval;
  server.on('SIGINT', () => state.controller?.abort());
  const settle = () => {
    state.controller = undefined;
    server.setPrompt(promptText());
  };
  const show = (error: unknown) => {
    // `_error` (the REPL's own) and `lastError` keep the whole error for inspection.
    (server as unknown as { lastError: unknown }).lastError = error;
    (server.context as Record<string, unknown>).lastError = error;
    write(renderError(error, debug));
  };
  (server as { eval: REPLServer['eval'] }).eval = function evalWithShell(
    code,
    context,
    file,
    callback,
  ) {
    if (COMPLETION_PROBE.test(code)) {
      defaultEval.call(this, code, context, file, callback);
      return;
    }
    state.controller = new AbortController();
    // One input may run many calls at once (a tree-wide change), each listening for Ctrl+C.
    setMaxListeners(0, state.controller.signal);
    state.cells.begin(code);
    const finish: typeof callback = (error, ...rest: unknown[]) => {
      // An unfinished input: the REPL asks for the rest, and the cell waits for it.
      if (error instanceof Recoverable) state.cells.abandon();
      else if (error) state.cells.fail(error);
      else state.cells.succeed(rest[0]);
      settle();
      if (error && isShellError(error)) {
        show(error);
        (callback as (e: Error | null) => void)(null);
        return;
      }
      (callback as (...a: unknown[]) => void)(error, ...rest);
    };
    defaultEval.call(this, toJavaScript(addAwait(code)), context, file, finish);
  } as REPLServer['eval'];

  // A rejected top-level `await` does not reach the eval callback: the REPL hands it to its
  // domain, which prints "Uncaught" and a stack. Ours get one or two sentences instead.
  const domain = (server as unknown as { _domain?: NodeJS.EventEmitter })._domain;
  if (domain) {
    const original = domain.listeners('error') as ((e: unknown) => void)[];
    domain.removeAllListeners('error');
    domain.on('error', (error: unknown) => {
      state.cells.fail(error);
      settle();
      if (debug || !(error instanceof Error)) {
        for (const listener of original) listener.call(domain, error);
        return;
      }
      // Without --debug, a JavaScript error is its first line, as the REPL shows it for input
      // it evaluates itself (our wrapper's frames would otherwise show up as a stack).
      if (isShellError(error)) show(error);
      else {
        (server as unknown as { lastError: unknown }).lastError = error;
        write(uncaught(error));
      }
      server.clearBufferedCommand();
      server.displayPrompt();
    });
  }
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

/** A persistent history that never receives a secret. */
function historyPath(file: string | null | undefined): string | null {
  return file === null ? null : (file ?? process.env.TENANT_SHELL_HISTORY ?? defaultHistoryFile());
}

function setupHistory(server: REPLServer, state: ShellState, file?: string) {
  const path = historyPath(file) ?? defaultHistoryFile();
  // readline announces each change before Node's history writer flushes: drop sensitive lines.
  server.on('history', (history: string[]) => {
    const newest = history[0];
    if (newest !== undefined && isSensitiveLine(newest, state.session.client.redactor.secrets())) {
      history.shift();
    }
  });
  // Node loads the file asynchronously and then replaces the in-memory history with it: a line
  // typed meanwhile would be lost, so input waits (buffered) until the file is read.
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    server.output.write(`History is off: ${(error as Error).message}\n`);
    return;
  }
  server.pause();
  server.setupHistory(path, (error) => {
    if (error) server.output.write(`History is off: ${error.message}\n`);
    server.resume();
  });
}
