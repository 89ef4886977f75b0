import { collection, Paging, Uuid } from './common.ts';
import { LooseBool, LooseInt } from './loose.ts';
import * as z from './zod.ts';

export const TenantKind = z.enum(['root', 'partner', 'folder', 'customer', 'unit']);
export type TenantKind = z.infer<typeof TenantKind>;
/** Kinds that `POST /tenants` accepts. */
export const CreatableKind = z.enum(['partner', 'folder', 'customer', 'unit']);

export const TenantMfaStatus = z.enum(['enabled', 'disabled', 'disable_in_progress']);
export type TenantMfaStatus = z.infer<typeof TenantMfaStatus>;

const Text = z.nullish(z.string());

export const Contact = z.looseObject({
  email: Text,
  firstname: Text,
  lastname: Text,
  phone: Text,
  address1: Text,
  city: Text,
  country: Text,
});

export const Tenant = z.looseObject({
  id: Uuid,
  version: z.int(),
  name: z.string(),
  kind: TenantKind,
  parent_id: z.nullable(Uuid),
  enabled: z.boolean(),
  has_children: z.optional(z.boolean()),
  ancestral_access: z.optional(z.boolean()),
  customer_id: Text,
  internal_tag: Text,
  language: Text,
  contact: z.nullish(Contact),
  owner_id: z.nullish(Uuid),
  update_lock: z.nullish(z.looseObject({ enabled: z.boolean(), owner_id: z.nullish(Uuid) })),
  mfa_status: z.optional(TenantMfaStatus),
  pricing_mode: z.nullish(z.enum(['trial', 'production', 'suspended'])),
  enhanced_security: z.optional(z.boolean()),
  created_at: Text,
  updated_at: Text,
  deleted_at: Text,
});
export type Tenant = z.infer<typeof Tenant>;

/** A tenant's name as a caller sends it: trimmed, then 1 to 255 characters. */
const TenantName = z.string().check(z.trim(), z.minLength(1), z.maxLength(255));

/** Optional fields a caller may set on create or update. */
const TenantWritable = {
  customer_id: z.nullish(z.string().check(z.maxLength(1024))),
  internal_tag: z.nullish(z.string().check(z.maxLength(1024))),
  language: z.optional(z.string().check(z.minLength(2), z.maxLength(16))),
  contact: z.optional(Contact),
  ancestral_access: z.optional(LooseBool),
  pricing_mode: z.optional(z.enum(['trial', 'production'])),
  /** The tutorials send it at the top level, the API description under `settings`. */
  enhanced_security: z.optional(LooseBool),
  settings: z.optional(z.strictObject({ enhanced_security: z.optional(LooseBool) })),
  update_lock: z.optional(z.strictObject({ enabled: LooseBool, owner_id: z.nullish(Uuid) })),
  enabled: z.optional(LooseBool),
};

/** `POST /tenants` body. */
export const TenantCreateRequest = z.object({
  name: TenantName,
  kind: CreatableKind,
  parent_id: Uuid,
  ...TenantWritable,
});
export type TenantCreateRequest = z.input<typeof TenantCreateRequest>;

/** `PUT /tenants/{id}` body: `version` is required (optimistic concurrency). */
export const TenantUpdateRequest = z.object({
  version: LooseInt,
  name: z.optional(TenantName),
  parent_id: z.optional(Uuid),
  kind: z.optional(CreatableKind),
  /** The platform's lock example sends it; read as the lock's owner when `update_lock` has none. */
  owner_id: z.nullish(Uuid),
  ...TenantWritable,
});
export type TenantUpdateRequest = z.input<typeof TenantUpdateRequest>;

/** `GET /tenants?...` answer. */
export const TenantList = z.looseObject({
  items: z.array(Tenant),
  paging: z.optional(Paging),
  timestamp: z.optional(z.string()),
});
export type TenantList = z.infer<typeof TenantList>;

/** `GET /tenants/{id}/children` answer: ids, or tenants with `include_details=true`. */
export const ChildIds = collection(Uuid);
export const ChildDetails = collection(Tenant);
