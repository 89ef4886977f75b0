// The pages "Checking the roles of a user" and "Changing the roles of a user": the user's role
// bindings (access policies), read and replaced as a whole set.
import { getAccessPolicies, setAccessPolicies } from '../api/calls/users.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import { type AccessPolicy, RoleId, type User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { nameUser, resolveUser, shownArg } from './user-ref.ts';

const ROLES = RoleId.options;

/** The names the guide's tables and headings give the roles, beside their ids. */
const LABELS: Record<string, RoleId> = {
  'partner administrator': 'partner_admin',
  'hybrid infrastructure administrator': 'hci_admin',
  'company administrator': 'company_admin',
  'unit administrator': 'unit_admin',
  'read-only administrator': 'readonly_admin',
  'readonly administrator': 'readonly_admin',
  'backup user': 'backup_user',
};

/** A role as asked: the role id, the tenant it applies in (the user's own by default). */
interface WantedRole {
  role_id: RoleId;
  tenant?: unknown;
}

function roleId(value: unknown): RoleId {
  if (typeof value === 'string') {
    const key = value.trim();
    const parsed = RoleId.safeParse(key);
    if (parsed.success) return parsed.data;
    const label = LABELS[key.toLowerCase()];
    if (label) return label;
  }
  throw new UsageError(
    `setRoles expects role ids such as partner_admin, hci_admin, company_admin, readonly_admin or backup_user, not ${shownArg(value)}.`,
    `The roles: ${ROLES.join(', ')}.`,
  );
}

/** `'hci_admin'`, `['hci_admin', 'readonly_admin']`, `[{role: 'backup_user', tenant: id}]`. */
function wantedRoles(value: unknown): WantedRole[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 100) throw new UsageError('setRoles takes at most 100 roles.');
  return list.map((item) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const o = expectOptions('setRoles', item, [
        'role',
        'role_id',
        'tenant',
        'tenant_id',
      ] as const);
      return { role_id: roleId(o.role ?? o.role_id), tenant: o.tenant ?? o.tenant_id };
    }
    return { role_id: roleId(item) };
  });
}

function tenantLabel(session: StepSession, id: string): string {
  const seen = session.seen.get(id)?.name;
  return seen === undefined ? id : `'${visibleLine(seen)}'`;
}

function describeRoles(session: StepSession, items: readonly AccessPolicy[]): string {
  if (items.length === 0) return 'no role';
  return items.map((p) => `${p.role_id} in ${tenantLabel(session, p.tenant_id)}`).join(', ');
}

/** The page "Checking the roles": `GET /users/{id}/access_policies`, its `items`. */
export async function roles(session: StepSession, ref?: unknown): Promise<AccessPolicy[]> {
  const user = await resolveUser(session, 'roles', ref);
  const items = await session.busy('Reading the roles', () =>
    getAccessPolicies(session.client, user.id, session.signal()),
  );
  session.note(`${await nameUser(session, user)} has ${describeRoles(session, items)}.`);
  return items;
}

/** The call that puts these bindings back, as a user would type it. */
function setRolesCall(user: User, items: readonly AccessPolicy[]): string {
  const own = items.every((p) => p.tenant_id === user.tenant_id);
  const list = own
    ? items.map((p) => `'${p.role_id}'`)
    : items.map((p) => `{role: '${p.role_id}', tenant: '${p.tenant_id}'}`);
  return `await setRoles('${user.id}', [${list.join(', ')}])`;
}

const key = (p: { role_id: string; tenant_id: string }) => `${p.role_id}@${p.tenant_id}`;

/**
 * The page "Changing the roles": `PUT /users/{id}/access_policies` with every role the user
 * keeps (the PUT replaces the whole set). Roles apply in the user's tenant unless one names
 * another. Taking every role away asks first ({yes: true} answers it).
 */
export async function setRoles(
  session: StepSession,
  ref?: unknown,
  rolesArg?: unknown,
  options?: unknown,
): Promise<AccessPolicy[]> {
  const opts = expectOptions('setRoles', options, ['yes'] as const);
  checkYes('setRoles', opts.yes);
  let asked = rolesArg;
  if (asked === undefined && !session.ask) {
    throw new UsageError(
      "setRoles expects the user and its roles, e.g. setRoles(user_id, ['hci_admin']) ([] takes every role away).",
    );
  }
  const early = asked === undefined ? null : wantedRoles(asked);
  const user = await resolveUser(session, 'setRoles', ref);
  if (asked === undefined && session.ask) {
    asked = await session.ask.select(
      `The role of '${visibleLine(user.login)}' in its tenant:`,
      ROLES.map((r) => ({ name: r, value: r })),
    );
  }
  const wanted = early ?? wantedRoles(asked);
  const who = await nameUser(session, user);

  // Each role's tenant, and its kind: a role must fit the kind of tenant it applies in.
  const items: { role_id: RoleId; tenant_id: string }[] = [];
  for (const w of wanted) {
    const tenantId =
      w.tenant === undefined
        ? user.tenant_id
        : await resolveTenantId(session, 'setRoles', w.tenant);
    let role = w.role_id;
    if (role === 'company_admin' && tenantId !== user.personal_tenant_id) {
      const tenant = await api.getTenant(session.client, tenantId, session.signal());
      remember(session, tenant);
      if (tenant.kind === 'partner' || tenant.kind === 'folder') {
        // The partner tutorial's heading calls its administrator a company administrator.
        session.note(
          `A ${tenant.kind} tenant's administrator is partner_admin (the partner page's heading says "company administrator"): partner_admin is what is sent.`,
        );
        role = 'partner_admin';
      }
    }
    if (!items.some((i) => key(i) === key({ role_id: role, tenant_id: tenantId }))) {
      items.push({ role_id: role, tenant_id: tenantId });
    }
  }

  const current = await session.busy('Reading the roles', () =>
    getAccessPolicies(session.client, user.id, session.signal()),
  );
  const same =
    current.length === items.length && items.every((i) => current.some((c) => key(c) === key(i)));
  if (same) {
    session.note(`${who} already has exactly these roles; nothing was sent.`);
    return current;
  }
  if (items.length === 0) {
    const go = await confirmChange(session, {
      helper: 'setRoles',
      yes: opts.yes,
      consequence: `${who} loses every role (${describeRoles(session, current)}): they can still log in, but can manage nothing until given a role again.`,
      question: `Take every role away from '${visibleLine(user.login)}'?`,
    });
    if (!go) return current;
  }
  // A binding kept keeps its id and version; the others are new ones.
  const body = items.map((i) => {
    const kept = current.find((c) => key(c) === key(i));
    return kept ? { ...i, id: kept.id, version: kept.version } : i;
  });
  const result = await session.busy('Changing the roles', () =>
    setAccessPolicies(session.client, user.id, body, session.signal()),
  );
  session.note(`${who} has ${describeRoles(session, result)} now.`);
  session.note(`Undo with: ${setRolesCall(user, current)}`);
  return result;
}
