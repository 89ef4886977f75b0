// The README's helper and tutorial tables are the front door: they must name what the shell
// has, so they are checked against the registry and the shipped tutorials.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELPERS, TOPICS } from '../../src/steps/registry.ts';
import { loadCatalogue } from '../../src/tutorial/catalogue.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** From a heading to the next one named (the Tutorials section shows a tutorial's own `## `s). */
const section = (heading: string, next: string) => {
  const start = readme.indexOf(`\n## ${heading}\n`);
  const end = readme.indexOf(`\n## ${next}`, start + 1);
  expect(start, heading).toBeGreaterThan(-1);
  expect(end, next).toBeGreaterThan(start);
  return readme.slice(start, end);
};
const names = (cell: string) => [...cell.matchAll(/`([\w$]+)`/gu)].map((m) => m[1]);

describe('README', () => {
  it('lists every helper under its topic in Helpers', () => {
    const text = section('Helpers', 'Tree-wide changes');
    for (const topic of TOPICS) {
      const expected = HELPERS.filter((h) => h.topic === topic).map((h) => h.name);
      if (expected.length === 0) continue;
      const row = text.split('\n').find((l) => l.startsWith(`| ${topic} |`));
      expect(row, topic).toBeDefined();
      expect(names(row ?? '').sort(), topic).toEqual([...expected].sort());
    }
  });

  it("has a row per tutorial with its section, page and the page's helpers", () => {
    const text = section('Tutorials', 'One-shot mode');
    const { tutorials, broken } = loadCatalogue();
    expect(broken).toEqual([]);
    for (const t of tutorials) {
      const row = text
        .split('\n')
        .find((l) => l.startsWith(`| [\`${t.name}\`](tutorials/${t.name}.md) |`));
      expect(row, t.name).toBeDefined();
      const cells = (row ?? '').split(' | ');
      expect(cells[1], t.name).toBe(t.section);
      expect(cells[2], t.name).toContain(`](${t.page})`);
      const expected = HELPERS.filter((h) => h.tutorial === t.name).map((h) => h.name);
      expect(names(cells[3] ?? '').sort(), t.name).toEqual([...expected].sort());
    }
  });
});
