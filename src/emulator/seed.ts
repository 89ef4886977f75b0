// The starting world, the same for the same seed: a hidden root, a production partner that
// owns the API client and the administrator, and N customers with folders, units and users.
import { randomBytes } from 'node:crypto';
import { APP, ZERO_UUID } from './catalogue.ts';
import { allItemsOn, seededItems } from './offering.ts';
import { hashPassword, randomSecret, sha256hex } from './secrets.ts';
import { base32Encode } from './totp.ts';
import type {
  ClientRec,
  OfferingItemRec,
  ReportRec,
  TenantRec,
  UserRec,
  WorldMeta,
} from './world.ts';
import { World } from './world.ts';

export const ADMIN_LOGIN = 'admin@emulator.test';
export const ADMIN_PASSWORD = 'emulator-admin-password';
export const PARTNER_NAME = 'Emulator Partner';
export const FOLDER_NAME = 'Managed Customers';
/** The seeded customer numbers with special settings (when that many customers exist). */
export const HIDDEN_CUSTOMER = 2;
export const LOCKED_CUSTOMER = 3;

const ADJECTIVES = [
  'Northwind',
  'Bluewater',
  'Summit',
  'Riverside',
  'Oakridge',
  'Silverline',
  'Granite',
  'Harbor',
  'Maple',
  'Cedar',
  'Evergreen',
  'Lakeside',
  'Pinecrest',
  'Redwood',
  'Sunrise',
  'Westfield',
  'Brightstone',
  'Ironwood',
  'Clearview',
  'Highland',
];
const NOUNS = [
  'Dental',
  'Logistics',
  'Bakery',
  'Clinic',
  'Builders',
  'Accounting',
  'Pharmacy',
  'Studios',
  'Robotics',
  'Veterinary',
  'Florists',
  'Motors',
  'Insurance',
  'Consulting',
  'Brewing',
  'Outfitters',
  'Realty',
  'Printing',
  'Analytics',
  'Catering',
];
const FIRST = [
  'Alice',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Keira',
  'Luca',
  'Maya',
  'Nikolai',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Samir',
  'Tara',
];
const LAST = [
  'Anders',
  'Baker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quint',
  'Rossi',
  'Schmidt',
  'Tanaka',
];

/** mulberry32: tiny, fast and good enough to make a world reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';
const UUID_CODES = new Array<number>(36);

/** A v4-shaped UUID from `rand`, built as one flat string (slices and concatenations would
 * keep several small strings alive per id: at 100,000 tenants that is tens of megabytes). */
export function seededUuid(rand: () => number): string {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rand() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) UUID_CODES[at++] = 45; // '-'
    UUID_CODES[at++] = HEX.charCodeAt(b >> 4);
    UUID_CODES[at++] = HEX.charCodeAt(b & 15);
  }
  return String.fromCharCode(...UUID_CODES);
}

const GIB = 1024 ** 3;
/** Cyber Protection editions of the seeded customers, by customer number modulo 3. */
const CUSTOMER_EDITIONS = ['standard', 'pck_per_gigabyte', 'advanced'] as const;

/** The platform's date format for pricing dates: ISO without milliseconds and zone. */
export const pricingDate = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** A trial's planned switch: the first day of the month after one full month. */
export function plannedProductionDate(createdMs: number): string {
  const d = new Date(createdMs);
  return pricingDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 1));
}

// Lists many seeded records share: records are replaced, never edited in place, so one array
// can serve them all (at 100,000 customers and 200,000 users, some 700,000 fewer objects).
const PLATFORM_ONLY: string[] = [APP.platform];
const BACKUP_ONLY: string[] = [APP.platform, APP.backup];
const BACKUP_AND_FILES: string[] = [APP.platform, APP.backup, APP.files];
const NO_ITEMS: OfferingItemRec[] = [];
const DEFAULT_NOTIFICATIONS: string[] = ['quota', 'reports', 'backup_daily_report'];
const NO_BUSINESS_TYPES: string[] = [];

export interface SeedOptions {
  seed: number;
  /** Number of customers under the partner. */
  tenants: number;
  /** Number of ordinary users, spread at random over the customers and their units. */
  users: number;
}

export function seedWorld(opts: SeedOptions): World {
  const rand = mulberry32(opts.seed);
  // A second stream for what the onboarding journey added, so the ids, names and users of
  // earlier worlds (and recorded notebooks) stay exactly as they were for the same seed.
  const extra = mulberry32((opts.seed ^ 0x5bd1e995) >>> 0);
  // Trial dates are the first of a month: one string per month of creation, not one per tenant.
  let month = { from: 0, to: 0, date: '' };
  const planned = (ms: number) => {
    if (ms < month.from || ms >= month.to) {
      const d = new Date(ms);
      const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      month = { from, to, date: plannedProductionDate(ms) };
    }
    return month.date;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const base = Date.UTC(2024, 0, 1);
  let clock = 0;
  const stamp = () => new Date(base + 60_000 * clock++).toISOString();

  const tenant = (
    fields: Pick<TenantRec, 'name' | 'kind' | 'parent_id'> & Partial<TenantRec>,
  ): TenantRec => {
    const atMs = base + 60_000 * clock;
    const at = stamp();
    return {
      id: seededUuid(rand),
      version: 1,
      enabled: true,
      ancestral_access: true,
      customer_id: null,
      internal_tag: null,
      language: 'en',
      contact: {},
      owner_id: null,
      update_lock: { enabled: false, owner_id: null },
      mfa_status: 'disabled',
      pricing_mode: 'trial',
      production_start_date: planned(atMs),
      pricing_version: atMs,
      currency: null,
      enhanced_security: false,
      creator_client: null,
      applications: PLATFORM_ONLY,
      offering_items: NO_ITEMS,
      created_at: at,
      updated_at: at,
      deleted_at: null,
      ...fields,
    };
  };
  const everything = () => ({
    applications: [APP.platform, APP.backup, APP.files, APP.pds, APP.notary],
    offering_items: allItemsOn(),
  });

  const root = tenant({ name: 'Emulator Root', kind: 'root', parent_id: null });
  const partner = tenant({
    name: PARTNER_NAME,
    kind: 'partner',
    parent_id: root.id,
    pricing_mode: 'production',
    contact: { firstname: 'Ada', lastname: 'Admin', email: ADMIN_LOGIN },
    ...everything(),
  });
  partner.production_start_date = pricingDate(Date.parse(partner.created_at));
  const folder = tenant({
    name: FOLDER_NAME,
    kind: 'folder',
    parent_id: partner.id,
    pricing_mode: 'production',
    ...everything(),
  });
  const tenants: TenantRec[] = [root, partner, folder];
  const holders: TenantRec[] = [];

  for (let i = 1; i <= opts.tenants; i++) {
    const adjective = pick(ADJECTIVES);
    const noun = pick(NOUNS);
    const number = String(i).padStart(4, '0');
    const first = pick(FIRST);
    const last = pick(LAST);
    const customer = tenant({
      name: `${adjective} ${noun} ${number}`,
      kind: 'customer',
      parent_id: i % 4 === 0 ? folder.id : partner.id,
      customer_id: `CUST-${number}`,
      ancestral_access: i !== HIDDEN_CUSTOMER,
      update_lock: { enabled: i === LOCKED_CUSTOMER, owner_id: null },
      contact: {
        firstname: first,
        lastname: last,
        email: `${first}.${last}@${adjective}-${noun}-${number}.test`.toLowerCase(),
      },
    });
    provision(customer, i);
    tenants.push(customer);
    holders.push(customer);
    if (i % 3 === 1) {
      const unit = tenant({ name: `${customer.name} Sales`, kind: 'unit', parent_id: customer.id });
      tenants.push(unit);
      holders.push(unit);
    }
  }

  const users: UserRec[] = [];
  const firstUserOf = new Set<string>();
  const user = (fields: Pick<UserRec, 'login' | 'tenant_id' | 'contact'> & Partial<UserRec>) => {
    const at = stamp();
    const u: UserRec = {
      id: seededUuid(rand),
      version: 1,
      personal_tenant_id: seededUuid(rand),
      enabled: true,
      activated: true,
      mfa_status: 'disabled',
      created_at: at,
      updated_at: at,
      password: null,
      totp_secret: null,
      totp_setup: false,
      roles: [],
      language: 'en',
      notifications: DEFAULT_NOTIFICATIONS,
      business_types: NO_BUSINESS_TYPES,
      ...fields,
    };
    users.push(u);
    return u;
  };
  const role = (tenantId: string, roleId: string) => ({
    id: seededUuid(extra),
    issuer_id: ZERO_UUID,
    tenant_id: tenantId,
    role_id: roleId,
    version: 1,
  });

  const admin = user({
    login: ADMIN_LOGIN,
    tenant_id: partner.id,
    contact: { firstname: 'Ada', lastname: 'Admin', email: ADMIN_LOGIN },
    password: hashPassword(ADMIN_PASSWORD),
  });
  admin.personal_tenant_id = null;
  admin.roles = [role(partner.id, 'partner_admin')];

  for (let k = 1; holders.length > 0 && k <= opts.users; k++) {
    const home = pick(holders);
    const first = pick(FIRST);
    const last = pick(LAST);
    const login = `${first}.${last}.${k}@users.emulator.test`.toLowerCase();
    // Every fifth user has already enrolled an authenticator.
    const enrolled = k % 5 === 0;
    const secret = new Uint8Array(20);
    for (let i = 0; i < 20; i++) secret[i] = Math.floor(rand() * 256);
    const u = user({
      login,
      tenant_id: home.id,
      contact: { firstname: first, lastname: last, email: login },
      totp_secret: enrolled ? base32Encode(secret) : null,
      totp_setup: enrolled,
      // Every fourth user has not followed the activation e-mail yet.
      activated: k % 4 !== 3,
      // Those who enrolled have 2FA on for themselves.
      mfa_status: enrolled ? 'enabled' : 'disabled',
    });
    // The first user of a customer or unit administers it; the others back up their machines.
    const admin = !firstUserOf.has(home.id);
    firstUserOf.add(home.id);
    u.roles = [
      role(
        home.id,
        admin ? (home.kind === 'unit' ? 'unit_admin' : 'company_admin') : 'backup_user',
      ),
    ];
  }

  const clientSecret = randomSecret();
  const client: ClientRec = {
    client_id: seededUuid(rand),
    secret_sha256: sha256hex(clientSecret),
    tenant_id: partner.id,
    type: 'api_client',
    data: { client_name: 'tenant-shell emulator' },
    created_by: admin.id,
    created_at: stamp(),
  };

  const meta: WorldMeta = {
    seed: opts.seed,
    root_id: root.id,
    partner_id: partner.id,
    client_id: client.client_id,
    client_secret: clientSecret,
    admin_id: admin.id,
    admin_login: ADMIN_LOGIN,
    admin_password: ADMIN_PASSWORD,
    signing_key: randomBytes(32).toString('hex'),
  };
  const world = new World(meta);
  world.load({ tenants, users, clients: [client], reports: [savedReport(partner.id)] });
  return world;

  /** A seeded customer's services, items (with quotas) and pricing. */
  function provision(customer: TenantRec, i: number): void {
    const createdMs = Date.parse(customer.created_at);
    const ed = CUSTOMER_EDITIONS[i % 3] as string;
    const items = seededItems(
      ed,
      [
        ['workstations', 5 + (i % 20), 2],
        ['servers', 2 + (i % 3), 1],
        ['storage', (100 + (i % 5) * 50) * GIB, 10 * GIB],
      ],
      createdMs,
    );
    const withFiles = i % 3 === 0;
    if (withFiles) {
      items.push(
        ...seededItems(
          'fss_legacy',
          [
            ['fc_seats', 10, null],
            ['fc_storage', 50 * GIB, 0],
          ],
          createdMs,
        ),
      );
    }
    customer.applications = withFiles ? BACKUP_AND_FILES : BACKUP_ONLY;
    customer.offering_items = items;
    // Every other customer is already in production, since the day it was created.
    if (i % 2 === 0) {
      customer.pricing_mode = 'production';
      customer.production_start_date = pricingDate(createdMs);
    }
  }

  /** One usage report of the partner, saved long ago in two formats. */
  function savedReport(tenantId: string): ReportRec {
    const created = stamp();
    return {
      id: seededUuid(extra),
      version: 1,
      tenant_id: tenantId,
      parameters: {
        tenant_id: tenantId,
        level: 'direct_partners',
        kind: 'usage_summary',
        formats: ['csv_v2_0', 'json_v2_0'],
        period: { start: '2024-01-01', end: '2024-01-31' },
        hide_zero_usage: true,
        show_skus: false,
      },
      schedule: { type: 'once', enabled: true },
      result_action: 'save',
      recipients: [],
      generation_date: created.slice(0, 10),
      created_at: created,
      stored: ['csv_v2_0', 'json_v2_0'].map((f) => ({
        id: seededUuid(extra),
        report_format: f,
        created_at: created,
      })),
    };
  }
}
