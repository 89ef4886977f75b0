import { z } from 'zod';
import { Paging, Uuid } from './common.ts';
import { LooseBool, LooseInt } from './loose.ts';
import { Contact } from './tenants.ts';

export const UserMfaStatus = z.enum(['disabled', 'forcibly_disabled', 'setup_required', 'enabled']);
export type UserMfaStatus = z.infer<typeof UserMfaStatus>;

export const User = z.looseObject({
  id: Uuid,
  version: z.number().int(),
  login: z.string(),
  tenant_id: Uuid,
  personal_tenant_id: Uuid.nullish(),
  enabled: z.boolean(),
  activated: z.boolean().optional(),
  contact: Contact.nullish(),
  mfa_status: UserMfaStatus.optional(),
  created_at: z.string().nullish(),
});
export type User = z.infer<typeof User>;

/** `GET /users?...` answer. */
export const UserList = z.looseObject({ items: z.array(User), paging: Paging.optional() });
export type UserList = z.infer<typeof UserList>;

/** Logins as the guide allows them: at least 3 characters of ASCII letters, digits and
 * . @ _ - + : ! # $ % ^ * = { } ' ` / ? (leading and trailing spaces are trimmed). */
export const LOGIN_PATTERN = /^[A-Za-z0-9.@_\-+:!#$%^*={}'`/?]{3,255}$/;
export const Login = z
  .string()
  .trim()
  .regex(
    LOGIN_PATTERN,
    "3 to 255 characters: letters, digits and . @ _ - + : ! # $ % ^ * = { } ' ` / ? only",
  );

/** `POST /users` body, as the official examples send it. */
export const UserCreateRequest = z.object({
  tenant_id: Uuid,
  login: Login,
  contact: z.looseObject({
    email: z.email(),
    firstname: z.string().max(255).optional(),
    lastname: z.string().max(255).optional(),
  }),
  enabled: LooseBool.optional(),
  language: z.string().min(2).max(16).optional(),
  notifications: z.array(z.string().max(64)).max(32).optional(),
  business_types: z.array(z.string().max(64)).max(32).optional(),
  external_id: z.string().max(255).optional(),
});
export type UserCreateRequest = z.input<typeof UserCreateRequest>;

/** `PUT /users/{id}`: `version` is required (optimistic concurrency). */
export const UserUpdateRequest = z.strictObject({
  version: LooseInt,
  contact: z
    .looseObject({
      email: z.email().optional(),
      firstname: z.string().max(255).optional(),
      lastname: z.string().max(255).optional(),
    })
    .optional(),
  enabled: LooseBool.optional(),
  language: z.string().min(2).max(16).optional(),
  notifications: z.array(z.string().max(64)).max(32).optional(),
  business_types: z.array(z.string().max(64)).max(32).optional(),
});
export type UserUpdateRequest = z.input<typeof UserUpdateRequest>;

/** `POST /users/{id}/password`: activates the account. */
export const PasswordRequest = z.strictObject({ password: z.string().min(8).max(256) });

/** The roles of the guide's table and the API description's enum. */
export const RoleId = z.enum([
  'partner_admin',
  'hci_admin',
  'company_admin',
  'unit_admin',
  'readonly_admin',
  'protection_admin',
  'protection_ro_admin',
  'restore_operator',
  'backup_user',
  'sync_share_admin',
  'sync_share_user',
  'sync_share_guest',
  'pds_operator',
  'pds_support',
  'notary_admin',
  'notary_user',
  'root_admin',
]);
export type RoleId = z.infer<typeof RoleId>;

/** A role binding ("access policy"); a new one has zero UUIDs for `id`, `issuer_id`. */
export const AccessPolicy = z.looseObject({
  id: Uuid,
  issuer_id: Uuid,
  trustee_id: Uuid,
  trustee_type: z.enum(['user', 'user_group', 'client']),
  tenant_id: Uuid,
  role_id: z.string(),
  version: z.number().int(),
});
export type AccessPolicy = z.infer<typeof AccessPolicy>;
export const AccessPolicyList = z.looseObject({ items: z.array(AccessPolicy) });
export type AccessPolicyList = z.infer<typeof AccessPolicyList>;

export const AccessPolicyPut = z.looseObject({
  id: Uuid.optional(),
  issuer_id: Uuid.optional(),
  trustee_id: Uuid,
  trustee_type: z.literal('user'),
  tenant_id: Uuid,
  role_id: RoleId,
  version: z.number().int().nonnegative().optional(),
});
export const AccessPoliciesPutRequest = z.strictObject({
  items: z.array(AccessPolicyPut).max(100),
});
export type AccessPoliciesPutRequest = z.infer<typeof AccessPoliciesPutRequest>;
