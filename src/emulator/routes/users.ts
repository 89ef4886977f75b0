// Users: the official examples' creation flow (check_login, POST /users, activation email),
// reading, and a documented extra to set a password so the password grant can be tried.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { UserCreateRequest } from '../../schemas/index.ts';
import { authenticate, visibleTenant, visibleUser } from '../access.ts';
import { type Ctx, noContent, nowIso, ok, type Reply, readJson } from '../context.ts';
import { badRequest, conflict, forbidden } from '../errors.ts';
import { hashPassword } from '../secrets.ts';
import { userView } from '../views.ts';
import type { UserRec } from '../world.ts';

const PasswordRequest = z.strictObject({ password: z.string().min(8).max(256) });

const loginTaken = (login: string) =>
  conflict(`The login ${JSON.stringify(login)} is already taken.`);

export function me(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  if (who.kind !== 'user') {
    throw forbidden('/users/me needs a user: Basic login:password or a password-grant token.');
  }
  return ok(userView(who.user));
}

export function checkLogin(ctx: Ctx): Reply {
  authenticate(ctx, { basic: true });
  const login = ctx.query.get('username');
  if (!login) throw badRequest('username: required');
  if (ctx.world.userIdByLogin(login) !== undefined) throw loginTaken(login);
  return noContent();
}

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
    personal_tenant_id: randomUUID(),
    enabled: true,
    activated: false,
    contact: body.contact,
    mfa_status: enforced ? 'setup_required' : 'disabled',
    created_at: at,
    updated_at: at,
    password: null,
    totp_secret: null,
    totp_setup: false,
  };
  ctx.world.commit({ users: [user] });
  return ok(userView(user));
}

export function getUser(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  return ok(userView(visibleUser(ctx.world, who, ctx.params.id ?? '')));
}

export function sendActivationEmail(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  visibleUser(ctx.world, who, ctx.params.id ?? '');
  return noContent();
}

/** Emulator extra: what following the activation e-mail's link would do. */
export function setPassword(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const { password } = readJson(ctx, PasswordRequest);
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
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
