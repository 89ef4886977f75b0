import { z } from 'zod';
import { collection, Paging, Uuid } from './common.ts';
import { LooseBool, LooseInt } from './loose.ts';

export const TenantKind = z.enum(['root', 'partner', 'folder', 'customer', 'unit']);
export type TenantKind = z.infer<typeof TenantKind>;
/** Kinds that `POST /tenants` accepts. */
export const CreatableKind = z.enum(['partner', 'folder', 'customer', 'unit']);

export const TenantMfaStatus = z.enum(['enabled', 'disabled', 'disable_in_progress']);
export type TenantMfaStatus = z.infer<typeof TenantMfaStatus>;

export const Contact = z.looseObject({
  email: z.string().nullish(),
  firstname: z.string().nullish(),
  lastname: z.string().nullish(),
  phone: z.string().nullish(),
  address1: z.string().nullish(),
  city: z.string().nullish(),
  country: z.string().nullish(),
});

export const Tenant = z.looseObject({
  id: Uuid,
  version: z.number().int(),
  name: z.string(),
  kind: TenantKind,
  parent_id: Uuid.nullable(),
  enabled: z.boolean(),
  has_children: z.boolean().optional(),
  ancestral_access: z.boolean().optional(),
  customer_id: z.string().nullish(),
  internal_tag: z.string().nullish(),
  language: z.string().nullish(),
  contact: Contact.nullish(),
  owner_id: Uuid.nullish(),
  update_lock: z.looseObject({ enabled: z.boolean(), owner_id: Uuid.nullish() }).nullish(),
  mfa_status: TenantMfaStatus.optional(),
  pricing_mode: z.enum(['trial', 'production', 'suspended']).nullish(),
  enhanced_security: z.boolean().optional(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  deleted_at: z.string().nullish(),
});
export type Tenant = z.infer<typeof Tenant>;

/** Optional fields a caller may set on create or update. */
const TenantWritable = {
  customer_id: z.string().max(1024).nullish(),
  internal_tag: z.string().max(1024).nullish(),
  language: z.string().min(2).max(16).optional(),
  contact: Contact.optional(),
  ancestral_access: LooseBool.optional(),
  pricing_mode: z.enum(['trial', 'production']).optional(),
  /** The tutorials send it at the top level, the API description under `settings`. */
  enhanced_security: LooseBool.optional(),
  settings: z.strictObject({ enhanced_security: LooseBool.optional() }).optional(),
  update_lock: z.strictObject({ enabled: LooseBool, owner_id: Uuid.nullish() }).optional(),
  enabled: LooseBool.optional(),
};

/** `POST /tenants` body. */
export const TenantCreateRequest = z.object({
  name: z.string().trim().min(1).max(255),
  kind: CreatableKind,
  parent_id: Uuid,
  ...TenantWritable,
});
export type TenantCreateRequest = z.input<typeof TenantCreateRequest>;

/** `PUT /tenants/{id}` body: `version` is required (optimistic concurrency). */
export const TenantUpdateRequest = z.object({
  version: LooseInt,
  name: z.string().trim().min(1).max(255).optional(),
  parent_id: Uuid.optional(),
  kind: CreatableKind.optional(),
  /** The platform's lock example sends it; read as the lock's owner when `update_lock` has none. */
  owner_id: Uuid.nullish(),
  ...TenantWritable,
});
export type TenantUpdateRequest = z.input<typeof TenantUpdateRequest>;

/** `GET /tenants?...` answer. */
export const TenantList = z.looseObject({
  items: z.array(Tenant),
  paging: Paging.optional(),
  timestamp: z.string().optional(),
});
export type TenantList = z.infer<typeof TenantList>;

/** `GET /tenants/{id}/children` answer: ids, or tenants with `include_details=true`. */
export const ChildIds = collection(Uuid);
export const ChildDetails = collection(Tenant);
