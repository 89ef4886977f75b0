// The start-up benchmark's rounds and verdicts (scripts/bench-rounds.ts): the order rotates so
// every variant runs in every position, warm-up rounds are not counted, a ratio is the median of
// per-round ratios, and a verdict states the distance to the target.
import { describe, expect, it } from 'vitest';
import { alternate, medianOf, ratioOf, rotation, verdict } from '../../scripts/bench-rounds.ts';

describe('alternating rounds', () => {
  it('rotates the order by one each round, every variant in every position', () => {
    expect(rotation(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotation(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotation(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(rotation([], 3)).toEqual([]);
  });

  it('runs the warm-up rounds first and keeps only the counted ones, in round order', async () => {
    const order: string[] = [];
    let n = 0;
    const samples = await alternate(
      ['a', 'b'],
      async (name) => {
        order.push(name);
        return { exit: n++ };
      },
      2,
      1,
    );
    expect(order).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    expect(samples.get('a')).toEqual([{ exit: 3 }, { exit: 4 }]);
    expect(samples.get('b')).toEqual([{ exit: 2 }, { exit: 5 }]);
  });

  it('a ratio is the median of per-round ratios, not the ratio of the medians', () => {
    const a = [{ exit: 100 }, { exit: 300 }, { exit: 120 }];
    const b = [{ exit: 200 }, { exit: 300 }, { exit: 100 }];
    // per round 0.5, 1.0, 1.2: median 1.0; medians 120 / 200 would say 0.6
    expect(ratioOf(a, b, 'exit')).toBe(1);
    expect(medianOf(a, 'exit')).toBe(120);
    // Rounds lacking the figure are left out.
    expect(medianOf([{ exit: 1 }, { exit: 3, result: 2 }], 'result')).toBe(2);
    expect(ratioOf([{ prompt: 150 }], [{ exit: 100 }], 'prompt', 'exit')).toBe(1.5);
    expect(Number.isNaN(ratioOf([], b, 'exit'))).toBe(true);
  });

  it('says met, or by how much it is missed', () => {
    expect(verdict(0.52, 0.6, '')).toBe('**0.52** (met, ≤ 0.60)');
    expect(verdict(0.72, 0.6, '')).toBe('**0.72** (missed by 0.12, ≤ 0.60)');
    expect(verdict(181.4, 160, ' ms')).toBe('**181 ms** (missed by 21 ms, ≤ 160 ms)');
    expect(verdict(Number.NaN, 160, ' ms')).toBe('not measured');
  });
});
