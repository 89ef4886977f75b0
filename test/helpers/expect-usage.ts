import { expect } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import type { TestShell } from './step-session.ts';

/** The promise fails with a UsageError: one sentence (one line, a full stop) matching `says`. */
export async function expectSentence(promise: Promise<unknown>, says: RegExp): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  const message = (error as Error).message;
  expect(message).toMatch(says);
  expect(message).not.toContain('\n');
  expect(message).toMatch(/[.?]$/);
  return error as Error;
}

/** As expectSentence, and the helper sent no call at all before answering. */
export async function expectRefusedBeforeSending(
  shell: TestShell,
  promise: Promise<unknown>,
  says: RegExp,
): Promise<void> {
  const before = shell.calls.length;
  await expectSentence(promise, says);
  expect(shell.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([]);
}

/** The calls made since `from` that change something (not GET). */
export function changesSince(shell: TestShell, from: number): string[] {
  return shell.calls
    .slice(from)
    .filter((c) => c.method !== 'GET')
    .map((c) => `${c.method} ${c.path}`);
}

/** An Asker that answers every yes/no with `answer` and records the questions. */
export function answering(answer: boolean) {
  const asked: string[] = [];
  return {
    asked,
    ask: {
      confirm: async (question: string) => {
        asked.push(question);
        return answer;
      },
      select: async () => {
        throw new Error('no select expected');
      },
      input: async () => {
        throw new Error('no input expected');
      },
    },
  };
}

/** A terminal user who picks the choice whose name matches `pick`, types `type` and says `yes`. */
export function scripted(answers: { pick?: RegExp; type?: string[]; yes?: boolean }) {
  const asked: string[] = [];
  const typed = [...(answers.type ?? [])];
  return {
    asked,
    ask: {
      confirm: async (question: string) => {
        asked.push(question);
        return answers.yes ?? false;
      },
      select: async <T>(question: string, choices: Array<{ name: string; value: T }>) => {
        asked.push(question);
        const choice = choices.find((c) => answers.pick?.test(c.name));
        if (!choice)
          throw new Error(`no choice matches in: ${choices.map((c) => c.name).join(' | ')}`);
        return choice.value;
      },
      input: async (question: string, opts?: { validate?: (v: string) => true | string }) => {
        asked.push(question);
        const text = typed.shift();
        if (text === undefined) throw new Error(`nothing to type for: ${question}`);
        const valid = opts?.validate?.(text) ?? true;
        if (valid !== true) throw new Error(`the question refused '${text}': ${valid}`);
        return text;
      },
    },
  };
}
