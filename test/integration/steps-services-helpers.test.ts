// The services, offering-items, customer and partner helpers against the real emulator over
// loopback, without a terminal: wrong arguments are refused before any call, what needs a
// confirmation needs {yes: true}, and the undo is printed where one exists.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as calls from '../../src/api/calls/index.ts';
import { ApiError } from '../../src/api/errors.ts';
import { switchEdition } from '../../src/steps/editions.ts';
import { offeringItems, setOfferingItems } from '../../src/steps/offering-items.ts';
import { createPartner } from '../../src/steps/partners.ts';
import { switchToProduction } from '../../src/steps/pricing.ts';
import { setQuota } from '../../src/steps/quotas.ts';
import { disableService, enableService } from '../../src/steps/services.ts';
import { createTenant } from '../../src/steps/tenants.ts';
import {
  answering,
  changesSince,
  expectRefusedBeforeSending,
  expectSentence,
  scripted,
} from '../helpers/expect-usage.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';

let emulator: Emulator;
let shell: TestShell;
let n = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 12, seed: 11 });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

const NEEDS_YES = /Without a terminal to confirm, pass \{yes: true\} to disableService\./;

async function customer(name = 'Services Helper Customer') {
  return createTenant(shell.session, `${name} ${++n}`);
}

/** A customer with the Advanced edition's workstations and storage, as the quotas page sets up. */
async function advancedCustomer() {
  const c = await customer('Quota Helper Customer');
  const offered = await calls.availableForChild(shell.client, emulator.tenant_id, {
    kind: 'customer',
    edition: 'advanced',
  });
  const wanted = offered.filter((i) => ['workstations', 'storage'].includes(i.usage_name));
  await calls.setOfferingItems(shell.client, c.id, wanted.slice(0, 2));
  return c;
}

describe('offeringItems', () => {
  it('answers every edition by default, narrows by status and type, and sets offering_items', async () => {
    shell = await stepSession(emulator);
    const all = await offeringItems(shell.session);
    expect(new Set(all.map((i) => i.edition)).size).toBeGreaterThan(2);
    expect(shell.variables.offering_items).toBe(all);
    const storages = await offeringItems(shell.session, emulator.tenant_id, {
      status: 1,
      type: 'infra',
    });
    expect(storages.length).toBeGreaterThan(0);
    expect(storages.every((i) => i.type === 'infra' && i.status === 1)).toBe(true);
    const legacy = await offeringItems(shell.session, undefined, { edition: 'standard' });
    expect(legacy.every((i) => i.edition === 'standard' || i.edition === null)).toBe(true);
    expect(shell.notes.at(-1)).toMatch(/\d+ items, \d+ enabled/);
  });

  it('refuses wrong arguments in one sentence before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(
      shell,
      offeringItems(shell.session, undefined, { status: 'on' }),
      /status to be 1 \(enabled\) or 0/,
    );
    await expectRefusedBeforeSending(
      shell,
      offeringItems(shell.session, undefined, { edition: 'a b' }),
      /edition to be an edition name/,
    );
    await expectRefusedBeforeSending(shell, offeringItems(shell.session, 42), /expects a tenant/);
  });
});

describe('enableService and disableService', () => {
  it('enables a service the parent has, sets application_id and prints the undo', async () => {
    shell = await stepSession(emulator);
    const c = await customer();
    const result = await enableService(shell.session, 'backup', { tenant: c.id });
    expect(result).toMatchObject({ enabled: true, service: { type: 'backup' } });
    expect(result.services).toContain('backup');
    expect(await calls.getTenantApplications(shell.client, c.id)).toContain(result.service.id);
    expect(shell.variables.application_id).toBe(result.service.id);
    expect(shell.notes.join('\n')).toContain(
      `Undo with: await disableService('backup', {tenant: '${c.id}'})`,
    );
    // Twice sends nothing.
    const before = shell.calls.length;
    await enableService(shell.session, 'Cyber Protection', { tenant: c.id });
    expect(changesSince(shell, before)).toEqual([]);
  });

  it('disabling needs {yes: true} without a terminal, says no undo, and a "no" sends nothing', async () => {
    shell = await stepSession(emulator);
    const c = await customer();
    await enableService(shell.session, 'backup', { tenant: c.id });
    const before = shell.calls.length;
    await expectSentence(disableService(shell.session, 'backup', { tenant: c.id }), NEEDS_YES);
    expect(changesSince(shell, before)).toEqual([]);

    const no = answering(false);
    const result = await disableService({ ...shell.session, ask: no.ask }, 'backup', {
      tenant: c.id,
    });
    expect(result.enabled).toBe(true);
    expect(no.asked[0]).toMatch(/Disable Cyber Protection for '.*' and delete its data\?/);
    expect(shell.notes.join('\n')).toMatch(/direct sub-tenant.*cannot be undone/s);
    expect(changesSince(shell, before)).toEqual([]);

    shell.notes.length = 0;
    const off = await disableService(shell.session, 'backup', { tenant: c.id, yes: true });
    expect(off.enabled).toBe(false);
    expect(await calls.getTenantApplications(shell.client, c.id)).not.toContain(off.service.id);
    expect(shell.notes.join('\n')).not.toContain('Undo with');
    expect(shell.notes.join('\n')).toContain('there is no undo');
  });

  it('refuses the wrong service, your own tenant and the Management Portal before any change', async () => {
    shell = await stepSession(emulator);
    const c = await customer();
    await expectRefusedBeforeSending(
      shell,
      enableService(shell.session, 42, { tenant: c.id }),
      /expects a service: its type like 'backup'/,
    );
    await expectRefusedBeforeSending(
      shell,
      enableService(shell.session),
      /enableService expects a service, e\.g\. enableService\('backup'\)/,
    );
    await expectRefusedBeforeSending(
      shell,
      disableService(shell.session, 'platform', { tenant: c.id, yes: true }),
      /Management Portal \(platform\) cannot be disabled/,
    );
    await expectRefusedBeforeSending(
      shell,
      enableService(shell.session, 'backup'),
      /services of your own tenant are set by its parent/,
    );
    const before = shell.calls.length;
    await expectSentence(
      enableService(shell.session, 'teleportation', { tenant: c.id }),
      /expects a service by its type \('platform', 'backup'/,
    );
    expect(changesSince(shell, before)).toEqual([]);
  });
});

describe('setOfferingItems, setQuota and switchEdition', () => {
  it('setQuota sets the soft and hard limits, answers the item, and prints the undo', async () => {
    shell = await stepSession(emulator);
    const c = await advancedCustomer();
    const item = await setQuota(shell.session, 'workstations', 1000, { overage: 2, tenant: c.id });
    expect(item).toMatchObject({ name: 'adv_workstations', quota: { value: 1000, overage: 2 } });
    expect(shell.variables.offering_items).toEqual([item]);
    expect(shell.notes.at(-1)).toBe(
      `Undo with: await setQuota('adv_workstations', null, {overage: null, tenant: '${c.id}'})`,
    );
    const storage = await setQuota(shell.session, 'adv_storage', '20 TB', { tenant: c.id });
    expect(storage.quota?.value).toBe(20 * 1024 ** 4);
    const now = await offeringItems(shell.session, c.id, { status: 1 });
    expect(now.find((i) => i.name === 'adv_workstations')?.quota).toMatchObject({ value: 1000 });
    // Below the usage the emulator reports: asked first.
    const usages = await calls.getTenantUsages(shell.client, c.id);
    const used = usages.find((u) => u.name === 'adv_workstations')?.value ?? 0;
    const under = Math.max(0, used - 1);
    await expectSentence(
      setQuota(shell.session, 'workstations', under, { tenant: c.id }),
      new RegExp(`${used} in use\\. A limit of ${under} is already exceeded`),
    );
  });

  it('setQuota asks before a limit of 0, and refuses wrong limits before any call', async () => {
    shell = await stepSession(emulator);
    const c = await advancedCustomer();
    await expectRefusedBeforeSending(
      shell,
      setQuota(shell.session, 'workstations', 'ten', { tenant: c.id }),
      /the limit to be a whole number of 0 or more/,
    );
    await expectRefusedBeforeSending(
      shell,
      setQuota(shell.session, 'workstations', -1, { tenant: c.id }),
      /the limit to be a whole number/,
    );
    await expectRefusedBeforeSending(
      shell,
      setQuota(shell.session, 'workstations'),
      /expects the new limit after the item/,
    );
    const before = shell.calls.length;
    await expectSentence(
      setQuota(shell.session, 'workstations', '5 GB', { tenant: c.id }),
      /a whole number of 0 or more, or null/,
    );
    await expectSentence(
      setQuota(shell.session, 'workstations', 0, { tenant: c.id }),
      /A limit of 0 is already exceeded.* pass \{yes: true\} to setQuota\./,
    );
    await expectSentence(
      setQuota(shell.session, 'servers', 3, { tenant: c.id }),
      /has no offering item 'servers'/,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const zero = await setQuota(shell.session, 'workstations', 0, { tenant: c.id, yes: true });
    expect(zero.quota?.value).toBe(0);
  });

  it('setOfferingItems turns on without asking, asks before turning off, and prints the undo', async () => {
    shell = await stepSession(emulator);
    const c = await advancedCustomer();
    const on = await setOfferingItems(shell.session, { adv_vms: true }, { tenant: c.id });
    expect(on.find((i) => i.name === 'adv_vms')?.status).toBe(1);
    expect(shell.notes.at(-1)).toBe(
      `Undo with: await setOfferingItems({'adv_vms': false}, {tenant: '${c.id}'})`,
    );
    const before = shell.calls.length;
    await expectSentence(
      setOfferingItems(shell.session, { adv_workstations: false }, { tenant: c.id }),
      /turning off adv_workstations \(quota .*\)\. An item turned off loses its quota.* pass \{yes: true\} to setOfferingItems\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const off = await setOfferingItems(
      shell.session,
      { adv_workstations: false },
      { tenant: c.id, yes: true },
    );
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ name: 'adv_workstations', status: 0 });
    expect(off[0]?.quota).toBeUndefined();
    await expectRefusedBeforeSending(
      shell,
      setOfferingItems(shell.session, { adv_vms: 'on' }, { tenant: c.id }),
      /expects 'adv_vms' to be true or false/,
    );
    await expectRefusedBeforeSending(
      shell,
      setOfferingItems(shell.session, ['adv_vms'], { tenant: c.id }),
      /an object of item names and true \(on\) or false \(off\)/,
    );
  });

  it('switchEdition runs the dry run, needs {yes: true}, switches and prints the way back', async () => {
    shell = await stepSession(emulator);
    const c = await advancedCustomer();
    await expectRefusedBeforeSending(
      shell,
      switchEdition(shell.session, 'pck per gigabyte', { tenant: c.id }),
      /an edition name like 'pck_per_gigabyte'/,
    );
    const before = shell.calls.length;
    await expectSentence(
      switchEdition(shell.session, 'pck_per_gigabyte', { tenant: c.id }),
      /Cyber Protection is in advanced, with .* Switching to pck_per_gigabyte turns those off.* pass \{yes: true\} to switchEdition\./,
    );
    // An edition the service does not have: the dry run says so, and no change is sent.
    const typo = await switchEdition(shell.session, 'pck_per_gigabite', {
      tenant: c.id,
      yes: true,
    }).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(ApiError);
    expect(changesSince(shell, before)).toEqual([]);

    const items = await switchEdition(shell.session, 'pck_per_gigabyte', {
      tenant: c.id,
      yes: true,
    });
    const on = items.filter((i) => i.status === 1);
    expect(on.length).toBeGreaterThan(0);
    expect(on.every((i) => i.edition === 'pck_per_gigabyte')).toBe(true);
    expect(shell.variables.edition).toMatchObject({ target_edition: 'pck_per_gigabyte' });
    expect(shell.notes.at(-1)).toBe(
      `Undo with: await switchEdition('advanced', {tenant: '${c.id}', service: 'backup'})  (quotas are not set back)`,
    );
  });
});

describe('in a terminal, what is missing is asked', () => {
  it('enableService offers the services the parent can pass down; setQuota the items on', async () => {
    shell = await stepSession(emulator);
    const c = await advancedCustomer();
    shell.variables.tenant_id = c.id;
    const user = scripted({ pick: /^Notary/ });
    const result = await enableService({ ...shell.session, ask: user.ask });
    expect(result.service.type).toBe('notary');
    expect(user.asked).toEqual([`Service for '${c.name}':`]);

    const quota = scripted({ pick: /^adv_workstations/, type: ['abc'] });
    await expect(setQuota({ ...shell.session, ask: quota.ask })).rejects.toThrow(
      /refused 'abc': setQuota expects the limit to be a whole number/,
    );
    const again = scripted({ pick: /^adv_workstations/, type: ['5000'] });
    const item = await setQuota({ ...shell.session, ask: again.ask });
    expect(item.quota?.value).toBe(5000);
    expect(again.asked).toEqual([
      `Item of '${c.name}':`,
      'New limit for adv_workstations (empty for none):',
    ]);
  });
});

describe('switchToProduction', () => {
  it('needs {yes: true}, switches for good, sets pricing and prints no undo', async () => {
    shell = await stepSession(emulator);
    const c = await customer('Production Helper Customer');
    const before = shell.calls.length;
    await expectSentence(
      switchToProduction(shell.session, c.id),
      /\(customer, .*\) is in trial\..* It never goes back to trial\. Without a terminal to confirm, pass \{yes: true\} to switchToProduction\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const pricing = await switchToProduction(shell.session, c.id, { yes: true });
    expect(pricing.mode).toBe('production');
    expect(shell.variables.pricing).toBe(pricing);
    expect(shell.notes.join('\n')).not.toContain('Undo with');
    expect(shell.notes.at(-1)).toMatch(/there is no undo/);
    // Again: nothing to do, nothing sent.
    const again = shell.calls.length;
    await switchToProduction(shell.session, c.id, { yes: true });
    expect(changesSince(shell, again)).toEqual([]);
    await expectRefusedBeforeSending(
      shell,
      switchToProduction(shell.session, c.id, { yse: true }),
      /has no option 'yse'/,
    );
    await expectRefusedBeforeSending(
      shell,
      switchToProduction(shell.session, c.id, { yes: 'yes' }),
      /expects yes to be true or false/,
    );
  });
});

describe('createPartner', () => {
  it('creates a self-service partner in production with 2FA and its items, and names the undo', async () => {
    shell = await stepSession(emulator);
    const partner = await createPartner(shell.session, 'Helper Partner, Inc', {
      customer_id: 'HP-1',
    });
    expect(partner).toMatchObject({
      kind: 'partner',
      parent_id: emulator.tenant_id,
      ancestral_access: false,
      customer_id: 'HP-1',
      pricing_mode: 'production',
      mfa_status: 'enabled',
    });
    expect(shell.variables.partner_id).toBe(partner.id);
    expect(shell.variables.created_tenant_id).toBe(partner.id);
    const items = shell.variables.offering_items as unknown[];
    expect(items.length).toBeGreaterThan(0);
    expect((await calls.listOfferingItems(shell.client, partner.id)).length).toBe(items.length);
    expect(shell.notes.at(-1)).toBe(`Undo with: await deleteTenant('${partner.id}')`);
  });

  it('asks before enhanced security (for good) and refuses wrong arguments before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(
      shell,
      createPartner(shell.session, 'Secure Partner', { enhanced_security: true }),
      /cannot be turned off again\. Without a terminal to confirm, pass \{yes: true\} to createPartner\./,
    );
    await expectRefusedBeforeSending(
      shell,
      createPartner(shell.session, 42),
      /expects a tenant name/,
    );
    await expectRefusedBeforeSending(
      shell,
      createPartner(shell.session),
      /createPartner expects a name/,
    );
    await expectRefusedBeforeSending(
      shell,
      createPartner(shell.session, 'X Partner', { ancestral_access: 'no' }),
      /ancestral_access to be true or false/,
    );
    const secure = await createPartner(shell.session, 'Secure Helper Partner', {
      enhanced_security: true,
      yes: true,
      items: false,
    });
    expect(secure.kind).toBe('partner');
  });
});
