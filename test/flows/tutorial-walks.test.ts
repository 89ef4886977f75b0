// Every shipped tutorial walked to its end by the .guide engine, through the one cell runner
// against the emulator, answering only its own questions (each with what the file suggests),
// one after the other in one session as a user would: a walk that moved tenant_id does not
// break the next. And the answers a user types go into a cell as literals, never as code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../src/auth/login.ts';
import { CellRunner } from '../../src/cell/runner.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { loadCatalogue } from '../../src/tutorial/catalogue.ts';
import { TutorialGuide, textLiteral, withAnswer } from '../../src/tutorial/guide.ts';
import type { Asker } from '../../src/ui/asker.ts';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

/** A user who takes every suggested answer and says yes, keeping a list of what was asked. */
function suggestedAnswers(asked: string[]): Asker {
  return {
    select: async (message, choices, defaultValue) => {
      asked.push(message);
      const first = choices[0];
      if (!first) throw new Error(`no choices for ${message}`);
      return defaultValue ?? first.value;
    },
    input: async (message, opts = {}) => {
      asked.push(message);
      return opts.default ?? 'typed';
    },
    confirm: async (message) => {
      asked.push(message);
      return true;
    },
  };
}

describe('every tutorial, walked', () => {
  it('reaches its end answering only its questions, one after another in one session', async () => {
    const { tutorials, broken } = loadCatalogue();
    expect(broken).toEqual([]);
    expect(tutorials.length).toBeGreaterThanOrEqual(20);
    const session = await login({
      flags: { emulator: true },
      env: {},
      interactive: false,
      print: () => {},
      startEmulator: async () => ({ ...emulator, close: async () => {} }),
    });
    const printed: string[] = [];
    const asked: string[] = [];
    const asker = suggestedAnswers(asked);
    const runner = new CellRunner({ session, print: (t) => printed.push(t), asker });
    const guide = new TutorialGuide();
    try {
      for (const tutorial of tutorials) {
        const before = asked.length;
        const outcome = await guide.walk(tutorial.name, {
          runner,
          asker,
          write: (t) => printed.push(t),
        });
        expect(outcome, `${tutorial.name}:\n${printed.slice(-12).join('\n')}`).toBe('done');
        const questions = tutorial.steps
          .flatMap((s) => s.cells)
          .reduce((n, c) => n + c.asks.length + (c.confirm === undefined ? 0 : 1), 0);
        expect(asked.length - before, tutorial.name).toBe(questions);
      }
      expect(guide.listing()).not.toMatch(/^ {4}\S/m);
    } finally {
      runner.dispose();
      await session.client.close();
    }
  }, 60_000);
});

describe('an answer in a cell', () => {
  it('is a literal: quotes, backslashes, newlines and placeholders stay text', () => {
    const cell = "tenant_name = 'My Test Customer'  // the name\nawait createTenant(tenant_name)";
    expect(withAnswer(cell, 'tenant_name', textLiteral('Acme'))).toBe(
      "tenant_name = 'Acme'  // the name\nawait createTenant(tenant_name)",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder typed as an answer
    const placeholder = '${process.exit(3)}';
    for (const hostile of ["O'Brien", 'a\\b', 'two\nlines', placeholder, "'); x('"]) {
      const literal = textLiteral(hostile);
      // biome-ignore lint/security/noGlobalEval: checks the literal is one string, as the cell reads it
      expect(eval(literal)).toBe(hostile);
      expect(withAnswer(cell, 'tenant_name', literal).split('\n')).toHaveLength(2);
    }
  });
});
