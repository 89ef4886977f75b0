// The emulator's state: plain records plus the indexes every route relies on. Records are
// replaced, never edited in place: a handler builds the new records, `commit` journals them
// (when a state file is used) and only then applies them, so a failed write changes nothing.
import type {
  TenantKind,
  TenantMfaInfo,
  TenantMfaStatus,
  UserMfaStatus,
} from '../schemas/index.ts';
import { PrefixIndex, tokenize } from './search-index.ts';

export type ContactRec = Record<string, unknown>;

/** A tenant's own state of one offering item (the catalogue holds the rest of its fields). */
export interface OfferingItemRec {
  name: string;
  infra_id: string | null;
  status: 0 | 1;
  /** Soft quota; null = no limit. */
  value: number | null;
  /** Hard quota above the soft one; null = none. */
  overage: number | null;
  /** Millisecond timestamp of the last quota change; 0 = never set. */
  version: number;
}

export interface RoleRec {
  id: string;
  issuer_id: string;
  tenant_id: string;
  role_id: string;
  version: number;
}

export interface ReportRec {
  id: string;
  version: number;
  /** The tenant the report is about (`parameters.tenant_id`). */
  tenant_id: string;
  parameters: Record<string, unknown>;
  schedule: { type: 'once' | 'monthly'; enabled: boolean };
  result_action: 'save' | 'send';
  recipients: string[];
  generation_date: string;
  created_at: string;
  stored: { id: string; report_format: string; created_at: string }[];
}

export interface TenantRec {
  id: string;
  version: number;
  name: string;
  kind: TenantKind;
  parent_id: string | null;
  enabled: boolean;
  ancestral_access: boolean;
  customer_id: string | null;
  internal_tag: string | null;
  language: string;
  contact: ContactRec;
  owner_id: string | null;
  update_lock: { enabled: boolean; owner_id: string | null };
  /** Meaningful on partners, customers and root; folders and units show their owner's. */
  mfa_status: TenantMfaStatus;
  pricing_mode: 'trial' | 'production' | 'suspended';
  /** In trial the planned switch date; afterwards when it happened. No zone, as the platform. */
  production_start_date: string | null;
  /** The pricing object's own version: a millisecond timestamp. */
  pricing_version: number;
  currency: string | null;
  enhanced_security: boolean;
  /** The API client that created the tenant: it keeps access even if ancestral access is
   * denied (the partner tutorial provisions a self-service partner right after creating it). */
  creator_client: string | null;
  /** Ids of the services (applications) enabled in the tenant. */
  applications: string[];
  /** The tenant's own offering items; changing them leaves `version` alone. */
  offering_items: OfferingItemRec[];
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface UserRec {
  id: string;
  version: number;
  login: string;
  tenant_id: string;
  /** Users of customers (and their units) have one; users of partners and folders do not. */
  personal_tenant_id: string | null;
  enabled: boolean;
  activated: boolean;
  contact: ContactRec;
  mfa_status: UserMfaStatus;
  created_at: string;
  updated_at: string;
  /** scrypt hash; null until a password is set. */
  password: { salt: string; hash: string } | null;
  /** base32 TOTP secret; `totp_setup` says whether the user finished enrolling it. */
  totp_secret: string | null;
  totp_setup: boolean;
  roles: RoleRec[];
  language: string;
  notifications: string[];
  business_types: string[];
}

export interface ClientRec {
  client_id: string;
  /** sha256 of the secret, hex: the secret itself is shown once and never stored. */
  secret_sha256: string;
  tenant_id: string;
  type: 'api_client';
  data: { client_name: string };
  created_by: string | null;
  created_at: string;
}

/** What the seed decided and what a restart must reproduce (credentials, signing key). */
export interface WorldMeta {
  seed: number;
  root_id: string;
  partner_id: string;
  client_id: string;
  client_secret: string;
  admin_id: string;
  admin_login: string;
  admin_password: string;
  signing_key: string;
}

/** One atomic mutation: full replacement records plus deletions. Also the journal's line. */
export interface Change {
  tenants?: TenantRec[];
  users?: UserRec[];
  clients?: ClientRec[];
  reports?: ReportRec[];
  deleted_users?: string[];
  deleted_clients?: string[];
  deleted_reports?: string[];
}

/** Kinds that hold their own 2FA setting; folders and units inherit from the nearest one. */
const MFA_OWNER_KINDS: ReadonlySet<TenantKind> = new Set(['root', 'partner', 'customer']);
const MAX_DEPTH = 256;

export const isLive = (t: TenantRec) => t.deleted_at === null;

function tenantTokens(t: TenantRec): string[] {
  const parts = [t.name, t.customer_id, t.contact.firstname, t.contact.lastname, t.contact.email];
  return [...new Set(parts.flatMap((p) => (typeof p === 'string' ? tokenize(p) : [])))];
}

function userTokens(u: UserRec): string[] {
  const parts = [u.login, u.contact.firstname, u.contact.lastname, u.contact.email];
  return [...new Set(parts.flatMap((p) => (typeof p === 'string' ? tokenize(p) : [])))];
}

const sameContact = (a: ContactRec, b: ContactRec) =>
  a === b || (a.firstname === b.firstname && a.lastname === b.lastname && a.email === b.email);
const sameTenantText = (a: TenantRec, b: TenantRec) =>
  a.name === b.name && a.customer_id === b.customer_id && sameContact(a.contact, b.contact);
const sameUserText = (a: UserRec, b: UserRec) =>
  a.login === b.login && sameContact(a.contact, b.contact);

export class World {
  readonly meta: WorldMeta;
  readonly tenants = new Map<string, TenantRec>();
  readonly users = new Map<string, UserRec>();
  readonly clients = new Map<string, ClientRec>();
  readonly reports = new Map<string, ReportRec>();
  /** One-time tokens and the sessions they open: not durable on purpose (short-lived). */
  readonly otts = new Map<string, { user_id: string; purpose: string; expires: number }>();
  readonly sessions = new Map<string, { user_id: string; expires: number }>();
  /** Children in creation order, deleted ones included, so positions never shift (paging). */
  readonly #children = new Map<string, string[]>();
  readonly #position = new Map<string, number>();
  readonly #liveChildren = new Map<string, number>();
  readonly #names = new Map<string, string>();
  readonly #logins = new Map<string, string>();
  readonly #usersByTenant = new Map<string, Set<string>>();
  readonly #tokens = new Map<string, string[]>();
  readonly search = new PrefixIndex();
  /** Personal tenant id -> user id, built the first time one is looked up. */
  #personal: Map<string, string> | null = null;
  /** Set by persistence: called with each change before it is applied; a throw aborts it. */
  journal: ((change: Change) => void) | null = null;
  /** Not durable on purpose: it changes on every token and is informational. */
  readonly lastAccess = new Map<string, string>();

  constructor(meta: WorldMeta) {
    this.meta = meta;
  }

  /** Loads many records at once (seed, snapshot) with one sort of the search index. */
  load(change: Change): void {
    this.search.beginBulk();
    try {
      this.#apply(change);
    } finally {
      this.search.endBulk();
    }
  }

  commit(change: Change): void {
    this.journal?.(change);
    this.#apply(change);
  }

  /** Replays a journaled change (already durable). */
  replay(change: Change): void {
    this.#apply(change);
  }

  #apply(change: Change): void {
    for (const t of change.tenants ?? []) this.#putTenant(t);
    for (const u of change.users ?? []) this.#putUser(u);
    for (const c of change.clients ?? []) this.clients.set(c.client_id, c);
    for (const r of change.reports ?? []) this.reports.set(r.id, r);
    for (const id of change.deleted_users ?? []) this.#deleteUser(id);
    for (const id of change.deleted_clients ?? []) this.clients.delete(id);
    for (const id of change.deleted_reports ?? []) this.reports.delete(id);
  }

  #putTenant(t: TenantRec): void {
    const old = this.tenants.get(t.id);
    this.tenants.set(t.id, t);
    const live = isLive(t);
    // A user's personal tenant: in the tree (for items and cascades), not in names or search.
    if (t.owner_id !== null) {
      if (!old && t.parent_id !== null) {
        const siblings = this.#children.get(t.parent_id) ?? [];
        if (siblings.length === 0) this.#children.set(t.parent_id, siblings);
        this.#position.set(t.id, siblings.length);
        siblings.push(t.id);
      }
      return;
    }
    const key = t.name.toLowerCase();
    if (!old) {
      if (t.parent_id !== null) {
        const siblings = this.#children.get(t.parent_id) ?? [];
        if (siblings.length === 0) this.#children.set(t.parent_id, siblings);
        this.#position.set(t.id, siblings.length);
        siblings.push(t.id);
        if (live) this.#bumpLive(t.parent_id, 1);
      }
    } else {
      const oldKey = old.name.toLowerCase();
      if (isLive(old) && this.#names.get(oldKey) === t.id) this.#names.delete(oldKey);
      if (old.parent_id !== t.parent_id && old.parent_id !== null && t.parent_id !== null) {
        this.#reparent(old, t.parent_id);
        if (isLive(old)) this.#bumpLive(old.parent_id, -1);
        if (live) this.#bumpLive(t.parent_id, 1);
      } else if (t.parent_id !== null && isLive(old) !== live) {
        this.#bumpLive(t.parent_id, live ? 1 : -1);
      }
    }
    if (live) {
      this.#names.set(key, t.id);
      // Most updates (2FA, version bumps) leave the searchable text alone: skip re-tokenizing.
      if (!old || !isLive(old) || !sameTenantText(old, t)) this.#index(t.id, tenantTokens(t));
    }
  }

  /** A move: the old slot keeps an empty id (positions of paging cursors never shift). */
  #reparent(old: TenantRec, newParentId: string): void {
    const from = this.#children.get(old.parent_id as string);
    const at = this.#position.get(old.id);
    if (from && at !== undefined && from[at] === old.id) from[at] = '';
    const siblings = this.#children.get(newParentId) ?? [];
    if (siblings.length === 0) this.#children.set(newParentId, siblings);
    this.#position.set(old.id, siblings.length);
    siblings.push(old.id);
  }

  #bumpLive(parentId: string, delta: number): void {
    this.#liveChildren.set(parentId, (this.#liveChildren.get(parentId) ?? 0) + delta);
  }

  #putUser(u: UserRec): void {
    const old = this.users.get(u.id);
    if (u.personal_tenant_id !== null) this.#personal?.set(u.personal_tenant_id, u.id);
    if (old) {
      this.#logins.delete(old.login.toLowerCase());
      this.#usersByTenant.get(old.tenant_id)?.delete(u.id);
    }
    this.users.set(u.id, u);
    this.#logins.set(u.login.toLowerCase(), u.id);
    let set = this.#usersByTenant.get(u.tenant_id);
    if (!set) {
      set = new Set();
      this.#usersByTenant.set(u.tenant_id, set);
    }
    set.add(u.id);
    if (!old || !sameUserText(old, u)) this.#index(u.id, userTokens(u));
  }

  #deleteUser(id: string): void {
    const u = this.users.get(id);
    if (!u) return;
    this.users.delete(id);
    this.#logins.delete(u.login.toLowerCase());
    this.#usersByTenant.get(u.tenant_id)?.delete(id);
    this.#tokens.delete(id);
  }

  /** Adds postings only for tokens the object did not have, so unchanged updates cost nothing. */
  #index(id: string, tokens: string[]): void {
    const before = this.#tokens.get(id);
    this.#tokens.set(id, tokens);
    this.search.add(id, before ? tokens.filter((t) => !before.includes(t)) : tokens);
  }

  // ---- queries -------------------------------------------------------------------------

  /**
   * A tenant by id, or a user's personal tenant not yet written: then a unit below the user's
   * tenant, owned by the user, made up from the user (it becomes a record on its first change).
   */
  tenantOrPersonal(id: string): TenantRec | undefined {
    const t = this.tenants.get(id);
    if (t) return t;
    if (!this.#personal) {
      this.#personal = new Map();
      for (const u of this.users.values()) {
        if (u.personal_tenant_id !== null) this.#personal.set(u.personal_tenant_id, u.id);
      }
    }
    const userId = this.#personal.get(id);
    const u = userId === undefined ? undefined : this.users.get(userId);
    const home = u ? this.tenants.get(u.tenant_id) : undefined;
    if (!u || !home || u.personal_tenant_id !== id) return undefined;
    return {
      ...home,
      id,
      version: 1,
      name: u.login,
      kind: 'unit',
      parent_id: home.id,
      ancestral_access: true,
      customer_id: null,
      internal_tag: null,
      contact: {},
      owner_id: u.id,
      update_lock: { enabled: false, owner_id: null },
      mfa_status: 'disabled',
      creator_client: null,
      applications: home.applications,
      offering_items: [],
      created_at: u.created_at,
      updated_at: u.created_at,
      deleted_at: null,
    };
  }

  /** Current search tokens of a live tenant or existing user (to re-check a candidate). */
  tokensOf(id: string): readonly string[] | undefined {
    return this.#tokens.get(id);
  }

  tenantIdByName(name: string): string | undefined {
    return this.#names.get(name.toLowerCase());
  }

  userIdByLogin(login: string): string | undefined {
    return this.#logins.get(login.toLowerCase());
  }

  /** Ids of all children (deleted ones too) in creation order; '' where one moved away. */
  childIds(id: string): readonly string[] {
    return this.#children.get(id) ?? [];
  }

  /** Index of a tenant among its parent's children: an O(1) paging cursor. */
  positionOf(id: string): number | undefined {
    return this.#position.get(id);
  }

  hasLiveChildren(id: string): boolean {
    return (this.#liveChildren.get(id) ?? 0) > 0;
  }

  userIdsOf(tenantId: string): ReadonlySet<string> {
    return this.#usersByTenant.get(tenantId) ?? new Set();
  }

  /**
   * Whether `tenantId` lies at or below `scopeRootId` without crossing a tenant that denies
   * ancestral access. Walks the parent chain (the tree is shallow), never scans.
   */
  isVisible(scopeRootId: string, tenantId: string, clientId?: string): boolean {
    let id: string | null = tenantId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      if (id === scopeRootId) return true;
      const t = this.tenants.get(id);
      if (!t) return false;
      if (!t.ancestral_access && (clientId === undefined || t.creator_client !== clientId)) {
        return false;
      }
      id = t.parent_id;
    }
    return false;
  }

  /** Names from `fromId` down to `tenantId`, joined by '/'. */
  pathOf(fromId: string, tenantId: string): string {
    const names: string[] = [];
    let id: string | null = tenantId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      const t = this.tenants.get(id);
      if (!t) break;
      names.push(t.name);
      if (id === fromId) break;
      id = t.parent_id;
    }
    return names.reverse().join('/');
  }

  /** The partner, customer (or root) whose 2FA setting applies to this tenant. */
  mfaOwner(t: TenantRec): TenantRec {
    let cur = t;
    for (let depth = 0; !MFA_OWNER_KINDS.has(cur.kind) && depth < MAX_DEPTH; depth++) {
      const parent = cur.parent_id === null ? undefined : this.tenants.get(cur.parent_id);
      if (!parent) break;
      cur = parent;
    }
    return cur;
  }

  /** The owner and its live folders and units, not crossing into child customers/partners. */
  mfaDomain(owner: TenantRec): TenantRec[] {
    const out: TenantRec[] = [owner];
    for (let i = 0; i < out.length; i++) {
      for (const childId of this.childIds((out[i] as TenantRec).id)) {
        const child = this.tenants.get(childId);
        if (child && isLive(child) && !MFA_OWNER_KINDS.has(child.kind)) out.push(child);
      }
    }
    return out;
  }

  *mfaDomainUsers(owner: TenantRec): Generator<UserRec> {
    for (const t of this.mfaDomain(owner)) {
      for (const id of this.userIdsOf(t.id)) {
        const u = this.users.get(id);
        if (u) yield u;
      }
    }
  }

  /** The status object as the seed page shows it. */
  mfaInfo(t: TenantRec): TenantMfaInfo {
    const owner = this.mfaOwner(t);
    let users = 0;
    let totp = 0;
    for (const u of this.mfaDomainUsers(owner)) {
      if (!u.enabled) continue;
      users++;
      if (u.totp_setup) totp++;
    }
    const inherits = owner.id !== t.id;
    return {
      mfa_status: owner.mfa_status,
      users_with_totp_enabled_count: totp,
      users_count: users,
      update_allowed: !inherits && !t.update_lock.enabled && t.kind !== 'root',
    };
  }

  /** A user's status when 2FA is (re)applied to them by their tenant's setting. */
  static userMfaWhenEnabled(u: UserRec): UserMfaStatus {
    return u.totp_setup ? 'enabled' : 'setup_required';
  }

  /** Whether `id` is `ancestorId` or lies below it (any access flags). */
  isWithin(ancestorId: string, id: string): boolean {
    let cur: string | null = id;
    for (let depth = 0; cur !== null && depth < MAX_DEPTH; depth++) {
      if (cur === ancestorId) return true;
      cur = this.tenants.get(cur)?.parent_id ?? null;
    }
    return false;
  }

  /** A tenant is suspended when it or one of its ancestors is disabled. */
  isSuspended(tenantId: string): boolean {
    let cur: string | null = tenantId;
    for (let depth = 0; cur !== null && depth < MAX_DEPTH; depth++) {
      const t = this.tenants.get(cur);
      if (!t) return true;
      if (!t.enabled) return true;
      cur = t.parent_id;
    }
    return false;
  }

  /** The live subtree of `top`, `top` first (breadth first). */
  liveSubtree(top: TenantRec): TenantRec[] {
    const out = [top];
    for (let i = 0; i < out.length; i++) {
      for (const id of this.childIds((out[i] as TenantRec).id)) {
        const child = id === '' ? undefined : this.tenants.get(id);
        if (child && isLive(child) && child.parent_id === (out[i] as TenantRec).id) out.push(child);
      }
    }
    return out;
  }

  snapshot(): {
    meta: WorldMeta;
    tenants: TenantRec[];
    users: UserRec[];
    clients: ClientRec[];
    reports: ReportRec[];
  } {
    return {
      meta: this.meta,
      tenants: [...this.tenants.values()],
      users: [...this.users.values()],
      clients: [...this.clients.values()],
      reports: [...this.reports.values()],
    };
  }
}
