// Users: the official examples' creation flow (check_login, POST /users, activation by e-mail
// or by password), reading and listing, updates with `version`, deletion of disabled users,
// and their roles (access policies).
import { randomUUID } from 'node:crypto';
import {
  AccessPoliciesPutRequest,
  LOGIN_PATTERN,
  PasswordRequest,
  UserCreateRequest,
  UserUpdateRequest,
} from '../../schemas/index.ts';
import * as z from '../../schemas/zod.ts';
import {
  authenticate,
  type Principal,
  requireClient,
  visibleTenant,
  visibleUser,
} from '../access.ts';
import { ROLE_KINDS, ZERO_UUID } from '../catalogue.ts';
import {
  type Ctx,
  intParam,
  mediaType,
  noContent,
  nowIso,
  ok,
  oneOfParams,
  type Reply,
  readJson,
} from '../context.ts';
import {
  badRequest,
  conflict,
  forbidden,
  HttpError,
  PLATFORM_CODES,
  versionMismatch,
} from '../errors.ts';
import { isUuid } from '../router.ts';
import { hashPassword } from '../secrets.ts';
import { policyView, userView } from '../views.ts';
import { isLive, type RoleRec, type TenantRec, type UserRec } from '../world.ts';

const loginTaken = (login: string) =>
  conflict(`The login ${JSON.stringify(login)} is already taken.`);

const invalidLogin = (login: string) =>
  new HttpError(400, `The login ${JSON.stringify(login.slice(0, 80))} is not valid.`, {
    code: PLATFORM_CODES.invalidLogin,
    info: "At least 3 characters: ASCII letters, digits and . @ _ - + : ! # $ % ^ * = { } ' ` / ?",
  });

const userDisabled = () =>
  new HttpError(400, 'The user is disabled.', {
    code: PLATFORM_CODES.userDisabled,
    info: 'Enable the user first: PUT /users/{id} with {"enabled": true, "version": N}.',
  });

export function me(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  if (who.kind !== 'user') {
    throw forbidden('/users/me needs a user: Basic login:password or a password-grant token.');
  }
  return ok(userView(who.user));
}

export function checkLogin(ctx: Ctx): Reply {
  authenticate(ctx, { basic: true });
  const raw = ctx.query.get('username');
  if (!raw) throw badRequest('username: required');
  const login = raw.trim();
  if (!LOGIN_PATTERN.test(login)) throw invalidLogin(login);
  if (ctx.world.userIdByLogin(login) !== undefined) throw loginTaken(login);
  return noContent();
}

/** A customer's users (and its units') get a personal tenant; partners' and folders' do not. */
const hasPersonalTenant = (t: TenantRec) => t.kind === 'customer' || t.kind === 'unit';

export function createUser(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const body = readJson(ctx, UserCreateRequest);
  const tenant = visibleTenant(ctx.world, who, body.tenant_id.toLowerCase());
  if (ctx.world.userIdByLogin(body.login) !== undefined) throw loginTaken(body.login);
  // A new user in a tenant that enforces 2FA must enrol before the first login.
  const enforced = ctx.world.mfaOwner(tenant).mfa_status === 'enabled';
  const at = nowIso();
  const user: UserRec = {
    id: randomUUID(),
    version: 1,
    login: body.login,
    tenant_id: tenant.id,
    personal_tenant_id: hasPersonalTenant(tenant) ? randomUUID() : null,
    enabled: body.enabled ?? true,
    activated: false,
    contact: body.contact,
    mfa_status: enforced ? 'setup_required' : 'disabled',
    created_at: at,
    updated_at: at,
    password: null,
    totp_secret: null,
    totp_setup: false,
    roles: [],
    language: body.language ?? tenant.language,
    notifications: body.notifications ?? ['quota', 'reports', 'backup_daily_report'],
    business_types: body.business_types ?? [],
  };
  ctx.world.commit({ users: [user] });
  return ok(userView(user));
}

export function getUser(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  return ok(userView(visibleUser(ctx.world, who, ctx.params.id ?? '')));
}

export const USERS_DEFAULT_LIMIT = 2000;

/** `GET /users` with one of `uuids`, `tenant_id`, `subtree_root_tenant_id`; `limit`, `after`. */
export function listUsers(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { world } = ctx;
  const scope = oneOfParams(ctx, ['uuids', 'tenant_id', 'subtree_root_tenant_id']);
  const limit = intParam(ctx, 'limit', { min: 1, max: 10_000, fallback: USERS_DEFAULT_LIMIT });
  let users: UserRec[];
  if (scope === 'uuids') {
    const ids = (ctx.query.get('uuids') ?? '').split(',').map((s) => s.trim().toLowerCase());
    const bad = ids.find((id) => !isUuid(id));
    if (bad !== undefined) throw badRequest(`uuids: ${JSON.stringify(bad)} is not a UUID`);
    users = [...new Set(ids)]
      .map((id) => world.users.get(id))
      .filter((u): u is UserRec => !!u && world.isVisible(who.tenantId, u.tenant_id));
  } else {
    const param = scope;
    const raw = ctx.query.get(param) ?? '';
    if (!isUuid(raw)) throw badRequest(`${param}: expected a UUID`);
    const root = visibleTenant(world, who, raw.toLowerCase());
    const tenants =
      param === 'tenant_id'
        ? [root]
        : world.liveSubtree(root).filter((t) => world.isVisible(root.id, t.id));
    users = tenants.flatMap((t) =>
      [...world.userIdsOf(t.id)].map((id) => world.users.get(id) as UserRec),
    );
  }
  const after = ctx.query.get('after');
  let start = 0;
  if (after) {
    const at = users.findIndex((u) => u.id === after.toLowerCase());
    if (at < 0) throw badRequest('after: not a cursor of this listing');
    start = at + 1;
  }
  const page = users.slice(start, start + limit);
  const more = start + limit < users.length;
  const last = page[page.length - 1];
  return ok({
    items: page.map(userView),
    paging: { cursors: more && last ? { after: last.id } : {} },
  });
}

export function updateUser(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const body = readJson(ctx, UserUpdateRequest);
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
  if (body.version !== u.version) throw versionMismatch(u.version, body.version);
  if (body.enabled === false && who.kind === 'user' && who.user.id === u.id) {
    throw forbidden('A user cannot disable themselves.');
  }
  const contact: Record<string, unknown> = { ...u.contact, ...(body.contact ?? {}) };
  // An activated user's new address waits for the old one to confirm (a link the emulator
  // never sends): the address and `version` stay as they are.
  if (u.activated && body.contact?.email !== undefined) contact.email = u.contact.email;
  const next: UserRec = {
    ...u,
    contact,
    enabled: body.enabled ?? u.enabled,
    language: body.language ?? u.language,
    notifications: body.notifications ?? u.notifications,
    business_types: body.business_types ?? u.business_types,
  };
  const changed =
    JSON.stringify({ ...next, version: 0, updated_at: '' }) !==
    JSON.stringify({ ...u, version: 0, updated_at: '' });
  if (!changed) return ok(userView(u));
  const saved = { ...next, version: u.version + 1, updated_at: nowIso() };
  ctx.world.commit({ users: [saved] });
  return ok(userView(saved));
}

export function deleteUser(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const version = intParam(ctx, 'version', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
  if (who.kind === 'user' && who.user.id === u.id)
    throw forbidden('A user cannot delete themselves.');
  if (version !== u.version) throw versionMismatch(u.version, version);
  if (u.enabled) {
    throw new HttpError(400, 'Only a disabled user can be deleted; disable it first.', {
      code: PLATFORM_CODES.businessRules,
      info: 'PUT /users/{id} with {"enabled": false, "version": N}, then DELETE.',
    });
  }
  // A personal tenant that was written goes with its user.
  const personal = u.personal_tenant_id ? ctx.world.tenants.get(u.personal_tenant_id) : undefined;
  const at = nowIso();
  ctx.world.commit({
    deleted_users: [u.id],
    tenants:
      personal && personal.deleted_at === null
        ? [{ ...personal, deleted_at: at, updated_at: at }]
        : [],
  });
  return noContent();
}

/** Activation calls: an API client's token, for users of the caller's sub-tenants only. */
function activationTarget(ctx: Ctx, who: Principal, what: string): UserRec {
  requireClient(who, what);
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
  if (u.tenant_id === who.tenantId) {
    throw forbidden(`${what} works only for users of your sub-tenants, not of your own tenant.`);
  }
  if (!u.enabled) throw userDisabled();
  return u;
}

export function sendActivationEmail(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  // The page sends an empty JSON object; the official example sends no body at all.
  if (ctx.body.length > 0 || mediaType(ctx.headers) !== '') {
    readJson(ctx, z.looseObject({}));
  }
  activationTarget(ctx, who, 'Sending an activation e-mail');
  return noContent();
}

/** Setting the password activates the account (the guide's second way). */
export function setPassword(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { password } = readJson(ctx, PasswordRequest);
  const u = activationTarget(ctx, who, 'Setting a password');
  ctx.world.commit({
    users: [
      {
        ...u,
        password: hashPassword(password),
        activated: true,
        version: u.version + 1,
        updated_at: nowIso(),
      },
    ],
  });
  return noContent();
}

export function getAccessPolicies(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
  return ok({ items: u.roles.map((r) => policyView(u, r)) });
}

/** The PUT replaces the user's whole set of role bindings. */
export function putAccessPolicies(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const { items } = readJson(ctx, AccessPoliciesPutRequest);
  const { world } = ctx;
  const u = visibleUser(world, who, ctx.params.id ?? '');
  const current = new Map(u.roles.map((r) => [r.id, r]));
  const roles: RoleRec[] = [];
  items.forEach((p, i) => {
    if (p.trustee_id.toLowerCase() !== u.id) {
      throw badRequest(`items.${i}.trustee_id: must be the user's id ${u.id}`);
    }
    const tenantId = p.tenant_id.toLowerCase();
    const kinds = ROLE_KINDS[p.role_id] ?? [];
    const personal = tenantId === u.personal_tenant_id;
    if (!personal) {
      const t = visibleTenant(world, who, tenantId);
      if (!world.isWithin(u.tenant_id, t.id) || !isLive(t)) {
        throw badRequest(`items.${i}.tenant_id: a role applies in the user's tenant or below it`);
      }
      if (!kinds.includes(t.kind)) {
        throw new HttpError(400, `The role ${p.role_id} does not fit a ${t.kind} tenant.`, {
          code: PLATFORM_CODES.businessRules,
          info: `${p.role_id} can be given in: ${kinds.join(', ')}.`,
        });
      }
    } else if (!kinds.includes('personal')) {
      throw new HttpError(400, `The role ${p.role_id} does not fit a personal tenant.`, {
        code: PLATFORM_CODES.businessRules,
        info: `${p.role_id} can be given in: ${kinds.join(', ')}.`,
      });
    }
    const id = p.id?.toLowerCase();
    const existing = id && id !== ZERO_UUID ? current.get(id) : undefined;
    if (id && id !== ZERO_UUID && !existing) {
      throw badRequest(
        `items.${i}.id: no such binding of this user (use the zero UUID for a new one)`,
      );
    }
    if (existing && p.version !== undefined && p.version !== existing.version) {
      throw versionMismatch(existing.version, p.version);
    }
    const same = existing && existing.role_id === p.role_id && existing.tenant_id === tenantId;
    roles.push(
      existing
        ? same
          ? existing
          : { ...existing, role_id: p.role_id, tenant_id: tenantId, version: existing.version + 1 }
        : {
            id: randomUUID(),
            issuer_id: ZERO_UUID,
            tenant_id: tenantId,
            role_id: p.role_id,
            version: 1,
          },
    );
  });
  // The bindings carry their own versions: the user's stays as it is.
  const next: UserRec = { ...u, roles };
  world.commit({ users: [next] });
  return ok({ items: roles.map((r) => policyView(next, r)) });
}
