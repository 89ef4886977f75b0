// The page "Logging in on behalf of a user": `POST /idp/ott` `{purpose: 'user_login', login}`
// answers a one-time token. It is a secret (whoever holds it logs in as the user): the session's
// redactor learns it as it arrives, so it is kept in `ott` but shown only masked.
import { createOneTimeToken } from '../api/calls/tokens.ts';
import { UsageError } from '../api/errors.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import type { StepSession } from './session.ts';
import { nameUser, resolveUser } from './user-ref.ts';

export interface OneTimeLogin {
  /** The token: usable as is (`post('/idp/ott/login', {ott})`), masked wherever it is shown. */
  ott: string;
  user_id: string;
  login: string;
  tenant_id: string;
}

/**
 * A one-time token to log in as a user (API clients only; users of the caller's tenant or
 * below, not in a tenant closed to its ancestors). Asks first ({yes: true} answers it): the
 * token cannot be taken back once issued. Sets `ott`, as the page does.
 */
export async function loginAs(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<OneTimeLogin> {
  const opts = expectOptions('loginAs', options, ['yes'] as const);
  checkYes('loginAs', opts.yes);
  const user = await resolveUser(session, 'loginAs', ref);
  const who = await nameUser(session, user);
  if (!user.enabled) {
    throw new UsageError(
      `loginAs: ${who} is disabled, and the platform issues no one-time token for a disabled user (code 1018); nothing was sent.`,
      `Enable it first: await enableUser('${user.id}')`,
    );
  }
  const go = await confirmChange(session, {
    helper: 'loginAs',
    yes: opts.yes,
    consequence: `A one-time token lets whoever holds it log in as ${who}, once; it cannot be taken back.`,
    question: `Issue a one-time token to log in as '${visibleLine(user.login)}'?`,
  });
  if (!go) throw new UsageError('loginAs: no token was issued.');
  const ott = await session.busy('Issuing a one-time token', () =>
    createOneTimeToken(session.client, { login: user.login }, session.signal()),
  );
  session.setVariable('ott', ott);
  session.note(
    `ott: a one-time token for ${who}. Posted once to /idp/ott/login it opens a session as them (a cookie, good for about 2 hours); it works for one login only and expires within minutes (5 on the emulator).`,
  );
  return { ott, user_id: user.id, login: user.login, tenant_id: user.tenant_id };
}
