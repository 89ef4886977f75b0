import type { REPLServer } from 'node:repl';
import { maskSecret } from '../api/redact.ts';
import { toCurl } from '../api/request-log.ts';
import type { Session } from '../auth/login.ts';
import type { CellRunner } from '../cell/runner.ts';
import type { ShellState } from '../cell/state.ts';
import { historyLines } from '../notebook/history.ts';
import { saveNotebook } from '../notebook/save.ts';
import { helperNames, helpFor, helpText } from '../steps/help.ts';
import type { StepSession } from '../steps/session.ts';
import { pickFromTree } from '../steps/tenants.ts';
import { TutorialGuide } from '../tutorial/guide.ts';
import type { Asker } from '../ui/asker.ts';
import { renderError } from '../ui/render-error.ts';
import { type PromptStreams, withTerminal } from '../ui/terminal-handoff.ts';

interface CommandDeps {
  state: ShellState;
  steps: StepSession;
  /** The session's one cell runner: a tutorial's cells run through it. */
  runner: CellRunner;
  asker: Asker | null;
  write: (line: string) => void;
  relogin: ((streams: PromptStreams) => Promise<Session>) | undefined;
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  seed: () => void;
  promptText: () => string;
}

function whoami(state: ShellState): string {
  const s = state.session;
  const current = typeof state.tenantId === 'string' ? state.seen.get(state.tenantId) : undefined;
  const home = state.seen.get(s.tenantId);
  const expires = new Date(s.client.tokenExpiresOn * 1000);
  const minutes = Math.round((expires.getTime() - Date.now()) / 60_000);
  return [
    `data center  ${s.dataCenter.label === 'emulator' ? `emulator (${s.client.baseUrl})` : s.client.baseUrl}`,
    `API client   ${maskSecret(s.clientId)}`,
    `home tenant  ${home ? `${home.name} (${home.kind}) ` : ''}${s.tenantId}`,
    `tenant_id    ${current ? `${current.name} (${current.kind}) ` : ''}${String(state.tenantId)}`,
    `token        expires ${expires.toISOString()} (in ${minutes} min; renewed automatically)`,
  ].join('\n');
}

export function defineCommands(server: REPLServer, deps: CommandDeps): void {
  const { state, write } = deps;
  const done = () => server.displayPrompt();
  const run = (work: () => Promise<void>) =>
    work()
      .catch((error: unknown) => write(renderError(error)))
      .finally(() => {
        server.setPrompt(deps.promptText());
        done();
      });

  server.defineCommand('help', {
    help: 'Helpers by topic, variables and commands; .help NAME shows one helper',
    action(name) {
      write(name.trim() ? helpFor(name.trim()) : helpText());
      done();
    },
  });
  // Node's own .clear resets nothing when the REPL uses the global context, as this one does.
  server.defineCommand('clear', {
    help: 'Restore base_url, auth and tenant_id as they were after login',
    action() {
      server.clearBufferedCommand();
      deps.seed();
      server.setPrompt(state.prompt());
      write(`Restored base_url, auth and tenant_id ('${String(state.tenantId)}').`);
      done();
    },
  });
  server.defineCommand('whoami', {
    help: 'The data center, API client, tenant and token expiry',
    action() {
      write(whoami(state));
      done();
    },
  });
  server.defineCommand('verbose', {
    help: 'Show every call the helpers make (toggle)',
    action() {
      state.verbose = !state.verbose;
      write(`Request log ${state.verbose ? 'on' : 'off'}.`);
      done();
    },
  });
  server.defineCommand('curl', {
    help: 'The last call as a copyable curl command',
    action() {
      if (!state.lastCall) write('No call yet: try await getMfa() first.');
      else {
        write(toCurl(state.lastCall));
        // The shell never prints its own token: the way to get one is the page's step 1.
        write(
          `# It reads the token from TENANT_SHELL_TOKEN. Get one with the API client's credentials:\n` +
            `#   export TENANT_SHELL_TOKEN=$(curl -s -u "$TENANT_SHELL_CLIENT_ID:$TENANT_SHELL_CLIENT_SECRET" -d grant_type=client_credentials ${state.session.client.baseUrl}/idp/token | sed -n 's/.*"access_token" *: *"\\([^"]*\\)".*/\\1/p')`,
        );
      }
      done();
    },
  });
  server.defineCommand('history', {
    help: 'The cells of this session, one line each',
    action() {
      for (const line of historyLines(state.cells.cells)) write(line);
      done();
    },
  });
  // Node's own .save writes the raw input lines, secrets included: ours replaces it.
  server.defineCommand('save', {
    help: 'Save the session as a notebook (.md, .ipynb) or a script (.ts, .py, .sh)',
    action(file: string) {
      run(async () => {
        const result = await saveNotebook(file, state.saveSource());
        write(result.message);
      });
    },
  });
  // Node's .load feeds a file's lines as if typed (each one a cell): kept for code files, but
  // a saved notebook or script is not code to type in, so it is refused with the way to run it.
  const nodeLoad = server.commands.load;
  server.defineCommand('load', {
    help: 'Type in the lines of a JavaScript or TypeScript file (notebooks: tenant-shell --run)',
    action(file: string) {
      const name = file.trim();
      if (/\.(md|ipynb)$/i.test(name)) {
        write(`.load types in code files; replay a notebook with: tenant-shell --run ${name}`);
        done();
      } else if (/\.(py|sh)$/i.test(name)) {
        write(`.load types in JavaScript or TypeScript; run ${name} on its own (python3 or sh).`);
        done();
      } else if (nodeLoad) nodeLoad.action.call(server, file);
      else done();
    },
  });
  const guide = new TutorialGuide();
  server.defineCommand('guide', {
    help: 'The tutorials by section; .guide NAME walks one (Ctrl+C leaves it, NAME again goes on)',
    action(name: string) {
      if (!name.trim()) {
        write(guide.listing());
        done();
        return;
      }
      if (!deps.asker) {
        write(
          'A tutorial asks questions: it needs a terminal (replay one with tenant-shell --run FILE).',
        );
        done();
        return;
      }
      const asker = deps.asker;
      run(async () => {
        await guide.walk(name, {
          runner: deps.runner,
          asker,
          write,
          browseTree: () => pickFromTree(deps.steps),
        });
      });
    },
  });
  completeCommandArguments(server, () => guide.names());
  server.defineCommand('login', {
    help: 'Log in again (another data center or API client)',
    action() {
      const relogin = deps.relogin;
      if (!relogin) {
        write('Logging in again needs a terminal.');
        done();
        return;
      }
      run(async () => {
        const next = await withTerminal(deps.streams, relogin);
        const previous = state.session;
        state.attach(next);
        deps.seed();
        if (previous !== next) {
          await previous.client.close().catch(() => {});
          // An emulator the previous login started serves nobody now, and would keep the
          // process alive after .exit (main closes only the current session's).
          await previous.emulator?.close().catch(() => {});
        }
        write(`Logged in: ${next.dataCenter.label}, tenant_id = '${next.tenantId}'.`);
      });
    },
  });
}

/** Tab after `.guide ` completes the tutorials' names, and after `.help ` the helpers'. */
function completeCommandArguments(server: REPLServer, names: () => string[]): void {
  const original = server.completer;
  (server as { completer: REPLServer['completer'] }).completer = ((
    line: string,
    cb: (err: Error | null, r?: [string[], string]) => void,
  ) => {
    const match = /^\s*\.guide\s+(\S*)$/.exec(line);
    if (match) {
      const typed = match[1] ?? '';
      cb(null, [names().filter((n) => n.startsWith(typed)), typed]);
      return;
    }
    const help = /^\s*\.help\s+(\S*)$/.exec(line);
    if (help) {
      const typed = help[1] ?? '';
      cb(null, [helperNames().filter((n) => n.startsWith(typed)), typed]);
      return;
    }
    (original as (l: string, c: typeof cb) => void).call(server, line, cb);
  }) as REPLServer['completer'];
}
