import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { TenantShellError, UsageError } from './api/errors.ts';
import type { Session } from './auth/login.ts';

const USAGE = `tenant-shell: a shell for the cloud platform's account-management API

Usage:
  tenant-shell                 log in (questions), then a REPL
  tenant-shell --emulator      log in to the embedded emulator without asking
  tenant-shell --eval CODE     log in, run CODE as one cell, print its result, exit
  tenant-shell --run FILE      log in, replay a saved notebook (.md or .ipynb) cell by cell
  tenant-shell kernel …        a Jupyter kernel: kernel install [--user|--prefix DIR] [--emulator],
                               kernel uninstall, kernel list (tenant-shell kernel --help)

Login:
  --url URL            data center URL (with or without /api/2)
  --client-id ID       API client id (the secret comes from TENANT_SHELL_CLIENT_SECRET)
  --profile NAME       a saved profile (URL and client id)
  --emulator           the embedded emulator
  --no-input           never ask; fail naming what is missing
  --timeout SECONDS    the time one call may take, retries included (default 60)

Shell:
  --eval, -e CODE      one-shot mode       --json     print the result as JSON
  --yes, -y            answer yes to confirmations
  --verbose            log every call       --debug    stack traces on errors

One-shot (--eval): stdout holds only the result (a string as it is; JSON with --json); what
the code prints, the helpers' remarks and errors go to stderr, masked like everything else.
Exit 0 when the code succeeded; 1 when it threw, an error escaped it, its result has no JSON
form under --json, or a tree-wide change it ran ended with failed tenants; 130 after Ctrl+C
(SIGINT), 143 after SIGTERM, each once the summary, the report and the call that finishes the
work are on stderr. Work the code starts without awaiting it is not waited for.

Notebooks:
  --save FILE          save the session on exit (or after --eval / --run): .md, .ipynb,
                       .ts, .py or .sh, by the extension
  --run FILE           replay FILE's cells in order; stops at the first cell that fails
  --check              with --run: compare each result with the recorded one (exit 1 if any differs)
  --help, -h           this text            --version  the version

Environment: TENANT_SHELL_URL, TENANT_SHELL_CLIENT_ID, TENANT_SHELL_CLIENT_SECRET,
TENANT_SHELL_HISTORY (history file), TENANT_SHELL_CONFIG_DIR (profiles),
TENANT_SHELL_TIMEOUT (seconds, as --timeout).`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        secret: { type: 'string' },
        profile: { type: 'string' },
        emulator: { type: 'boolean' },
        'no-input': { type: 'boolean' },
        timeout: { type: 'string' },
        eval: { type: 'string', short: 'e' },
        run: { type: 'string' },
        check: { type: 'boolean' },
        save: { type: 'string' },
        json: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        verbose: { type: 'boolean' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    throw new UsageError(
      `${message.replace(/\.$/, '')}.`,
      'tenant-shell --help lists the options.',
    );
  }
}

/** Set by one-shot mode, whose process ends as soon as its result is out. */
let leaveAtOnce = false;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'kernel') {
    leaveAtOnce = true; // a kernel that has shut down leaves, whatever its cells started
    return (await import('./kernel/command.ts')).kernelCommand(argv.slice(1));
  }
  const flags = parse(argv);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.version) {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const timeoutMs = (await import('./call-timeout.ts')).callTimeoutMs(flags.timeout, process.env);
  const oneShot = flags.eval !== undefined;
  const replay = flags.run;
  checkNotebookFlags(flags);
  const interactive =
    !oneShot && !flags['no-input'] && process.stdin.isTTY === true && process.stdout.isTTY === true;
  // Side remarks go to stderr in one-shot mode, so stdout holds only the result.
  const { visible } = await import('./ui/visible.ts');
  const print = (line: string) =>
    (oneShot ? process.stderr : process.stdout).write(`${visible(line)}\n`);

  // A notebook that cannot be read is said before logging in.
  const notebook =
    replay === undefined
      ? undefined
      : await (await import('./notebook/parse-notebook.ts')).readNotebook(replay);

  const { login } = await import('./auth/login.ts');
  const doLogin = (): Promise<Session> =>
    login({
      flags: {
        url: flags.url,
        clientId: flags['client-id'],
        clientSecret: flags['client-secret'] ?? flags.secret,
        profile: flags.profile,
        emulator: flags.emulator,
      },
      env: process.env,
      interactive,
      // The tenant's name is for the prompt: a one-shot run has none, and saves the round trip.
      describeTenant: !oneShot,
      print,
      timeoutMs,
    });
  const session = await doLogin();
  if (session.tenantName)
    print(
      `Logged in to ${session.dataCenter.label}: tenant '${session.tenantName}' (${session.tenantKind}).`,
    );

  if (oneShot) {
    leaveAtOnce = true;
    const { runOneShot } = await import('./one-shot.ts');
    try {
      return await runOneShot(
        session,
        flags.eval ?? '',
        {
          json: !!flags.json,
          yes: !!flags.yes,
          debug: !!flags.debug,
          verbose: !!flags.verbose,
          save: flags.save,
        },
        (file, runner) => saveOnExit(file, runner.state.saveSource(), print),
      );
    } finally {
      await session.client.close().catch(() => {});
      await session.emulator?.close();
    }
  }

  if (replay !== undefined) {
    const { replayNotebook } = await import('./notebook/replay.ts');
    try {
      return await replayNotebook({
        file: replay,
        notebook,
        check: !!flags.check,
        session,
        output: process.stdout,
        assumeYes: !!flags.yes,
        debug: !!flags.debug,
        verbose: !!flags.verbose,
        save: flags.save,
      });
    } finally {
      await session.client.close().catch(() => {});
      await session.emulator?.close();
    }
  }

  const { startShell } = await import('./repl/shell.ts');
  print('Type .help for the helpers, .guide for the tutorials.');
  const { server, state } = startShell({
    session,
    debug: !!flags.debug,
    verbose: !!flags.verbose,
    assumeYes: !!flags.yes,
    // `.login` asks again: the profiles stay, credentials from the environment do not decide.
    relogin: interactive
      ? (context) =>
          login({
            flags: {},
            env: { ...process.env, TENANT_SHELL_URL: undefined, TENANT_SHELL_CLIENT_ID: undefined },
            interactive: true,
            context,
            print: (l) => process.stdout.write(`${l}\n`),
            timeoutMs,
          })
      : undefined,
  });
  await new Promise<void>((resolve) => server.on('exit', resolve));
  let status = 0;
  if (flags.save) status = await saveOnExit(flags.save, state.saveSource(), print);
  // The current session: `.login` may have replaced the first one (and closed its emulator).
  await state.session.emulator?.close();
  return status;
}

/** `--run`, `--check` and `--save` make sense only together in some ways: one sentence if not. */
function checkNotebookFlags(flags: ReturnType<typeof parse>): void {
  if (flags.run !== undefined && flags.eval !== undefined) {
    throw new UsageError('--run and --eval cannot go together: replay a notebook, or run code.');
  }
  if (flags.check && flags.run === undefined) {
    throw new UsageError('--check compares a replay with its recording: use it with --run FILE.');
  }
  if (flags.run !== undefined && !/\.(md|ipynb)$/i.test(flags.run)) {
    throw new UsageError(
      `--run reads a notebook saved as .md or .ipynb, not '${flags.run}' (scripts run on their own).`,
    );
  }
  if (flags.save !== undefined && !/\.(md|ipynb|ts|py|sh)$/i.test(flags.save)) {
    throw new UsageError(
      `--save takes a file ending in .md, .ipynb, .ts, .py or .sh (the extension says the format), not '${flags.save}'.`,
    );
  }
}

async function saveOnExit(
  file: string,
  source: import('./notebook/save.ts').SaveSource,
  print: (line: string) => void,
): Promise<number> {
  const { saveNotebook } = await import('./notebook/save.ts');
  try {
    print((await saveNotebook(file, source)).message);
    return 0;
  } catch (error) {
    print(error instanceof TenantShellError ? `✖ ${error.message}` : String(error));
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A one-shot run is over once its result is written, whatever the code left running
    // (a timer, a socket it opened): the contract says so, and a CI job must not hang.
    if (leaveAtOnce) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof TenantShellError) {
      const cancelled = error.code === 'E_CANCELLED';
      process.stderr.write(
        `${cancelled ? '' : '✖ '}${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`,
      );
      process.exitCode = cancelled ? 130 : 1;
      return;
    }
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
