import { Paging, Uuid } from './common.ts';
import { LooseBool, LooseInt } from './loose.ts';
import { Contact } from './tenants.ts';
import * as z from './zod.ts';

export const UserMfaStatus = z.enum(['disabled', 'forcibly_disabled', 'setup_required', 'enabled']);
export type UserMfaStatus = z.infer<typeof UserMfaStatus>;

export const User = z.looseObject({
  id: Uuid,
  version: z.int(),
  login: z.string(),
  tenant_id: Uuid,
  personal_tenant_id: z.nullish(Uuid),
  enabled: z.boolean(),
  activated: z.optional(z.boolean()),
  contact: z.nullish(Contact),
  mfa_status: z.optional(UserMfaStatus),
  created_at: z.nullish(z.string()),
});
export type User = z.infer<typeof User>;

/** `GET /users?...` answer. */
export const UserList = z.looseObject({ items: z.array(User), paging: z.optional(Paging) });
export type UserList = z.infer<typeof UserList>;

/** Logins as the guide allows them: at least 3 characters of ASCII letters, digits and
 * . @ _ - + : ! # $ % ^ * = { } ' ` / ? (leading and trailing spaces are trimmed). */
export const LOGIN_PATTERN = /^[A-Za-z0-9.@_\-+:!#$%^*={}'`/?]{3,255}$/;
export const Login = z
  .string()
  .check(
    z.trim(),
    z.regex(
      LOGIN_PATTERN,
      "3 to 255 characters: letters, digits and . @ _ - + : ! # $ % ^ * = { } ' ` / ? only",
    ),
  );

const Name = z.optional(z.string().check(z.maxLength(255)));
const Language = z.optional(z.string().check(z.minLength(2), z.maxLength(16)));
/** `notifications`, `business_types`: up to 32 words of up to 64 characters. */
const Words = z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(32)));

/** `POST /users` body, as the official examples send it. */
export const UserCreateRequest = z.object({
  tenant_id: Uuid,
  login: Login,
  contact: z.looseObject({
    email: z.email(),
    firstname: Name,
    lastname: Name,
  }),
  enabled: z.optional(LooseBool),
  language: Language,
  notifications: Words,
  business_types: Words,
  external_id: z.optional(z.string().check(z.maxLength(255))),
});
export type UserCreateRequest = z.input<typeof UserCreateRequest>;

/** `PUT /users/{id}`: `version` is required (optimistic concurrency). */
export const UserUpdateRequest = z.strictObject({
  version: LooseInt,
  contact: z.optional(
    z.looseObject({
      email: z.optional(z.email()),
      firstname: Name,
      lastname: Name,
    }),
  ),
  enabled: z.optional(LooseBool),
  language: Language,
  notifications: Words,
  business_types: Words,
});
export type UserUpdateRequest = z.input<typeof UserUpdateRequest>;

/** `POST /users/{id}/password`: activates the account. */
export const PasswordRequest = z.strictObject({
  password: z.string().check(z.minLength(8), z.maxLength(256)),
});

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
  version: z.int(),
});
export type AccessPolicy = z.infer<typeof AccessPolicy>;
export const AccessPolicyList = z.looseObject({ items: z.array(AccessPolicy) });
export type AccessPolicyList = z.infer<typeof AccessPolicyList>;

export const AccessPolicyPut = z.looseObject({
  id: z.optional(Uuid),
  issuer_id: z.optional(Uuid),
  trustee_id: Uuid,
  trustee_type: z.literal('user'),
  tenant_id: Uuid,
  role_id: RoleId,
  version: z.optional(z.int().check(z.nonnegative())),
});
export const AccessPoliciesPutRequest = z.strictObject({
  items: z.array(AccessPolicyPut).check(z.maxLength(100)),
});
export type AccessPoliciesPutRequest = z.infer<typeof AccessPoliciesPutRequest>;
