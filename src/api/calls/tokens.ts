// Tokens beyond the client's own: a token scoped to one customer (jwt-bearer), and one-time
// tokens that open a cookie session as a user (for a console login on behalf of them).
import {
  JWT_BEARER,
  OttReply,
  OttRequest,
  TENANT_SCOPE_PREFIX,
  TokenResponse,
  User,
} from '../../schemas/index.ts';
import { checked, uuid } from '../args.ts';
import type { PlatformClient } from '../client.ts';

/**
 * `POST /idp/token` with the jwt-bearer grant: a token that acts in `tenantId` (a customer of
 * the caller's) and sees only that tenant and below. The token is masked in every record.
 */
export async function scopedToken(
  client: PlatformClient,
  tenantId: string,
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const tid = uuid('scopedToken', 'the tenant id', tenantId);
  await client.ensureToken(signal);
  // The assertion is the client's own access token ("Bearer <token>" without the scheme).
  const assertion = client.auth.Authorization.replace(/^Bearer /, '');
  const res = await client.request('POST', '/idp/token', {
    form: { grant_type: JWT_BEARER, assertion, scope: `${TENANT_SCOPE_PREFIX}${tid}` },
    schema: TokenResponse,
    sensitive: true,
    signal,
  });
  client.redactor.add(res.body.access_token, res.body.id_token);
  return res.body;
}

/** `POST /idp/ott`: a one-time token to log in as a user (API clients only). */
export async function createOneTimeToken(
  client: PlatformClient,
  target: { login: string } | { user_id: string } | { external_id: string },
  signal?: AbortSignal,
): Promise<string> {
  const body = checked('createOneTimeToken', OttRequest, { purpose: 'user_login', ...target });
  const res = await client.request('POST', '/idp/ott', {
    json: body,
    schema: OttReply,
    sensitive: true,
    signal,
  });
  client.redactor.add(res.body.ott);
  return res.body.ott;
}

/**
 * `POST /idp/ott/login`: spends the one-time token; answers the user and the session cookie
 * (`name=value`) to send as a `Cookie` header instead of an Authorization header.
 */
export async function loginWithOneTimeToken(
  client: PlatformClient,
  ott: string,
  signal?: AbortSignal,
): Promise<{ user: User; cookie: string }> {
  const res = await client.request('POST', '/idp/ott/login', {
    auth: 'none',
    json: { ott },
    schema: User,
    sensitive: true,
    signal,
  });
  const cookie = (res.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  client.redactor.add(cookie.split('=').slice(1).join('='));
  return { user: res.body, cookie };
}

/** `GET /idp/logout` with the session's cookie: ends it. */
export async function logout(
  client: PlatformClient,
  cookie: string,
  signal?: AbortSignal,
): Promise<void> {
  await client.request('GET', '/idp/logout', {
    auth: 'none',
    headers: { cookie },
    expect: [200, 204, 302],
    signal,
  });
}
