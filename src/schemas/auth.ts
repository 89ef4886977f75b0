import { Uuid } from './common.ts';
import * as z from './zod.ts';

/** `POST /idp/token` answer. `expires_on` is unix seconds. */
export const TokenResponse = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_on: z.number(),
  id_token: z.optional(z.string()),
  token_type: z.string(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Form fields of `POST /idp/token` (application/x-www-form-urlencoded). */
export const TokenForm = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('client_credentials') }),
  z.object({
    grant_type: z.literal('password'),
    username: z.string().check(z.minLength(1)),
    password: z.string().check(z.minLength(1)),
    totp_code: z.optional(z.string()),
  }),
]);
export type TokenForm = z.infer<typeof TokenForm>;

/** `POST /clients` body: creates an API client in a tenant. */
export const ClientCreateRequest = z.object({
  type: z.literal('api_client'),
  tenant_id: Uuid,
  token_endpoint_auth_method: z.literal('client_secret_basic'),
  data: z.object({ client_name: z.string().check(z.minLength(1), z.maxLength(255)) }),
});
export type ClientCreateRequest = z.infer<typeof ClientCreateRequest>;

/** `POST /clients` answer (201): the only time the secret is shown. */
export const ClientCreated = z.looseObject({
  client_id: z.string().check(z.minLength(1)),
  client_secret: z.string().check(z.minLength(1)),
  tenant_id: Uuid,
  type: z.string(),
  data: z.optional(z.looseObject({ client_name: z.string() })),
  client_secret_expires_at: z.optional(z.number()),
});
export type ClientCreated = z.infer<typeof ClientCreated>;

/** `GET /clients/{id}` answer: where `tenant_id` comes from after a login. */
export const ClientInfo = z.looseObject({
  client_id: z.string().check(z.minLength(1)),
  tenant_id: Uuid,
  type: z.string(),
  data: z.optional(z.looseObject({ client_name: z.string() })),
  created_by: z.nullish(z.string()),
  last_access_at: z.nullish(z.string()),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TENANT_SCOPE_PREFIX = 'urn:acronis.com:tenant-id:';

/** Form fields of the jwt-bearer grant: a token narrowed to one tenant of the caller's. */
export const JwtBearerForm = z.object({
  grant_type: z.literal(JWT_BEARER),
  assertion: z.string().check(z.minLength(1)),
  scope: z.string().check(z.startsWith(TENANT_SCOPE_PREFIX)),
});

/** `POST /idp/ott`: a one-time token to log in as a user. */
export const OttRequest = z
  .strictObject({
    purpose: z.enum(['user_login', 'verify']),
    login: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    user_id: z.optional(Uuid),
    external_id: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    audit_data: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(
    z.refine(
      (b) => [b.login, b.user_id, b.external_id].filter((x) => x !== undefined).length === 1,
      { message: 'give exactly one of login, user_id, external_id', path: ['login'] },
    ),
  );
export type OttRequest = z.infer<typeof OttRequest>;
export const OttReply = z.looseObject({ ott: z.string().check(z.minLength(1)) });
export type OttReply = z.infer<typeof OttReply>;
export const OttLoginRequest = z.strictObject({
  ott: z.string().check(z.minLength(1), z.maxLength(4096)),
});
