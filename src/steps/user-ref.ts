// What a helper accepts where a user goes (a UUID, a login, or a user object) and how it names
// that user in its questions: by login and tenant, as the pages' warnings speak of them.
import * as api from '../api/endpoints.ts';
import { ApiError, UsageError } from '../api/errors.ts';
import { LOGIN_PATTERN, type User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { describe, isUuid } from './args.ts';
import { remember, type StepSession } from './session.ts';

/** What the user passed, for a sentence: short, on one line, control characters made visible. */
export function shownArg(value: unknown): string {
  return visibleLine(describe(value));
}

/** A user: its UUID, its login, or an object with its `id` (what getUser and createUser answer). */
export type UserRef = string | { id: string };

/** The platform's search: the users under the API client's tenant whose login is exactly `login`. */
async function searchLogin(session: StepSession, helper: string, login: string): Promise<string> {
  if (!/[\p{L}\p{N}]/u.test(login)) {
    throw new UsageError(
      `${helper}: '${login}' holds no letter or digit, so the platform's search cannot find it; pass the user's UUID instead.`,
    );
  }
  const found = await session.busy(`Looking for the user '${login}'`, () =>
    api.search(
      session.client,
      { tenant: session.homeTenantId, text: login, limit: 300 },
      session.signal(),
    ),
  );
  // Logins are unique regardless of case on the platform.
  const wanted = login.toLowerCase();
  const hit = found.items.find((i) => i.obj_type === 'user' && i.login?.toLowerCase() === wanted);
  if (!hit) {
    throw new UsageError(
      `${helper}: no user has the login '${visibleLine(login)}' under your tenant; it expects a user UUID, a login or a user object.`,
      'Check the spelling; a user in a tenant closed to its ancestors cannot be found.',
    );
  }
  return hit.id;
}

/**
 * The id a user reference names, checked before anything is sent; a login is looked up with
 * the platform's search. Without a reference: a question in a terminal, else one sentence.
 */
export async function resolveUserId(
  session: StepSession,
  helper: string,
  ref: unknown,
): Promise<string> {
  let given = ref;
  if (given === undefined && session.ask) {
    given = (
      await session.ask.input('Login or id of the user:', {
        validate: (v) =>
          isUuid(v.trim()) ||
          LOGIN_PATTERN.test(v.trim()) ||
          'A user UUID, or a login of 3 or more letters, digits and . @ _ - + …',
      })
    ).trim();
  }
  if (given === undefined) {
    throw new UsageError(
      `${helper} expects a user: its UUID, its login or a user object, e.g. ${helper}(user_id).`,
    );
  }
  if (typeof given === 'object' && given !== null && 'id' in given && isUuid(given.id)) {
    return given.id.toLowerCase();
  }
  if (isUuid(given)) return given.toLowerCase();
  if (typeof given === 'string') {
    const login = given.trim();
    if (!LOGIN_PATTERN.test(login)) {
      throw new UsageError(
        `${helper} expects a user UUID or a login (3 to 255 letters, digits and . @ _ - + : ! # $ % ^ * = { } ' \` / ?), not ${shownArg(given)}.`,
      );
    }
    return searchLogin(session, helper, login);
  }
  throw new UsageError(
    `${helper} expects a user: its UUID, its login or a user object, not ${shownArg(given)}.`,
  );
}

/** The user a reference names, as the platform has it now. */
export async function resolveUser(
  session: StepSession,
  helper: string,
  ref: unknown,
): Promise<User> {
  const id = await resolveUserId(session, helper, ref);
  return session.busy('Reading the user', () => api.getUser(session.client, id, session.signal()));
}

/** `'login' of 'Tenant name'`: how a question or a note names the user. */
export async function nameUser(session: StepSession, user: User): Promise<string> {
  let tenant = session.seen.get(user.tenant_id)?.name;
  if (tenant === undefined) {
    try {
      const t = await session.busy("Reading the user's tenant", () =>
        api.getTenant(session.client, user.tenant_id, session.signal()),
      );
      remember(session, t);
      tenant = t.name;
    } catch (error) {
      // The user's tenant may be out of the caller's sight: its id still names it.
      if (!(error instanceof ApiError)) throw error;
      tenant = user.tenant_id;
    }
  }
  return `'${visibleLine(user.login)}' of '${visibleLine(tenant)}'`;
}
