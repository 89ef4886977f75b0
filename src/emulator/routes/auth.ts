// POST /idp/token: client_credentials (Basic client_id:client_secret) and the password grant
// for the emulator's users, with RFC 6238 codes once their 2FA is on. OAuth-shaped errors.
import { JWT_BEARER, JwtBearerForm, TENANT_SCOPE_PREFIX, TokenForm } from '../../schemas/index.ts';
import { parseBasic, principalOfToken } from '../access.ts';
import { type Ctx, mediaType, type Reply } from '../context.ts';
import { HttpError, OAuthHttpError } from '../errors.ts';
import { sha256hex, verifyPassword, verifySecret } from '../secrets.ts';
import type { TokenClaims } from '../tokens.ts';
import { verifyTotp } from '../totp.ts';

// Compared against when the client id is unknown, so both paths cost the same.
const NO_SECRET = sha256hex('no such client');

const invalidClient = (why: string) =>
  new OAuthHttpError(401, 'invalid_client', why, {
    'WWW-Authenticate': 'Basic realm="emulator"',
  });
const invalidGrant = (why: string) => new OAuthHttpError(400, 'invalid_grant', why);

export function token(ctx: Ctx): Reply {
  if (mediaType(ctx.headers) !== 'application/x-www-form-urlencoded') {
    throw new OAuthHttpError(
      415,
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded.',
    );
  }
  const fields = Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8')));
  const grant = fields.grant_type;
  if (!grant) throw new OAuthHttpError(400, 'invalid_request', 'grant_type is required.');
  if (grant === JWT_BEARER) return scopedToken(ctx, fields);
  if (grant !== 'client_credentials' && grant !== 'password') {
    throw new OAuthHttpError(
      400,
      'unsupported_grant_type',
      `grant_type ${JSON.stringify(grant)} is not supported by the emulator (client_credentials, password, ${JWT_BEARER}).`,
    );
  }
  const parsed = TokenForm.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OAuthHttpError(400, 'invalid_request', `${issue?.path.join('.')} is required.`);
  }
  const form = parsed.data;
  let subject: Omit<TokenClaims, 'iat' | 'exp' | 'jti' | 'iss'>;
  if (form.grant_type === 'client_credentials') {
    const creds = parseBasic(ctx.headers.authorization);
    if (!creds) {
      throw invalidClient('HTTP Basic authentication with client_id:client_secret is required.');
    }
    const client = ctx.world.clients.get(creds.name);
    const secretOk = verifySecret(client?.secret_sha256 ?? NO_SECRET, creds.secret);
    if (!client || !secretOk) throw invalidClient('Client authentication failed.');
    if (ctx.world.isSuspended(client.tenant_id)) {
      throw invalidClient('The API client belongs to a disabled tenant.');
    }
    ctx.world.lastAccess.set(client.client_id, new Date().toISOString());
    subject = { sub: client.client_id, sub_type: 'client', tenant_id: client.tenant_id };
  } else {
    const id = ctx.world.userIdByLogin(form.username);
    const user = id === undefined ? undefined : ctx.world.users.get(id);
    if (!user || !verifyPassword(user.password, form.password)) {
      throw invalidGrant('Wrong username or password.');
    }
    if (!user.enabled || ctx.world.isSuspended(user.tenant_id)) {
      throw invalidGrant('The user is disabled.');
    }
    if (user.mfa_status === 'setup_required') {
      throw invalidGrant(
        'Two-factor authentication setup is required for this user: finish TOTP setup before logging in.',
      );
    }
    if (user.mfa_status === 'enabled') {
      if (!form.totp_code) {
        throw invalidGrant('totp_code is required: two-factor authentication is on for this user.');
      }
      if (!user.totp_secret || !verifyTotp(user.totp_secret, form.totp_code)) {
        throw invalidGrant('totp_code is wrong or expired.');
      }
    }
    subject = { sub: user.id, sub_type: 'user', tenant_id: user.tenant_id };
  }
  return tokenReply(ctx, subject);
}

function tokenReply(ctx: Ctx, subject: Omit<TokenClaims, 'iat' | 'exp' | 'jti' | 'iss'>): Reply {
  const ttl = ctx.settings.tokenTtl;
  const access = ctx.signer.issue(subject, ttl);
  const id = ctx.signer.issue(subject, ttl);
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store' },
    body: {
      access_token: access.token,
      expires_on: access.claims.exp,
      id_token: id.token,
      token_type: 'bearer',
    },
  };
}

/**
 * The jwt-bearer grant: an access token (the `assertion`) exchanged for one that acts in a
 * tenant at or below the assertion's own, named by `scope=urn:acronis.com:tenant-id:<id>`.
 */
function scopedToken(ctx: Ctx, fields: Record<string, string>): Reply {
  const parsed = JwtBearerForm.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'assertion';
    throw new OAuthHttpError(
      400,
      'invalid_request',
      field === 'scope'
        ? `scope must be ${TENANT_SCOPE_PREFIX}<tenant id>.`
        : `${field} is required.`,
    );
  }
  let who: ReturnType<typeof principalOfToken>;
  try {
    who = principalOfToken(ctx, parsed.data.assertion);
  } catch (error) {
    if (error instanceof HttpError)
      throw invalidGrant(`The assertion is refused: ${error.message}`);
    throw error;
  }
  const tenantId = parsed.data.scope.slice(TENANT_SCOPE_PREFIX.length).toLowerCase();
  const t = ctx.world.tenants.get(tenantId);
  if (!t || t.deleted_at !== null || !ctx.world.isVisible(who.tenantId, tenantId)) {
    throw new OAuthHttpError(400, 'invalid_scope', 'The scope names no tenant this token can see.');
  }
  const sub = who.kind === 'client' ? who.clientId : who.user.id;
  return tokenReply(ctx, {
    sub,
    sub_type: who.kind,
    tenant_id: tenantId,
    scope: parsed.data.scope,
  });
}
