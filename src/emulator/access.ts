// Who is calling and what they may see. A token (or Basic login) is bound to one tenant;
// it sees that tenant and what lies below, except subtrees that deny ancestral access.
// Unknown and out-of-scope objects get the same 403, so nothing leaks about the rest.
import type { Ctx } from './context.ts';
import { accessDenied, HttpError, tenantNotFound, unauthorized } from './errors.ts';
import { verifyPassword } from './secrets.ts';
import type { TenantRec, UserRec, World } from './world.ts';
import { isLive } from './world.ts';

export type Principal =
  | { kind: 'client'; clientId: string; tenantId: string }
  | { kind: 'user'; user: UserRec; tenantId: string };

export function parseBasic(header: string | undefined): { name: string; secret: string } | null {
  if (!header?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { name: safeDecode(decoded.slice(0, colon)), secret: decoded.slice(colon + 1) };
}

/** RFC 6749 says Basic credentials are form-encoded; most clients do not bother. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export const SESSION_COOKIE = 'AccountServerSession';

/** The session a one-time-token login opened, from its cookie. */
function sessionUser(ctx: Ctx): UserRec | null {
  const cookies = ctx.headers.cookie;
  if (!cookies) return null;
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    const session = ctx.world.sessions.get(rest.join('='));
    if (!session || session.expires < Date.now()) return null;
    return ctx.world.users.get(session.user_id) ?? null;
  }
  return null;
}

export function principalOfToken(ctx: Ctx, token: string): Principal {
  const result = ctx.signer.verify(token);
  if (!result.ok) throw unauthorized(result.reason);
  const { claims } = result;
  if (claims.sub_type === 'client') {
    const client = ctx.world.clients.get(claims.sub);
    if (!client) throw unauthorized('The API client of this token no longer exists.');
    // A jwt-bearer token is narrowed to one tenant at or below the client's.
    const scope = claims.tenant_id ?? client.tenant_id;
    if (!ctx.world.isWithin(client.tenant_id, scope)) {
      throw unauthorized('The token is scoped to a tenant outside its API client.');
    }
    if (ctx.world.isSuspended(client.tenant_id)) {
      throw unauthorized('The API client belongs to a disabled tenant.');
    }
    return { kind: 'client', clientId: client.client_id, tenantId: scope };
  }
  const user = ctx.world.users.get(claims.sub);
  if (!user?.enabled) throw unauthorized('The user of this token is gone or disabled.');
  if (ctx.world.isSuspended(user.tenant_id)) {
    throw unauthorized('The user belongs to a disabled tenant.');
  }
  const scope = claims.tenant_id ?? user.tenant_id;
  if (!ctx.world.isWithin(user.tenant_id, scope)) {
    throw unauthorized('The token is scoped to a tenant outside its user.');
  }
  return { kind: 'user', user, tenantId: scope };
}

function bearer(ctx: Ctx): Principal {
  const header = ctx.headers.authorization;
  if (!header) {
    const user = sessionUser(ctx);
    if (user?.enabled && !ctx.world.isSuspended(user.tenant_id)) {
      return { kind: 'user', user, tenantId: user.tenant_id };
    }
  }
  if (!header?.toLowerCase().startsWith('bearer ')) {
    throw unauthorized('Authorization header with a Bearer access token is required.');
  }
  return principalOfToken(ctx, header.slice(7).trim());
}

/** HTTP Basic with a user's login and password (what POST /clients and /users/me take). */
function basicUser(ctx: Ctx): Principal {
  const creds = parseBasic(ctx.headers.authorization);
  if (!creds) throw unauthorized('Basic authentication with login:password is required.');
  const id = ctx.world.userIdByLogin(creds.name);
  const user = id === undefined ? undefined : ctx.world.users.get(id);
  if (
    !user?.enabled ||
    !verifyPassword(user.password, creds.secret) ||
    ctx.world.isSuspended(user.tenant_id)
  ) {
    throw new HttpError(401, 'Wrong login or password.', {
      headers: { 'WWW-Authenticate': 'Basic realm="emulator"' },
    });
  }
  if (user.mfa_status === 'enabled' || user.mfa_status === 'setup_required') {
    throw unauthorized(
      'Two-factor authentication is on for this user: Basic authentication is refused; use POST /idp/token with totp_code.',
    );
  }
  return { kind: 'user', user, tenantId: user.tenant_id };
}

/** The caller, from a Bearer token, or (where `basic` is allowed) from Basic credentials. */
export function authenticate(ctx: Ctx, opts: { basic?: boolean } = {}): Principal {
  const header = ctx.headers.authorization ?? '';
  if (opts.basic && header.toLowerCase().startsWith('basic ')) return basicUser(ctx);
  return bearer(ctx);
}

/** A tenant the caller may see: 403 when unknown or out of scope, 404 when deleted. */
/** The API client a principal acts for, if any (it keeps access to tenants it created). */
export const clientOf = (who: Principal) => (who.kind === 'client' ? who.clientId : undefined);

export function visibleTenant(world: World, who: Principal, id: string): TenantRec {
  const t = world.tenantOrPersonal(id);
  // A personal tenant not yet written is seen through its user's tenant.
  const seenAs = t && !world.tenants.has(id) ? (t.parent_id ?? id) : id;
  if (!t || !world.isVisible(who.tenantId, seenAs, clientOf(who))) throw accessDenied();
  if (!isLive(t)) throw tenantNotFound(id);
  return t;
}

export function visibleUser(world: World, who: Principal, id: string): UserRec {
  const u = world.users.get(id);
  if (!u || !world.isVisible(who.tenantId, u.tenant_id, clientOf(who))) throw accessDenied();
  return u;
}

/** Only an API client's token may do this (activation, one-time tokens). */
export function requireClient(who: Principal, what: string): void {
  if (who.kind !== 'client') {
    throw new HttpError(403, `${what} needs an API client's token, not a user's.`, {
      code: '1002',
      info: 'Get a token with grant_type=client_credentials.',
    });
  }
}
