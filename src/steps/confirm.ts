// The one confirmation of the user helpers, as setMfa asks its own: before a change that locks
// a user out, deletes, or cannot be undone. `{yes: true}` or the session's --yes answer it;
// without a terminal and without either, the helper stops with a sentence naming {yes: true}.
import { UsageError } from '../api/errors.ts';
import { expectBoolean } from './args.ts';
import type { StepSession } from './session.ts';

export interface Confirmation {
  helper: string;
  /** The `yes` option as given (undefined: the session's assumeYes decides). */
  yes: unknown;
  /** What it will do, with this user's login and tenant: shown before the question. */
  consequence: string;
  /** The question, answered y/N (no by default). */
  question: string;
}

/** True to go on; false when the user answered no (a note says nothing was sent). */
export async function confirmChange(session: StepSession, c: Confirmation): Promise<boolean> {
  const yes = c.yes === undefined ? session.assumeYes : expectBoolean(c.helper, 'yes', c.yes);
  if (yes) return true;
  if (!session.ask) {
    throw new UsageError(
      `${c.consequence} Without a terminal to confirm, pass {yes: true} to ${c.helper}.`,
    );
  }
  session.note(c.consequence);
  const go = await session.ask.confirm(c.question, false);
  if (!go) session.note('Nothing was sent.');
  return go;
}

/** The `yes` option checked up front, so a wrong one is refused before any call is sent. */
export function checkYes(helper: string, yes: unknown): void {
  if (yes !== undefined) expectBoolean(helper, 'yes', yes);
}
