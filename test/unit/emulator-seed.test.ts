// The seeded world is the same for the same seed (ids, names, items, quotas, pricing, roles,
// the saved report), differs for another seed, and holds what the journey's pages start from.
import { describe, expect, it } from 'vitest';
import { ITEM_BY_NAME } from '../../src/emulator/catalogue.ts';
import { seedWorld } from '../../src/emulator/seed.ts';
import type { World } from '../../src/emulator/world.ts';

/** Everything but what is random on purpose (password salts, the signing key, the secret). */
function shape(world: World) {
  const snap = world.snapshot();
  return {
    tenants: snap.tenants,
    users: snap.users.map(({ password: _password, ...u }) => u),
    reports: snap.reports,
    clientId: snap.meta.client_id,
  };
}

describe('the seeded world', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = shape(seedWorld({ seed: 5, tenants: 30, users: 60 }));
    expect(shape(seedWorld({ seed: 5, tenants: 30, users: 60 }))).toEqual(a);
    expect(shape(seedWorld({ seed: 6, tenants: 30, users: 60 })).tenants[0]?.id).not.toBe(
      a.tenants[0]?.id,
    );
  });

  it('has two editions and more, trial and production customers, roles, 2FA, activation and a saved report', () => {
    const world = seedWorld({ seed: 1, tenants: 12, users: 24 });
    const tenants = [...world.tenants.values()];
    const customers = tenants.filter((t) => t.kind === 'customer');
    expect(new Set(customers.map((c) => c.pricing_mode))).toEqual(new Set(['trial', 'production']));
    const editions = new Set(
      customers.flatMap((c) => c.offering_items.map((r) => ITEM_BY_NAME.get(r.name)?.edition)),
    );
    expect(editions).toEqual(new Set(['standard', 'pck_per_gigabyte', 'advanced', 'fss_legacy']));
    expect(
      customers.every((c) => c.offering_items.some((r) => r.value !== null && r.version > 0)),
    ).toBe(true);
    const users = [...world.users.values()];
    expect(new Set(users.flatMap((u) => u.roles.map((r) => r.role_id)))).toEqual(
      new Set(['partner_admin', 'company_admin', 'unit_admin', 'backup_user']),
    );
    expect(users.some((u) => !u.activated) && users.some((u) => u.activated)).toBe(true);
    expect(users.some((u) => u.mfa_status === 'enabled')).toBe(true);
    const [report] = [...world.reports.values()];
    expect(report?.stored.map((s) => s.report_format)).toEqual(['csv_v2_0', 'json_v2_0']);
    const partner = world.tenants.get(world.meta.partner_id);
    expect(new Set(partner?.offering_items.map((r) => r.infra_id).filter(Boolean)).size).toBe(2);
  });
});
