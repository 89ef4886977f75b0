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
