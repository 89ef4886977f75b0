// The token endpoint's OAuth errors as one AuthError each, with a sentence and a hint.
import { AuthError } from './errors.ts';

export const OAUTH_HINTS: Record<string, [string, string]> = {
  invalid_client: [
    'the client id or secret is wrong',
    'Check the client id and secret; an API client exists only in the data center where it was created, so check the URL too.',
  ],
  invalid_grant: [
    'the login, password or 2FA code is wrong',
    'Check the login and password; a user with 2FA on also needs a fresh totp_code. API clients avoid this.',
  ],
  unauthorized_client: [
    'this client may not use this grant type',
    'Use an API client (client_credentials) created in the portal or with createApiClient.',
  ],
  unsupported_grant_type: [
    'the grant type is not supported',
    'Use client_credentials or password.',
  ],
  invalid_request: [
    'the token request is malformed',
    'Report this: the client sent a request the platform did not accept.',
  ],
  invalid_scope: ['the requested scope is not allowed', 'Ask without a scope.'],
};

export function authError(
  status: number,
  code: string,
  description: string | undefined,
  host: string,
): AuthError {
  const [what, hint] = OAUTH_HINTS[code] ?? [
    'the token endpoint refused to issue a token',
    'Check the credentials and the data center URL.',
  ];
  const said = description ? ` (${description.replace(/\s+/g, ' ').slice(0, 200)})` : '';
  return new AuthError(
    status,
    code,
    description,
    `Login to ${host} failed: ${code}: ${what}${said}.`,
    hint,
  );
}
