// Alternating rounds and the verdicts of the start-up benchmark (scripts/bench-startup.ts): every
// variant runs once per round, in an order rotated each round, so drift in the machine's load hits
// all alike; a ratio is the median of the per-round ratios, steadier than a ratio of medians on a
// shared machine.
import { median } from './bench-lib.ts';

/** One measurement of one run: named figures in ms (e.g. exit, result). */
export type Sample = Record<string, number>;

/** The order of the variants in round `round`: rotated by one each round. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const k = ((round % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Runs `warmup` rounds that are not counted (caches filled, files read), then `rounds` rounds;
 * answers each variant's samples, in round order.
 */
export async function alternate(
  names: readonly string[],
  run: (name: string) => Promise<Sample>,
  rounds: number,
  warmup = 1,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of rotation(names, round)) {
      const sample = await run(name);
      if (round >= warmup) samples.get(name)?.push(sample);
    }
  }
  return samples;
}

/** The median of one figure over a variant's samples (NaN when no sample has it). */
export function medianOf(samples: readonly Sample[] | undefined, key: string): number {
  return median((samples ?? []).map((s) => s[key]).filter((x): x is number => x !== undefined));
}

/** The median of the per-round ratios a[key] / b[key] (rounds where either lacks it are left out). */
export function ratioOf(
  a: readonly Sample[] | undefined,
  b: readonly Sample[] | undefined,
  key: string,
  keyB = key,
): number {
  const ratios: number[] = [];
  const n = Math.min(a?.length ?? 0, b?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const x = a?.[i]?.[key];
    const y = b?.[i]?.[keyB];
    if (x !== undefined && y !== undefined && y > 0) ratios.push(x / y);
  }
  return median(ratios);
}

/**
 * "met" or how far off, for a figure that must be at most `limit`: `0.52 (met, ≤ 0.6)`,
 * `0.72 (missed by 0.12, ≤ 0.6)`. `unit` '' for ratios, ' ms' for times.
 */
export function verdict(value: number, limit: number, unit: '' | ' ms'): string {
  const show = (x: number) => (unit ? `${x.toFixed(0)} ms` : x.toFixed(2));
  if (!Number.isFinite(value)) return 'not measured';
  return value <= limit
    ? `**${show(value)}** (met, ≤ ${show(limit)})`
    : `**${show(value)}** (missed by ${show(value - limit)}, ≤ ${show(limit)})`;
}
