// What the API shows of the records: computed fields added, secrets left out.
import type { AccessPolicy, Tenant, User } from '../schemas/index.ts';
import type { RoleRec, TenantRec, UserRec, World } from './world.ts';

export function tenantView(world: World, t: TenantRec): Tenant {
  return {
    id: t.id,
    version: t.version,
    name: t.name,
    kind: t.kind,
    parent_id: t.parent_id,
    enabled: t.enabled,
    has_children: world.hasLiveChildren(t.id),
    ancestral_access: t.ancestral_access,
    customer_id: t.customer_id,
    internal_tag: t.internal_tag,
    language: t.language,
    contact: t.contact,
    owner_id: t.owner_id,
    update_lock: t.update_lock,
    // Folders and units have no setting of their own: show the one that applies to them.
    mfa_status: world.mfaOwner(t).mfa_status,
    pricing_mode: t.pricing_mode,
    created_at: t.created_at,
    updated_at: t.updated_at,
    deleted_at: t.deleted_at,
  };
}

export function userView(u: UserRec): User {
  return {
    id: u.id,
    version: u.version,
    login: u.login,
    tenant_id: u.tenant_id,
    personal_tenant_id: u.personal_tenant_id,
    enabled: u.enabled,
    activated: u.activated,
    contact: u.contact,
    mfa_status: u.mfa_status,
    created_at: u.created_at,
  };
}

export function policyView(u: UserRec, r: RoleRec): AccessPolicy {
  return {
    id: r.id,
    issuer_id: r.issuer_id,
    trustee_id: u.id,
    trustee_type: 'user',
    tenant_id: r.tenant_id,
    role_id: r.role_id,
    version: r.version,
  };
}
