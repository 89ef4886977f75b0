// `tenant-shell --run FILE.md|.ipynb [--check] [--save OUT]`: a saved notebook's cells, in
// order, against the current login, through the one cell runner every front end uses (so
// declarations, top-level await and `Out[n]` behave as they did when typed). No questions are
// asked: a confirmation needs `--yes` or `{yes: true}` in the cell, as in one-shot mode.
//
// It stops at the first cell that fails where the notebook recorded no error; a cell recorded
// with an error may fail again (that is what it showed). With --check, each cell is compared
// with its recording (compare.ts says what counts as a difference).

import type { Session } from '../auth/login.ts';
import { CellRunner } from '../cell/runner.ts';
import { shownError } from '../cell/state.ts';
import { visible } from '../ui/visible.ts';
import type { Cell, Notebook } from './cells.ts';
import { compareCells, describeDifference, Normaliser } from './compare.ts';
import { readNotebook } from './parse-notebook.ts';
import { saveNotebook } from './save.ts';

export interface ReplayOptions {
  file: string;
  /** Already read (main reads it before logging in, to fail fast); else read from `file`. */
  notebook?: Notebook;
  check: boolean;
  session: Session;
  /** Where the cells, their output and the report go. */
  output: NodeJS.WritableStream;
  assumeYes?: boolean;
  debug?: boolean;
  verbose?: boolean;
  /** Save the replayed session there afterwards (any format `.save` takes). */
  save?: string;
}

/** `In [3]: first line` and `   ...: the rest`, as IPython shows an input. */
function showInput(cell: Cell): string {
  // A notebook is a file from outside: its text is shown, its control characters not obeyed.
  const [first = '', ...rest] = visible(cell.input).split('\n');
  const pad = ' '.repeat(`In [${cell.n}]`.length - 3);
  return [`In [${cell.n}]: ${first}`, ...rest.map((l) => `${pad}...: ${l}`)].join('\n');
}

function showOutput(cell: Cell): string | undefined {
  if (cell.output === undefined) return undefined;
  return cell.output.includes('\n')
    ? `Out[${cell.n}]:\n${cell.output}`
    : `Out[${cell.n}]: ${cell.output}`;
}

export async function replayNotebook(options: ReplayOptions): Promise<number> {
  const notebook = options.notebook ?? (await readNotebook(options.file));
  const runner = new CellRunner({
    session: options.session,
    print: (text) => options.output.write(text),
    verbose: options.verbose,
    assumeYes: options.assumeYes,
  });
  const { state } = runner;
  const print = (line: string) => options.output.write(`${state.redact(visible(line))}\n`);
  const sides = { recorded: new Normaliser(), now: new Normaliser() };
  const differing: number[] = [];
  let stoppedAt: number | undefined;
  let status = 0;

  try {
    for (const recorded of notebook.cells) {
      state.cells.numberNext(recorded.n);
      print(showInput(recorded));
      const outcome = await runner.run(recorded.input, { complete: true });
      if (outcome.status === 'incomplete') throw new Error('a complete cell cannot be incomplete');
      const { cell } = outcome;
      if (outcome.status === 'error') print(shownError(outcome.error, cell, options.debug));
      const shown = showOutput(cell);
      if (shown) print(shown);
      if (options.check) {
        const differences = compareCells(recorded, cell, sides);
        if (differences.length > 0) {
          differing.push(recorded.n);
          print(`  ✖ cell [${recorded.n}] differs from the recording:`);
          for (const d of differences) for (const line of describeDifference(d)) print(line);
        }
      }
      if (cell.error && !recorded.error) {
        stoppedAt = recorded.n;
        break;
      }
      print('');
    }

    const ran = state.cells.cells.length;
    const total = notebook.cells.length;
    if (stoppedAt !== undefined) {
      print(
        `Stopped at cell [${stoppedAt}]: it failed (above), where the notebook recorded no error (${ran} of ${total} cells ran).`,
      );
      status = 1;
    } else if (options.check && differing.length > 0) {
      print(
        `Replayed ${ran} cells: ${differing.length} differ from the recording (cell${differing.length === 1 ? '' : 's'} ${differing.join(', ')}).`,
      );
      status = 1;
    } else if (options.check) {
      print(`Replayed ${ran} cells: every result matches the recording.`);
    } else print(`Replayed ${ran} cells of ${options.file}.`);

    if (options.save) {
      try {
        print((await saveNotebook(options.save, state.saveSource())).message);
      } catch (error) {
        print((error as Error).message);
        status = 1;
      }
    }
  } finally {
    runner.dispose();
  }
  return status;
}
