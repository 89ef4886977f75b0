// POST /idp/token: client_credentials (Basic client_id:client_secret) and the password grant
// for the emulator's users, with RFC 6238 codes once their 2FA is on. OAuth-shaped errors.
import { TokenForm } from '../../schemas/index.ts';
import { parseBasic } from '../access.ts';
import { type Ctx, mediaType, type Reply } from '../context.ts';
import { OAuthHttpError } from '../errors.ts';
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
  if (grant !== 'client_credentials' && grant !== 'password') {
    throw new OAuthHttpError(
      400,
      'unsupported_grant_type',
      `grant_type ${JSON.stringify(grant)} is not supported by the emulator (client_credentials, password).`,
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
    ctx.world.lastAccess.set(client.client_id, new Date().toISOString());
    subject = { sub: client.client_id, sub_type: 'client', tenant_id: client.tenant_id };
  } else {
    const id = ctx.world.userIdByLogin(form.username);
    const user = id === undefined ? undefined : ctx.world.users.get(id);
    if (!user || !verifyPassword(user.password, form.password)) {
      throw invalidGrant('Wrong username or password.');
    }
    if (!user.enabled) throw invalidGrant('The user is disabled.');
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
