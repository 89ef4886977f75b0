// `tenant-shell --eval CODE`: one cell, run by the same runner as the REPL's, for scripts and CI.
// The contract (README, `--help`):
// - stdout holds only the result (JSON with --json); what the code prints, the helpers'
//   remarks and errors go to stderr; all of it masked;
// - exit 0 when the code succeeded; 1 when it threw, when an error escaped it (a timer's), or
//   when a tree-wide change it ran ended with failed tenants (the summary still on stdout);
// - 130 after SIGINT, 143 after SIGTERM (129 after SIGHUP), once the cell has wound down: what a
//   tree-wide change did (its summary, the report's path and the call that finishes the work)
//   is printed to stderr first, and the report is marked interrupted;
// - the process exits as soon as the result is written.

import type { Session } from './auth/login.ts';
import { CellRunner } from './cell/runner.ts';
import { shownError } from './cell/state.ts';
import { runTerminateHooks } from './lifecycle.ts';
import { formatResult } from './ui/format.ts';
import { toJsonText } from './ui/json.ts';

export interface OneShotOptions {
  json: boolean;
  yes: boolean;
  debug: boolean;
  verbose: boolean;
  save?: string;
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type Signal = keyof typeof SIGNALS;

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** Runs the code as cell 1 and answers the exit code. */
export async function runOneShot(
  session: Session,
  code: string,
  opts: OneShotOptions,
  saveOnExit: (file: string, runner: CellRunner) => Promise<number>,
): Promise<number> {
  const runner = new CellRunner({
    session,
    // Everything the code prints is a remark here: stdout is for the result alone.
    print: (text) => process.stderr.write(text),
    verbose: opts.verbose,
    assumeYes: opts.yes,
  });
  const say = (line: string) => process.stderr.write(`${runner.state.redact(line)}\n`);

  let signalled: Signal | undefined;
  const handlers = (Object.keys(SIGNALS) as Signal[]).map((name) => {
    const handler = () => {
      if (signalled && name === signalled && runner.interrupt()) return; // a second Ctrl+C cuts
      signalled ??= name;
      if (!runner.interrupt()) {
        // Not in the cell (logging out, saving): nothing to wind down.
        runTerminateHooks();
        process.exit(128 + SIGNALS[name]);
      }
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });

  let status = 0;
  const outcome = await runner.run(code, { complete: true });
  if (outcome.status === 'incomplete') throw new Error('a complete cell cannot be incomplete');

  // A synchronous loop broken by Ctrl+C: the signal went to V8's watchdog, not to us.
  if (!signalled && outcome.interrupted) signalled = 'SIGINT';
  if (signalled) {
    // Interrupted: what was done is said on stderr, the result is not a result.
    const told = new Set<string>();
    for (const change of outcome.treeChanges) {
      const text = change.describe();
      told.add(text);
      say(text);
    }
    if (outcome.status === 'error') say(shownError(outcome.error, outcome.cell, opts.debug));
    else if (outcome.value !== undefined && told.size === 0)
      say(formatResult(outcome.value, false));
    runTerminateHooks();
    status = 128 + SIGNALS[signalled];
  } else if (outcome.status === 'error') {
    say(shownError(outcome.error, outcome.cell, opts.debug));
    status = 1;
  } else {
    const shown = show(outcome.value, opts.json);
    if ('problem' in shown) {
      say(`✖ ${shown.problem}`);
      status = 1;
    } else if (shown.text !== undefined) {
      await write(process.stdout, `${runner.state.redact(shown.text)}\n`);
    }
    if (outcome.treeChanges.some((change) => change.failed > 0)) status = 1;
  }
  if (runner.strayErrors > 0 && status === 0) status = 1;

  if (opts.save) status = Math.max(status, await saveOnExit(opts.save, runner));
  for (const off of handlers) off();
  runner.dispose();
  return status;
}

/** The result as stdout gets it: JSON, a string as it is (as `node -p` does), or as the REPL shows it. */
function show(value: unknown, json: boolean): { text?: string } | { problem: string } {
  if (json) return toJsonText(value);
  if (value === undefined) return {};
  if (typeof value === 'string') return { text: value };
  return { text: formatResult(value, false) };
}
