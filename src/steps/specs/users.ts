import { loginAs } from '../login-as.ts';
import type { HelperSpec } from '../spec.ts';
import { deleteUser, disableUser, enableUser } from '../user-lifecycle.ts';
import { activateUser, setPassword } from '../user-passwords.ts';
import { roles, setRoles } from '../user-roles.ts';
import { createUser, getUser, updateUser } from '../users.ts';

// A user is taken by its UUID, its login or a user object (what createUser and getUser answer).
export const USER_HELPERS: readonly HelperSpec[] = [
  {
    name: 'createUser',
    topic: 'Users',
    tutorial: 'creating-user-account',
    summary: 'Create a user in tenant_id (the login checked first); sets created_user, user_id.',
    details:
      'Options: {email} (required), {tenant, firstname, lastname}. Asks for the login and e-mail in a terminal. The account is not activated yet: activateUser.',
    example: "await createUser('new.user', {email: 'new.user@example.com'})",
    run: (s, login, opts) => createUser(s, login, opts),
  },
  {
    name: 'activateUser',
    topic: 'Users',
    tutorial: 'activating-user-account',
    summary: 'Activate a new user: an activation e-mail, or {password} set for them.',
    details:
      "{password: '...'} sets it (masked in this session); {password: true} asks for it, masked. getUser(...).activated says whether it worked.",
    example: 'await activateUser(user_id)',
    run: (s, user, opts) => activateUser(s, user, opts),
  },
  {
    name: 'getUser',
    topic: 'Users',
    tutorial: 'fetching-updating-user',
    summary: 'A user account (by id, login or object): activated, enabled, 2FA; sets version.',
    example: "await getUser('new.user')",
    run: (s, user) => getUser(s, user),
  },
  {
    name: 'updateUser',
    topic: 'Users',
    tutorial: 'fetching-updating-user',
    summary: "Change a user's e-mail or contact ({email, firstname, lastname, phone, ...}).",
    details:
      'Also {title, address1, address2, city, state, zipcode, country, language}. Sends the version it has just read. An activated user keeps the old e-mail until a link sent there is used.',
    example: "await updateUser(user_id, {email: 'new.address@example.com'})",
    run: (s, user, changes) => updateUser(s, user, changes),
  },
  {
    name: 'setPassword',
    topic: 'Users',
    tutorial: 'fetching-updating-user',
    summary: "Set a user's password (asks for it, masked, in a terminal); no undo.",
    details:
      "{password: '...'} gives it (masked in this session). For an activated user asks to confirm ({yes: true} answers it): the old password cannot be restored.",
    example: 'await setPassword(user_id)',
    run: (s, user, opts) => setPassword(s, user, opts),
  },
  {
    name: 'roles',
    topic: 'Users',
    tutorial: 'checking-changing-roles',
    summary: "A user's roles: the access policies, each a role_id in a tenant.",
    example: 'await roles(user_id)',
    run: (s, user) => roles(s, user),
  },
  {
    name: 'setRoles',
    topic: 'Users',
    tutorial: 'checking-changing-roles',
    summary: "Replace a user's roles (in its own tenant unless {role, tenant} says).",
    details:
      "Role ids (hci_admin) or the guide's names ('Partner administrator'); company_admin on a partner is sent as partner_admin. [] takes every role away: asks first ({yes: true}).",
    example: "await setRoles(user_id, ['hci_admin'])",
    run: (s, user, list, opts) => setRoles(s, user, list, opts),
  },
  {
    name: 'disableUser',
    topic: 'Users',
    tutorial: 'disabling-enabling-deleting-user',
    summary: 'Disable a user (they cannot log in); asks first, {yes: true} answers it.',
    example: 'await disableUser(user_id)',
    run: (s, user, opts) => disableUser(s, user, opts),
  },
  {
    name: 'enableUser',
    topic: 'Users',
    tutorial: 'disabling-enabling-deleting-user',
    summary: 'Enable a disabled user again.',
    example: 'await enableUser(user_id)',
    run: (s, user, opts) => enableUser(s, user, opts),
  },
  {
    name: 'deleteUser',
    topic: 'Users',
    tutorial: 'disabling-enabling-deleting-user',
    summary: 'Delete a user (disabled first, as the platform needs); asks first; no undo.',
    example: 'await deleteUser(user_id)',
    run: (s, user, opts) => deleteUser(s, user, opts),
  },
  {
    name: 'loginAs',
    topic: 'Users',
    tutorial: 'logging-in-on-behalf-of-user',
    summary: 'A one-time token to log in as a user, once (kept in ott, shown masked); asks first.',
    details:
      'Posted to /idp/ott/login the token opens a session as the user; it works once and expires within minutes.',
    example: "await loginAs('new.user')",
    run: (s, user, opts) => loginAs(s, user, opts),
  },
];
