// The pages "Disabling a user account" and "Deleting a user account": `PUT /users/{id}` with
// `enabled` and the current `version`; `DELETE /users/{id}?version=` of a disabled user.
import { deleteUser as deleteUserCall, setUserEnabled } from '../api/calls/users.ts';
import type { User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import type { StepSession } from './session.ts';
import { nameUser, resolveUser } from './user-ref.ts';

/** Disables a user: they cannot log in until enabled again. Asks first ({yes: true}). */
export async function disableUser(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<User> {
  const opts = expectOptions('disableUser', options, ['yes'] as const);
  checkYes('disableUser', opts.yes);
  const user = await resolveUser(session, 'disableUser', ref);
  const who = await nameUser(session, user);
  if (!user.enabled) {
    session.note(`${who} is already disabled; nothing was sent.`);
    return user;
  }
  const go = await confirmChange(session, {
    helper: 'disableUser',
    yes: opts.yes,
    consequence: `Disabling ${who} locks them out: they cannot log in until enabled again.`,
    question: `Disable '${visibleLine(user.login)}'?`,
  });
  if (!go) return user;
  const saved = await session.busy('Disabling the user', () =>
    setUserEnabled(session.client, user.id, false, session.signal()),
  );
  session.note(`${who} is disabled (version ${saved.version}).`);
  session.note(`Undo with: await enableUser('${user.id}')`);
  return saved;
}

/** Enables a disabled user again. */
export async function enableUser(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<User> {
  expectOptions('enableUser', options, [] as const);
  const user = await resolveUser(session, 'enableUser', ref);
  const who = await nameUser(session, user);
  if (user.enabled) {
    session.note(`${who} is already enabled; nothing was sent.`);
    return user;
  }
  const saved = await session.busy('Enabling the user', () =>
    setUserEnabled(session.client, user.id, true, session.signal()),
  );
  session.note(`${who} is enabled and can log in again (version ${saved.version}).`);
  session.note(`Undo with: await disableUser('${user.id}')`);
  return saved;
}

export interface DeletedUser {
  id: string;
  login: string;
  tenant_id: string;
  /** False when the question was answered no (nothing was sent). */
  deleted: boolean;
}

/**
 * Deletes a user as the page does: disabled first (the platform deletes only disabled users),
 * then `DELETE` with the version that answered. It cannot be undone: asks first ({yes: true}).
 */
export async function deleteUser(
  session: StepSession,
  ref?: unknown,
  options?: unknown,
): Promise<DeletedUser> {
  const opts = expectOptions('deleteUser', options, ['yes'] as const);
  checkYes('deleteUser', opts.yes);
  const user = await resolveUser(session, 'deleteUser', ref);
  const who = await nameUser(session, user);
  const first = user.enabled
    ? ' The platform deletes only disabled users, so it is disabled first.'
    : '';
  const personal = user.personal_tenant_id ? ' and its personal tenant' : '';
  const go = await confirmChange(session, {
    helper: 'deleteUser',
    yes: opts.yes,
    consequence: `Deleting ${who} removes the account${personal} for good: it cannot be undone.${first}`,
    question: `Delete '${visibleLine(user.login)}'? It cannot be undone.`,
  });
  const answer = { id: user.id, login: user.login, tenant_id: user.tenant_id };
  if (!go) return { ...answer, deleted: false };
  let version = user.version;
  if (user.enabled) {
    const disabled = await session.busy('Disabling the user', () =>
      setUserEnabled(session.client, user.id, false, session.signal()),
    );
    version = disabled.version;
  }
  try {
    await session.busy('Deleting the user', () =>
      deleteUserCall(session.client, user.id, version, session.signal()),
    );
  } catch (error) {
    if (user.enabled) {
      session.note(
        `${who} was disabled but not deleted; await enableUser('${user.id}') enables it again.`,
      );
    }
    throw error;
  }
  session.note(`${who} is deleted; there is no undo.`);
  return { ...answer, deleted: true };
}
