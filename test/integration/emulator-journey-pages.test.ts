// The guide's pages after the 2FA page, in the reference's lesson order, each followed word
// for word in Python with requests against the emulator (test/fixtures/journey/pNN_*.py). Each
// script checks every status the page names and prints what it saw as one JSON line.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('../fixtures/journey/', import.meta.url));

/** python3 with requests, as the seed page's test runs it; the reason when it is missing. */
async function probePython(): Promise<string | null> {
  try {
    await run('python3', ['-c', 'import requests'], { timeout: 15_000 });
    return null;
  } catch (error) {
    const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `python3 with requests is not available (${text})`;
  }
}
const missing = await probePython();

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.close());

async function page(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('python3', [`${fixtures}${file}`], {
    cwd: fixtures,
    env: {
      ...process.env,
      EMU_BASE_URL: emu.base_url,
      EMU_CLIENT_ID: emu.client_id,
      EMU_CLIENT_SECRET: emu.client_secret,
      EMU_RUN: file.slice(0, 3),
    },
    timeout: 20_000,
  });
  const last = stdout.trim().split('\n').pop() ?? 'null';
  return JSON.parse(last) as Record<string, unknown>;
}

describe.skipIf(missing !== null)(
  `the onboarding journey, page by page, in Python requests${missing ? ` — skipped: ${missing}` : ''}`,
  () => {
    it.concurrent('1 checking a tenant 2FA status', async () => {
      expect(await page('p01_checking_mfa_tenant.py')).toStrictEqual({
        status: {
          mfa_status: 'disabled',
          users_count: 0,
          users_with_totp_enabled_count: 0,
          update_allowed: true,
        },
      });
    });

    it.concurrent('2 fetching available offering items', async () => {
      const seen = await page('p02_fetching_available_ois.py');
      expect(seen).toStrictEqual({
        default_editions: ['standard'],
        infra_types: ['infra'],
        infra_ids: infraIds(),
        all_editions: [
          'advanced',
          'fss_legacy',
          'fss_per_user',
          'pck_per_gigabyte',
          'pck_per_workload',
          'standard',
        ],
        enabled_have_quota: true,
      });
    });

    it.concurrent('3 provisioning a customer tenant', async () => {
      expect(await page('p03_provisioning_customer.py')).toStrictEqual({
        pricing_mode: 'trial',
        version: 1,
        mfa: {
          mfa_status: 'enabled',
          users_count: 0,
          users_with_totp_enabled_count: 0,
          update_allowed: true,
        },
        item_usages: ['storage', 'workstations'],
        items_enabled: true,
        activated: false,
        has_personal_tenant: true,
        roles: ['company_admin'],
      });
    });

    it.concurrent('4 enabling and disabling a service', async () => {
      expect(await page('p04_services.py')).toStrictEqual({
        backup_id: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb',
        types: ['backup', 'files_cloud', 'notary', 'physical_data_shipping', 'platform'],
        parent_has_backup: true,
        enabled_after_post: true,
        items_on_after_post: 0,
        enabled_after_delete: false,
        platform_delete: 400,
        platform_delete_code: '1027',
      });
    });

    it.concurrent('5 changing quotas, enabling/disabling items, switching edition', async () => {
      expect(await page('p05_quotas_items_edition.py')).toStrictEqual({
        quota_versions_set: true,
        workstations_quota: { value: 10, overage: 2 },
        stale_status: 426,
        vms_on: 1,
        workstations_off: true,
        warnings: [],
        switched_editions: ['pck_per_gigabyte'],
        switched_names: ['pg_base_storage', 'pg_base_vms'],
        personal_quota: [107374182400],
      });
    });

    it.concurrent('6 switching to production', async () => {
      expect(await page('p06_switching_to_production.py')).toStrictEqual({
        before_mode: 'trial',
        before_keys: ['currency', 'mode', 'production_start_date', 'version'],
        after_mode: 'production',
        version_grew: true,
        start_date_set: true,
        back_status: 400,
        back_code: '1027',
        tenant_mode: 'production',
      });
    });

    it.concurrent('7 creating a user account', async () => {
      expect(await page('p07_creating_user.py')).toStrictEqual({
        activated: false,
        version: 1,
        personal: true,
        partner_personal: null,
        has_personal_key: true,
        taken: 409,
        short: 400,
        short_code: '1033',
      });
    });

    it.concurrent('8 activating a user account', async () => {
      expect(await page('p08_activating_user.py')).toStrictEqual({
        activated_by_password: true,
        mail_only_not_yet: false,
        user_token: 403,
      });
    });

    it.concurrent('9 checking and changing roles', async () => {
      expect(await page('p09_roles.py')).toStrictEqual({
        before: ['partner_admin'],
        after: ['hci_admin'],
        misfit: 400,
        misfit_code: '1027',
      });
    });

    it.concurrent('10 fetching and updating a user account', async () => {
      expect(await page('p10_updating_user.py')).toStrictEqual({
        email: true,
        email_version: 1,
        names: ['Upd', 'Ated'],
        stale: 409,
        stale_code: '1001',
        activated: true,
        pending_same_version: true,
        pending_old_email: true,
      });
    });

    it.concurrent("11 toggling a user's 2FA", async () => {
      expect(await page('p11_toggling_user_mfa.py')).toStrictEqual({
        on: 'setup_required',
        off: 'disabled',
      });
    });

    it.concurrent('12 disabling, enabling and deleting a user', async () => {
      expect(await page('p12_disabling_deleting_user.py')).toStrictEqual({
        refused: 400,
        disabled: false,
        disabled_version_step: 1,
        enabled: true,
        gone: 403,
      });
    });

    it.concurrent('13 provisioning a partner tenant', async () => {
      expect(await page('p13_provisioning_partner.py')).toStrictEqual({
        pricing_mode: 'production',
        mfa_status: 'enabled',
        ancestral_access: false,
        items: true,
        storages: 2,
        infra_found: 2,
        personal_tenant_id: null,
        mfa_off: 400,
        mfa_off_code: '1027',
      });
    });

    it.concurrent('14 limiting access, moving and locking a tenant', async () => {
      const seen = await page('p14_access_move_lock.py');
      expect(seen).toStrictEqual({
        ancestral_access: false,
        hidden: [],
        moved_parent: true,
        under_itself: '1007',
        into_customer: '1007',
        locked: { enabled: true, owner_id: emu.tenant_id },
        unlocked: false,
      });
    });

    it.concurrent('15 suspending, reactivating and terminating a tenant', async () => {
      expect(await page('p15_suspend_reactivate_terminate.py')).toStrictEqual({
        suspended: false,
        reactivated: true,
        early: 400,
        early_code: '1006',
        gone: 404,
      });
    });

    it.concurrent('16 searching for a tenant and a user', async () => {
      expect(await page('p16_search.py')).toStrictEqual({
        tenant_found: true,
        user_logins: ['searchable.p16'],
        short: 400,
      });
    });

    it.concurrent('17 fetching usage', async () => {
      expect(await page('p17_usage.py')).toStrictEqual({
        tenants: 5,
        same_tenants: true,
        usage_names: ['storage', 'workstations'],
        repeatable: true,
        within_quota: true,
        fields: [
          'absolute_value',
          'application_id',
          'edition',
          'measurement_unit',
          'name',
          'offering_item',
          'range_start',
          'tenant_id',
          'tenant_uuid',
          'type',
          'usage_name',
          'value',
        ],
      });
    });

    it.concurrent('18 creating a billing report', async () => {
      const seen = await page('p18_billing_report.py');
      expect(seen).toMatchObject({
        version: 1,
        echoed: 'usage_summary',
        first_status: ['in_progress'],
        last_status: ['saved'],
        csv_header:
          'tenant_name,tenant_uuid,customer_id,tenant_kind,pricing_mode,parent_name,service,edition,offering_item,usage_name,measurement_unit,quota,usage,period_start,period_end,sku',
        listed: true,
        seeded_reports: true,
      });
      expect(seen.csv_rows).toBeGreaterThan(0);
      expect(seen.json_rows).toBe(seen.csv_rows);
    });

    it.concurrent('19 logging in on behalf of a user (one-time token)', async () => {
      expect(await page('p19_ott_login.py')).toStrictEqual({
        me: true,
        reused: 401,
        logout: 204,
        after: 401,
      });
    });
  },
);

function infraIds(): string[] {
  return ['019097a6-114f-4418-bd54-e01ef049f209', '51ac5df1-f53b-4b09-b1e5-687fe5dedc23'];
}
