import { z } from 'zod';
import { Uuid } from './common.ts';

/** `POST /idp/token` answer. `expires_on` is unix seconds. */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_on: z.number(),
  id_token: z.string().optional(),
  token_type: z.string(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Form fields of `POST /idp/token` (application/x-www-form-urlencoded). */
export const TokenForm = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('client_credentials') }),
  z.object({
    grant_type: z.literal('password'),
    username: z.string().min(1),
    password: z.string().min(1),
    totp_code: z.string().optional(),
  }),
]);
export type TokenForm = z.infer<typeof TokenForm>;

/** `POST /clients` body: creates an API client in a tenant. */
export const ClientCreateRequest = z.object({
  type: z.literal('api_client'),
  tenant_id: Uuid,
  token_endpoint_auth_method: z.literal('client_secret_basic'),
  data: z.object({ client_name: z.string().min(1).max(255) }),
});
export type ClientCreateRequest = z.infer<typeof ClientCreateRequest>;

/** `POST /clients` answer (201): the only time the secret is shown. */
export const ClientCreated = z.looseObject({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  tenant_id: Uuid,
  type: z.string(),
  data: z.looseObject({ client_name: z.string() }).optional(),
  client_secret_expires_at: z.number().optional(),
});
export type ClientCreated = z.infer<typeof ClientCreated>;

/** `GET /clients/{id}` answer: where `tenant_id` comes from after a login. */
export const ClientInfo = z.looseObject({
  client_id: z.string().min(1),
  tenant_id: Uuid,
  type: z.string(),
  data: z.looseObject({ client_name: z.string() }).optional(),
  created_by: z.string().nullish(),
  last_access_at: z.string().nullish(),
});
export type ClientInfo = z.infer<typeof ClientInfo>;
