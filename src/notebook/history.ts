// `.history`: one line per cell of the session, enough to find the cell you want in Out[n].
import type { Cell } from './cells.ts';

const INPUT_WIDTH = 44;
const RESULT_WIDTH = 56;

/** `text` on one line, shortened with an ellipsis to `width` characters. */
export function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** What a cell answered, in a few words: its value, its error, or what it printed. */
export function summarise(cell: Cell): string {
  if (cell.error) return `✖ ${oneLine(cell.error.message, RESULT_WIDTH - 2)}`;
  if (cell.output !== undefined) return oneLine(cell.output, RESULT_WIDTH);
  if (cell.printed.length > 0)
    return `(printed) ${oneLine(cell.printed.join(' '), RESULT_WIDTH - 10)}`;
  return '(nothing)';
}

function callCount(cell: Cell): string {
  const n = cell.calls.length;
  return n === 0 ? '' : `  · ${n} call${n === 1 ? '' : 's'}`;
}

export function historyLines(cells: readonly Cell[]): string[] {
  if (cells.length === 0) return ['No cells yet: every input you evaluate becomes one.'];
  const width = String(cells.at(-1)?.n ?? 1).length + 2;
  return cells.map(
    (cell) =>
      `${`[${cell.n}]`.padEnd(width)} ${oneLine(cell.input, INPUT_WIDTH).padEnd(INPUT_WIDTH)}  → ${summarise(cell)}${callCount(cell)}`,
  );
}
