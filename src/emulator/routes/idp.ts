// One-time tokens: an API client asks for one to act as a user of its tenant or below; the
// token, posted once to /idp/ott/login, opens a cookie session that the API accepts as that
// user without an Authorization header; /idp/logout ends it.
import { randomBytes } from 'node:crypto';
import { OttLoginRequest, OttRequest } from '../../schemas/index.ts';
import { authenticate, requireClient, SESSION_COOKIE } from '../access.ts';
import { type Ctx, ok, type Reply, readJson } from '../context.ts';
import { accessDenied, badRequest, HttpError, PLATFORM_CODES, unauthorized } from '../errors.ts';
import { userView } from '../views.ts';
import type { UserRec } from '../world.ts';

export const OTT_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 2 * 3600_000;

export function issueOtt(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  requireClient(who, 'A one-time token');
  const body = readJson(ctx, OttRequest);
  const { world } = ctx;
  let user: UserRec | undefined;
  if (body.user_id !== undefined) user = world.users.get(body.user_id.toLowerCase());
  else if (body.login !== undefined) {
    const id = world.userIdByLogin(body.login);
    user = id === undefined ? undefined : world.users.get(id);
  } else {
    // The emulator's users have no external ids: nothing matches one.
    user = undefined;
  }
  // Users under a tenant that closed access to its ancestors are out of sight, as unknown ones.
  if (!user || !world.isVisible(who.tenantId, user.tenant_id)) throw accessDenied();
  if (!user.enabled) {
    throw new HttpError(400, 'The user is disabled.', { code: PLATFORM_CODES.userDisabled });
  }
  const ott = randomBytes(24).toString('base64url');
  // Expired ones are dropped as new ones come, so the map stays small.
  for (const [k, v] of world.otts) if (v.expires < Date.now()) world.otts.delete(k);
  world.otts.set(ott, {
    user_id: user.id,
    purpose: body.purpose,
    expires: Date.now() + OTT_TTL_MS,
  });
  return ok({ ott });
}

export function ottLogin(ctx: Ctx): Reply {
  const { ott } = readJson(ctx, OttLoginRequest);
  const { world } = ctx;
  const entry = world.otts.get(ott);
  world.otts.delete(ott);
  if (!entry || entry.expires < Date.now())
    throw unauthorized('The one-time token is unknown, used or expired.');
  if (entry.purpose !== 'user_login')
    throw badRequest('This one-time token is not for logging in (purpose verify).');
  const user = world.users.get(entry.user_id);
  if (!user?.enabled) throw unauthorized('The user of this one-time token is gone or disabled.');
  const sid = randomBytes(24).toString('base64url');
  for (const [k, v] of world.sessions) if (v.expires < Date.now()) world.sessions.delete(k);
  world.sessions.set(sid, { user_id: user.id, expires: Date.now() + SESSION_TTL_MS });
  return {
    status: 200,
    body: userView(user),
    headers: {
      'Set-Cookie': `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}`,
      'Cache-Control': 'no-store',
    },
  };
}

export function logout(ctx: Ctx): Reply {
  for (const part of (ctx.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) ctx.world.sessions.delete(rest.join('='));
  }
  return {
    status: 204,
    headers: { 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` },
  };
}
