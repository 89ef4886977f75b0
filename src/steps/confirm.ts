// The one way a helper asks before a change that locks users out, deletes, or cannot be
// undone: `{yes: true}` (or the session's --yes) answers it; without a terminal and without
// it, one sentence naming {yes: true}; in a terminal, what will happen, then a yes/no.
import { UsageError } from '../api/errors.ts';
import { expectBoolean } from './args.ts';
import type { StepSession } from './session.ts';

/** `{yes}` as given, or the session's --yes. */
export function yesOf(session: StepSession, helper: string, value: unknown): boolean {
  return value === undefined ? session.assumeYes : expectBoolean(helper, 'yes', value);
}

export interface Confirmation {
  helper: string;
  yes: boolean;
  /** "disables Cyber Protection for 'X' and deletes its data": what the refusal names. */
  what: string;
  /** The lines shown before the question: this tenant's name and numbers. */
  explain: string;
  question: string;
}

/**
 * True when the change may go ahead. False when the user said no (and was told nothing was
 * sent). Throws, before anything is sent, when there is no one to ask and no {yes: true}.
 */
export async function confirmChange(session: StepSession, c: Confirmation): Promise<boolean> {
  if (c.yes) return true;
  if (!session.ask) {
    throw new UsageError(`${c.helper} ${c.what}; without a terminal to confirm, pass {yes: true}.`);
  }
  session.note(c.explain);
  const go = await session.ask.confirm(c.question, false);
  if (!go) session.note('Nothing was sent.');
  return go;
}

/** "1 user", "3 users". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A string literal as the user would type it back in a call (for undo lines). */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
