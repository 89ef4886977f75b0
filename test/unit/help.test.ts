import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helperDoc, helpFor, helpText } from '../../src/steps/help.ts';
import { HELPERS, TOPICS } from '../../src/steps/registry.ts';
import { TUTORIALS_DIR } from '../../src/tutorial/catalogue.ts';

describe('.help', () => {
  it('lists every helper once, under its topic, topics in the journey order', () => {
    const text = helpText();
    const headings = text
      .split('\n')
      .filter((l) => /^[A-Z].*:$/u.test(l) && l !== 'Commands:' && !l.startsWith('Helpers'));
    const order = headings.map((h) => TOPICS.indexOf(h.slice(0, -1) as (typeof TOPICS)[number]));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const helper of HELPERS) {
      const lines = text.split('\n').filter((l) => l.startsWith(`  ${helper.name} `));
      expect(lines, helper.name).toHaveLength(1);
      // Under its own topic's heading: the nearest heading above the line.
      const at = text.split('\n').indexOf(lines[0] ?? '');
      const above = text
        .split('\n')
        .slice(0, at)
        .reverse()
        .find((l) => /^[A-Z].*:$/u.test(l));
      expect(above, helper.name).toBe(`${helper.topic}:`);
    }
  });

  it('.help NAME shows the summary, the page with its link and the example', () => {
    const text = helpFor('setMfa');
    expect(text).toContain('Two-factor authentication');
    expect(text).toContain('{yes: true} answers it');
    expect(text).toMatch(
      /Page: Toggling two-factor authentication for a tenant, step 5 \(https:\/\//u,
    );
    expect(text).toContain('.guide toggling-tenant-2fa');
    expect(text).toContain('Example: await setMfa(true)');
  });

  it('an unknown name gets one sentence, its control characters made visible', () => {
    const text = helpFor('mfa\u001b[2J');
    expect(text.split('\n')).toHaveLength(1);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b');
    expect(helpFor('mfa')).toContain('Did you mean setMfa, getMfa, setUserMfa?');
  });

  it("every helper's tutorial is a shipped tutorial, and its doc names that page", () => {
    for (const helper of HELPERS) {
      if (!helper.tutorial) continue;
      expect(existsSync(`${TUTORIALS_DIR}/${helper.tutorial}.md`), helper.name).toBe(true);
      expect(helperDoc(helper.name)?.markdown, helper.name).toContain(`.guide ${helper.tutorial}`);
    }
  });
});
