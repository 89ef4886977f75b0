// `--run FILE --check`: is a replayed cell the same as the recorded one? What differs by nature
// between two runs is not a difference:
//   - UUIDs: each side's ids are numbered in order of first appearance (<id-1>, <id-2>...), so
//     "the tenant created in cell 4 is the one enabled in cell 7" is still checked;
//   - ISO timestamps (<time>), data center origins such as the emulator's port (<origin>),
//     masked tokens (<token>) and call durations (<ms>).
// Versions, counts, names, statuses and the calls made (method, path, status) are compared.

import type { Cell, NotebookCall } from './cells.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const ORIGIN = /https?:\/\/[A-Za-z0-9.[\]:-]+/g;
const MASKED_TOKEN = /eyJ[A-Za-z0-9_-]*…/g;
const DURATION = /\d+(?:\.\d+)? ms\b/g;
const TOKEN_PATH = /\/idp\/token\b/;

/** One side's normalisation: its own numbering of ids, kept across the cells of a run. */
export class Normaliser {
  readonly #ids = new Map<string, string>();

  text(text: string): string {
    return text
      .replace(UUID, (id) => {
        const key = id.toLowerCase();
        let name = this.#ids.get(key);
        if (!name) {
          name = `<id-${this.#ids.size + 1}>`;
          this.#ids.set(key, name);
        }
        return name;
      })
      .replace(ISO_TIME, '<time>')
      .replace(ORIGIN, '<origin>')
      .replace(MASKED_TOKEN, '<token>')
      .replace(DURATION, '<ms>')
      .replace(/[ \t]+$/gm, '');
  }

  /** Token requests come and go with the token's lifetime: not part of what a cell does. */
  calls(calls: readonly NotebookCall[]): string {
    return calls
      .filter((c) => !TOKEN_PATH.test(c.path))
      .map((c) => this.text(`${c.method} ${c.path} → ${c.status ?? c.error?.code ?? '?'}`))
      .join('\n');
  }
}

export interface Difference {
  /** What differs: `Out[4]`, `Err[4]`, `printed`, `calls`. */
  part: string;
  recorded: string;
  now: string;
}

function part(cell: Cell, key: 'printed' | 'output' | 'error'): string {
  if (key === 'printed') return cell.printed.join('\n');
  if (key === 'output') return cell.output ?? '';
  return cell.error?.text ?? '';
}

/**
 * The differences between a recorded cell and its replay. Normalisers are per side and shared
 * across the cells of a run. Calls are compared only when the recording lists some (a
 * notebook written by hand may not).
 */
export function compareCells(
  recorded: Cell,
  now: Cell,
  sides: { recorded: Normaliser; now: Normaliser },
): Difference[] {
  const differences: Difference[] = [];
  const parts = [
    ['printed', 'printed'],
    ['output', `Out[${recorded.n}]`],
    ['error', `Err[${recorded.n}]`],
  ] as const;
  for (const [key, name] of parts) {
    const a = sides.recorded.text(part(recorded, key));
    const b = sides.now.text(part(now, key));
    if (a !== b) differences.push({ part: name, recorded: a, now: b });
  }
  if (recorded.calls.length > 0) {
    const a = sides.recorded.calls(recorded.calls);
    const b = sides.now.calls(now.calls);
    if (a !== b) differences.push({ part: 'calls', recorded: a, now: b });
  }
  return differences;
}

/** The lines that differ, `- recorded` and `+ now`, indented for the report. */
export function describeDifference(difference: Difference, indent = '    '): string[] {
  const a = difference.recorded.split('\n');
  const b = difference.now.split('\n');
  const lines = [`${indent}${difference.part} differs:`];
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) lines.push(`${indent}- ${a[i]}`);
    if (b[i] !== undefined) lines.push(`${indent}+ ${b[i]}`);
  }
  if (difference.recorded === '') lines.push(`${indent}(nothing was recorded)`);
  if (difference.now === '') lines.push(`${indent}(nothing now)`);
  return lines;
}
