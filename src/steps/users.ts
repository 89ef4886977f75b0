// The user accounts' pages, reading and writing the account itself: creating one (the login
// checked first, as the page does), fetching it, changing its e-mail and contact, and listing a
// tenant's users with their 2FA state.
import { updateUser as putUser } from '../api/calls/users.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import { LOGIN_PATTERN, type User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectOptions } from './args.ts';
import type { StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { nameUser, resolveUser, shownArg } from './user-ref.ts';

export interface UserRow {
  id: string;
  login: string;
  email: string | null;
  enabled: boolean;
  mfa_status: string;
}

/** The users of a tenant (the current one by default), each with its 2FA state. */
export async function listUsers(session: StepSession, tenant?: unknown): Promise<UserRow[]> {
  const id = await resolveTenantId(session, 'listUsers', tenant);
  return session.busy('Reading users', async () => {
    const ids = await api.listTenantUserIds(session.client, id, session.signal());
    const rows: UserRow[] = [];
    // A few at a time: one call per user is the platform's only way, so keep it bounded.
    for (let i = 0; i < ids.length; i += 8) {
      const users = await Promise.all(
        ids.slice(i, i + 8).map((u) => api.getUser(session.client, u, session.signal())),
      );
      for (const user of users) {
        rows.push({
          id: user.id,
          login: user.login,
          email: user.contact?.email ?? null,
          enabled: user.enabled,
          mfa_status: user.mfa_status ?? 'unknown',
        });
      }
    }
    return rows;
  });
}

const LOGIN_RULE = "3 to 255 letters, digits and . @ _ - + : ! # $ % ^ * = { } ' ` / ?";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function expectLogin(helper: string, value: unknown): string {
  const login = typeof value === 'string' ? value.trim() : value;
  if (typeof login === 'string' && LOGIN_PATTERN.test(login)) return login;
  throw new UsageError(`${helper} expects a login of ${LOGIN_RULE}, not ${shownArg(value)}.`);
}

function expectEmail(helper: string, value: unknown): string {
  const email = typeof value === 'string' ? value.trim() : value;
  if (typeof email === 'string' && email.length <= 255 && EMAIL.test(email)) return email;
  throw new UsageError(
    `${helper} expects email to be an e-mail address like 'new.user@example.com', not ${shownArg(value)}.`,
  );
}

function expectText(helper: string, what: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length <= 255) return value;
  throw new UsageError(
    `${helper} expects ${what} as a text of up to 255 characters, not ${shownArg(value)}.`,
  );
}

/**
 * The page "Creating a user account": `GET /users/check_login` (204: free), then `POST /users`
 * in the tenant (tenant_id by default). Sets `created_user` and `user_id`, as the page keeps them.
 */
export async function createUser(
  session: StepSession,
  loginArg?: unknown,
  options?: unknown,
): Promise<User> {
  const opts = expectOptions('createUser', options, [
    'email',
    'tenant',
    'firstname',
    'lastname',
  ] as const);
  let login = loginArg;
  let email = opts.email;
  if (login === undefined && session.ask) {
    login = await session.ask.input('Login of the new user:', {
      validate: (v) => LOGIN_PATTERN.test(v.trim()) || `A login of ${LOGIN_RULE}.`,
    });
  }
  if (login === undefined) {
    throw new UsageError(
      "createUser expects a login and an e-mail, e.g. createUser('new.user', {email: 'new.user@example.com'}).",
    );
  }
  const wantedLogin = expectLogin('createUser', login);
  if (email === undefined && session.ask) {
    email = await session.ask.input("The user's e-mail:", {
      validate: (v) => EMAIL.test(v.trim()) || 'An e-mail address like new.user@example.com.',
    });
  }
  if (email === undefined) {
    throw new UsageError(
      `createUser expects the user's e-mail too, e.g. createUser('${visibleLine(wantedLogin)}', {email: 'new.user@example.com'}).`,
    );
  }
  const wantedEmail = expectEmail('createUser', email);
  const firstname = expectText('createUser', 'firstname', opts.firstname);
  const lastname = expectText('createUser', 'lastname', opts.lastname);
  const tenantId = await resolveTenantId(session, 'createUser', opts.tenant);

  const free = await session.busy(`Checking that '${wantedLogin}' is free`, () =>
    api.checkLogin(session.client, wantedLogin, session.signal()),
  );
  if (!free) {
    throw new UsageError(
      `createUser: the login '${visibleLine(wantedLogin)}' is already taken (check_login answered 409); nothing was created.`,
      'Choose another login; logins are unique across the whole platform.',
    );
  }
  const contact = {
    email: wantedEmail,
    ...(firstname === undefined ? {} : { firstname }),
    ...(lastname === undefined ? {} : { lastname }),
  };
  const user = await session.busy(`Creating '${wantedLogin}'`, () =>
    api.createUser(
      session.client,
      { tenant_id: tenantId, login: wantedLogin, contact },
      session.signal(),
    ),
  );
  session.setVariable('created_user', user);
  session.setVariable('user_id', user.id);
  const personal = user.personal_tenant_id
    ? ` with a personal tenant (${user.personal_tenant_id})`
    : ' (no personal tenant: only customers give their users one)';
  session.note(`user_id = '${user.id}'  ('${visibleLine(user.login)}'${personal})`);
  session.note(
    'Not activated yet: activateUser(user_id) e-mails a link, activateUser(user_id, {password}) sets a password.',
  );
  session.note(`Undo with: await deleteUser('${user.id}')`);
  return user;
}

/**
 * The page "Fetching user account information": `GET /users/{id}`. Its `activated` says
 * whether the account is activated (the activation page's check). Keeps `version`, as the page.
 */
export async function getUser(session: StepSession, ref?: unknown): Promise<User> {
  const user = await resolveUser(session, 'getUser', ref);
  session.setVariable('version', user.version);
  const activated = user.activated ? 'activated' : 'not activated (activateUser activates it)';
  session.note(
    `${await nameUser(session, user)}: ${user.enabled ? 'enabled' : 'disabled'}, ${activated}, 2FA ${user.mfa_status ?? 'unknown'}; version = ${user.version}`,
  );
  return user;
}

/** The contact fields a user account has besides its e-mail (all optional texts). */
const CONTACT_FIELDS = [
  'firstname',
  'lastname',
  'phone',
  'title',
  'address1',
  'address2',
  'city',
  'state',
  'zipcode',
  'country',
] as const;
const CHANGES = ['email', ...CONTACT_FIELDS, 'language'] as const;

/**
 * The pages "Changing the e-mail address" and "Changing contact information": `PUT /users/{id}`
 * with the fields to change and the `version` just read.
 */
export async function updateUser(
  session: StepSession,
  ref?: unknown,
  changes?: unknown,
): Promise<User> {
  const opts = expectOptions('updateUser', changes, CHANGES);
  if (CHANGES.every((k) => opts[k] === undefined)) {
    throw new UsageError(
      "updateUser expects what to change: {email, firstname, lastname, phone, ..., language}, e.g. updateUser(user_id, {email: 'new@example.com'}).",
    );
  }
  const contact: Record<string, string> = {};
  if (opts.email !== undefined) contact.email = expectEmail('updateUser', opts.email);
  for (const field of CONTACT_FIELDS) {
    const value = expectText('updateUser', field, opts[field]);
    if (value !== undefined) contact[field] = value;
  }
  const language = expectText('updateUser', 'language', opts.language);
  if (language !== undefined && !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/.test(language)) {
    throw new UsageError(
      `updateUser expects language as a code like 'en' or 'pt-BR', not ${shownArg(language)}.`,
    );
  }
  const body = {
    ...(Object.keys(contact).length ? { contact } : {}),
    ...(language === undefined ? {} : { language }),
  };

  const before = await resolveUser(session, 'updateUser', ref);
  const saved = await session.busy('Updating the user', () =>
    putUser(session.client, before.id, { ...body, version: before.version }, session.signal()),
  );
  const who = await nameUser(session, saved);
  if (contact.email !== undefined && saved.contact?.email !== contact.email) {
    session.note(
      `${who} is activated: a confirmation link went to the old address; the e-mail (and version) change once it is used.`,
    );
  }
  // The undo puts back what was there: the fields this call changed, as they were.
  const was = (before.contact ?? {}) as Record<string, unknown>;
  const old = Object.keys(contact).map((k) => `${k}: ${JSON.stringify(String(was[k] ?? ''))}`);
  if (language !== undefined)
    old.push(`language: ${JSON.stringify(String(before.language ?? 'en'))}`);
  session.note(visibleLine(`Undo with: await updateUser('${saved.id}', {${old.join(', ')}})`));
  return saved;
}
