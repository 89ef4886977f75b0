import { homedir } from 'node:os';
import { join } from 'node:path';
import repl, { type REPLServer } from 'node:repl';
import type { Session } from '../auth/login.ts';
import { HELPERS } from '../steps/registry.ts';
import { formatResult } from '../ui/format.ts';
import { isShellError, renderError } from '../ui/render-error.ts';
import type { PromptStreams } from '../ui/terminal-handoff.ts';
import { defineCommands } from './commands.ts';
import { createRuntime, type ShellState } from './runtime.ts';
import { isSensitiveLine } from './secret-filter.ts';
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
  const { state, steps, asker, write, seed } = createRuntime({
    session: options.session,
    input,
    output,
    terminal,
    verbose: options.verbose,
    assumeYes: options.assumeYes,
  });

  const server = repl.start({
    // historySize reaches readline (the default keeps only 30 lines); @types/node omits it.
    ...({ historySize: 1000 } as object),
    prompt: state.prompt(),
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

  wrapEval(server, state, write, debug);
  completeTenantNames(server, state);
  if (options.historyFile !== null) setupHistory(server, state, options.historyFile);
  defineCommands(server, {
    state,
    steps,
    asker,
    write,
    relogin: options.relogin,
    streams: { input, output },
    seed,
  });
  server.on('exit', () => state.session.client.close().catch(() => {}));
  return { server, state };
}

/** `setMfa(true)` typed as on the page, without `await`: awaited for the user. */
const BARE_HELPER_CALL = new RegExp(`^\\s*(?:${HELPERS.map((h) => h.name).join('|')})\\s*\\(`);

export function addAwait(code: string): string {
  return BARE_HELPER_CALL.test(code) && !/\bawait\b/.test(code) ? `await ${code}` : code;
}

/**
 * Around Node's default eval: TypeScript in, a fresh AbortSignal per input (Ctrl+C aborts the
 * call under way), our errors as one or two sentences, and the prompt refreshed afterwards.
 */
function wrapEval(
  server: REPLServer,
  state: ShellState,
  write: (line: string) => void,
  debug: boolean,
) {
  const defaultEval = server.eval;
  server.on('SIGINT', () => state.controller?.abort());
  const settle = () => {
    state.controller = undefined;
    server.setPrompt(state.prompt());
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
    state.controller = new AbortController();
    const finish: typeof callback = (error, ...rest: unknown[]) => {
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
        write(`Uncaught ${error.name}: ${error.message}`);
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
function setupHistory(server: REPLServer, state: ShellState, file?: string) {
  const path = file ?? process.env.TENANT_SHELL_HISTORY ?? defaultHistoryFile();
  // readline announces each change before Node's history writer flushes: drop sensitive lines.
  server.on('history', (history: string[]) => {
    const newest = history[0];
    if (newest !== undefined && isSensitiveLine(newest, state.session.client.redactor.secrets())) {
      history.shift();
    }
  });
  import('node:fs')
    .then((fs) => fs.promises.mkdir(join(path, '..'), { recursive: true, mode: 0o700 }))
    .then(
      () =>
        server.setupHistory(path, (error) => {
          if (error) server.output.write(`History is off: ${error.message}\n`);
        }),
      (error: Error) => server.output.write(`History is off: ${error.message}\n`),
    );
}
