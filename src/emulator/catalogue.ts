// What the platform offers, fixed for every world: its services (with the platform's real ids
// where the docs show them), their editions and offering items, and the roles table.
import type { TenantKind } from '../schemas/index.ts';

export const APP = {
  platform: '7459244f-68f3-3bf4-9f53-5f63ecc1d91f',
  backup: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb',
  files: 'dfd85a5f-a464-32ab-81fd-99bcc66a070f',
  pds: 'b71b2c18-590a-303c-9d5a-8444fbe713ac',
  // No public example shows Notary's id: this one is the emulator's own.
  notary: 'a3f1c5d2-6b7e-3c84-9d05-1e2f3a4b5c6d',
} as const;

export interface ApplicationDef {
  id: string;
  name: string;
  type: string;
  api_base_url: string;
  usages: string[];
  /** Editions, in the order the edition switch page names them; empty = none. */
  editions: string[];
}

type Unit = 'bytes' | 'quantity' | 'n/a';
export interface ItemDef {
  name: string;
  application_id: string;
  edition: string | null;
  usage_name: string;
  type: 'count' | 'feature' | 'infra';
  measurement_unit: Unit;
  /** Usage names of the same service that must be on for this one to be on. */
  requires?: string[];
}

const BACKUP_EDITIONS: [string, string][] = [
  ['standard', ''],
  ['advanced', 'adv_'],
  ['pck_per_gigabyte', 'pg_base_'],
  ['pck_per_workload', 'pw_base_'],
];
const FILES_EDITIONS: [string, string][] = [
  ['fss_legacy', ''],
  ['fss_per_user', 'pu_base_'],
];

function edition(
  app: string,
  ed: string,
  prefix: string,
  usages: [string, ItemDef['type'], Unit][],
) {
  return usages.map(
    ([usage, type, unit]): ItemDef => ({
      name: `${prefix}${usage}`,
      application_id: app,
      edition: ed,
      usage_name: usage,
      type,
      measurement_unit: unit,
    }),
  );
}

export const ITEMS: readonly ItemDef[] = [
  ...BACKUP_EDITIONS.flatMap(([ed, prefix]) =>
    edition(APP.backup, ed, prefix, [
      ['workstations', 'count', 'quantity'],
      ['servers', 'count', 'quantity'],
      ['vms', 'count', 'quantity'],
      ['storage', 'infra', 'bytes'],
      ['local_storage', 'feature', 'n/a'],
    ]),
  ),
  ...FILES_EDITIONS.flatMap(([ed, prefix]) =>
    edition(APP.files, ed, prefix, [
      ['fc_seats', 'count', 'quantity'],
      ['fc_storage', 'infra', 'bytes'],
    ]),
  ),
  {
    name: 'pds_drives',
    application_id: APP.pds,
    edition: null,
    usage_name: 'pds_drives',
    type: 'count',
    measurement_unit: 'quantity',
    // A shipped drive lands in a cloud backup storage.
    requires: ['storage'],
  },
  {
    name: 'notary_storage',
    application_id: APP.notary,
    edition: null,
    usage_name: 'notary_storage',
    type: 'count',
    measurement_unit: 'bytes',
  },
  {
    name: 'notarizations',
    application_id: APP.notary,
    edition: null,
    usage_name: 'notarizations',
    type: 'count',
    measurement_unit: 'quantity',
  },
];

export const APPLICATIONS: readonly ApplicationDef[] = [
  {
    id: APP.platform,
    name: 'Management Portal',
    type: 'platform',
    api_base_url: '/mc/',
    usages: [],
    editions: [],
  },
  {
    id: APP.backup,
    name: 'Cyber Protection',
    type: 'backup',
    api_base_url: '/bc/',
    usages: [],
    editions: BACKUP_EDITIONS.map(([e]) => e),
  },
  {
    id: APP.files,
    name: 'File Sync & Share',
    type: 'files_cloud',
    api_base_url: '/fc/',
    usages: [],
    editions: FILES_EDITIONS.map(([e]) => e),
  },
  {
    id: APP.pds,
    name: 'Physical Data Shipping',
    type: 'physical_data_shipping',
    api_base_url: '/pds/',
    usages: [],
    editions: [],
  },
  {
    id: APP.notary,
    name: 'Notary',
    type: 'notary',
    api_base_url: '/notary/',
    usages: [],
    editions: [],
  },
];
for (const app of APPLICATIONS) {
  app.usages = [
    ...new Set(ITEMS.filter((i) => i.application_id === app.id).map((i) => i.usage_name)),
  ];
}

export const ITEM_BY_NAME: ReadonlyMap<string, ItemDef> = new Map(ITEMS.map((i) => [i.name, i]));
export const APP_BY_ID: ReadonlyMap<string, ApplicationDef> = new Map(
  APPLICATIONS.map((a) => [a.id, a]),
);
export const DEFAULT_EDITION = 'standard';

/** The two storages every world has; the first is the default one (customers get it). */
export interface InfraDef {
  id: string;
  name: string;
  capabilities: string[];
  platform_owned: boolean;
  backend_type: string;
}
export const INFRA: readonly InfraDef[] = [
  {
    id: '019097a6-114f-4418-bd54-e01ef049f209',
    name: 'Hosted cloud storage',
    capabilities: ['backup', 'files_cloud'],
    platform_owned: true,
    backend_type: 'ostor',
  },
  {
    id: '51ac5df1-f53b-4b09-b1e5-687fe5dedc23',
    name: 'Partner storage',
    capabilities: ['backup'],
    platform_owned: false,
    backend_type: 'ostor',
  },
];
export const DEFAULT_INFRA = INFRA[0] as InfraDef;

/** Storages an infra item can live on (by the service it belongs to). */
export function infrasFor(item: ItemDef): InfraDef[] {
  if (item.type !== 'infra') return [];
  const capability = item.application_id === APP.files ? 'files_cloud' : 'backup';
  return INFRA.filter((i) => i.capabilities.includes(capability));
}

/** Which tenant kinds a role can be given in ('personal' = a customer user's own tenant). */
export const ROLE_KINDS: Record<string, readonly (TenantKind | 'personal')[]> = {
  partner_admin: ['partner', 'folder'],
  hci_admin: ['partner', 'folder'],
  company_admin: ['customer'],
  unit_admin: ['unit'],
  readonly_admin: ['partner', 'folder', 'customer', 'unit'],
  protection_admin: ['partner', 'folder', 'customer', 'unit'],
  protection_ro_admin: ['partner', 'folder', 'customer', 'unit'],
  restore_operator: ['customer', 'unit'],
  backup_user: ['customer', 'unit', 'personal'],
  sync_share_admin: ['customer', 'unit'],
  sync_share_user: ['customer', 'unit', 'personal'],
  sync_share_guest: ['customer', 'unit', 'personal'],
  pds_operator: ['partner', 'folder'],
  pds_support: ['partner', 'folder'],
  notary_admin: ['customer', 'unit'],
  notary_user: ['customer', 'unit', 'personal'],
  root_admin: ['root'],
};

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
