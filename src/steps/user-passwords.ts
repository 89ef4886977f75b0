// Activation and passwords: the pages "Activating a user account" (by an e-mailed link, or by
// setting the password) and "Changing the password". A password is a secret: the session's
// redactor learns it the moment a helper receives it, before anything is checked or sent, so
// it never appears in what the session prints, records or exports, nor in an error.
import { setUserPassword } from '../api/calls/users.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import { PasswordRequest, type User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import type { StepSession } from './session.ts';
import { nameUser, resolveUser } from './user-ref.ts';

const PASSWORD_RULE = '8 to 256 characters';

/** Hands the secret to the redactor first, then checks it: an error never shows it. */
function expectPassword(session: StepSession, helper: string, value: unknown): string {
  if (typeof value === 'string') session.client.redactor.add(value);
  if (typeof value === 'string' && PasswordRequest.safeParse({ password: value }).success) {
    return value;
  }
  // Never the value itself: a password may be in the wrong place or of the wrong type.
  const what = typeof value === 'string' ? `one of ${value.length}` : `a ${typeof value}`;
  throw new UsageError(
    `${helper} expects the password as a text of ${PASSWORD_RULE}, not ${what}; nothing was sent.`,
  );
}

/**
 * The options of a helper that takes a password. A bare string where the options go is most
 * likely the password itself: it is masked from now on and never repeated in the sentence.
 */
function passwordOptions<K extends string>(
  session: StepSession,
  helper: string,
  value: unknown,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  if (typeof value === 'string') {
    session.client.redactor.add(value);
    throw new UsageError(
      `${helper} takes the password as an option, {password: '...'}, not as a bare text; nothing was sent.`,
    );
  }
  return expectOptions(helper, value, known);
}

/** A masked question (twice, so a typo is not set unseen); null where none can be asked. */
async function askPassword(session: StepSession, who: string): Promise<string | null> {
  const masked = session.ask?.password?.bind(session.ask);
  if (!masked) return null;
  const first = await masked(`New password for ${who} (${PASSWORD_RULE}):`);
  session.client.redactor.add(first);
  const again = await masked('The same password again:');
  session.client.redactor.add(again);
  if (first !== again) throw new UsageError('The two passwords differ; nothing was sent.');
  return first;
}

function reread(session: StepSession, id: string): Promise<User> {
  return api.getUser(session.client, id, session.signal());
}

function refuseDisabled(helper: string, who: string, user: User): void {
  if (user.enabled) return;
  throw new UsageError(
    `${helper}: ${who} is disabled, and the platform refuses this for disabled users (code 1018); nothing was sent.`,
    `Enable it first: await enableUser('${user.id}')`,
  );
}

/**
 * Activates a new account, as the page's two ways: `POST /users/{id}/send-activation-email`
 * (the default: the user sets a password from the e-mailed link), or with `{password}`
 * `POST /users/{id}/password`. `{password: true}` asks for it, masked, in a terminal.
 * Only an API client may do either, and only for users of its sub-tenants.
 */
export async function activateUser(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<User> {
  const opts = passwordOptions(session, 'activateUser', options, ['password'] as const);
  const askFor = opts.password === true;
  const given =
    opts.password === undefined || askFor
      ? undefined
      : expectPassword(session, 'activateUser', opts.password);
  if (askFor && !session.ask?.password) {
    throw new UsageError(
      "activateUser can ask for the password only in a terminal; pass it as {password: '...'} (it is masked in this session).",
    );
  }
  const user = await resolveUser(session, 'activateUser', ref);
  const who = await nameUser(session, user);
  if (user.activated) {
    session.note(
      `${who} is already activated; nothing was sent.${given || askFor ? ` setPassword('${user.id}') changes the password.` : ''}`,
    );
    return user;
  }
  refuseDisabled('activateUser', who, user);
  let password = given;
  if (askFor) password = (await askPassword(session, who)) ?? undefined;
  if (password === undefined) {
    await session.busy('Sending the activation e-mail', () =>
      api.sendActivationEmail(session.client, user.id, session.signal()),
    );
    const to = user.contact?.email ? ` to ${visibleLine(user.contact.email)}` : '';
    session.note(
      `The activation e-mail went${to}: ${who} is activated once they set a password from its link (getUser shows activated).`,
    );
    return user;
  }
  const secret = password;
  const after = await session.busy('Setting the password', async () => {
    await setUserPassword(session.client, user.id, secret, session.signal());
    return reread(session, user.id);
  });
  session.note(`${who} is activated with the password given (masked in this session).`);
  return after;
}

/**
 * The page "Changing the password": `POST /users/{id}/password`. For an activated user the old
 * password stops working and cannot be restored, so it asks first ({yes: true} answers it).
 * The password comes as `{password}` (a line holding `password:` never reaches the history
 * file), or from a masked question in a terminal.
 */
export async function setPassword(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<User> {
  const opts = passwordOptions(session, 'setPassword', options, ['password', 'yes'] as const);
  checkYes('setPassword', opts.yes);
  let password =
    opts.password === undefined ? undefined : expectPassword(session, 'setPassword', opts.password);
  if (password === undefined && !session.ask?.password) {
    throw new UsageError(
      `setPassword expects the new password, e.g. setPassword(user_id, {password: '...'}) (${PASSWORD_RULE}; it is masked in this session).`,
    );
  }
  const user = await resolveUser(session, 'setPassword', ref);
  const who = await nameUser(session, user);
  refuseDisabled('setPassword', who, user);
  if (password === undefined) {
    password = (await askPassword(session, who)) ?? undefined;
    if (password === undefined) throw new UsageError('setPassword: no password was given.');
  }
  if (user.activated) {
    const go = await confirmChange(session, {
      helper: 'setPassword',
      yes: opts.yes,
      consequence: `${who} will log in with the new password only: the old one stops working, and cannot be restored.`,
      question: `Set a new password for '${visibleLine(user.login)}'?`,
    });
    if (!go) return user;
  }
  const secret = password;
  const after = await session.busy('Setting the password', async () => {
    await setUserPassword(session.client, user.id, secret, session.signal());
    return reread(session, user.id);
  });
  session.note(
    `Password set for ${who}${user.activated ? '' : ', which activates the account'}; there is no undo (the old password cannot be restored).`,
  );
  return after;
}
