// The tenant access and lifecycle helpers against the real emulator over loopback, without a
// terminal: what locks people out or deletes needs {yes: true}, wrong arguments are refused
// before any call, and each change prints its undo where one exists (and none where none does).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api/endpoints.ts';
import { ApiError } from '../../src/api/errors.ts';
import {
  allowAccess,
  limitAccess,
  lockTenant,
  moveTenant,
  unlockTenant,
} from '../../src/steps/tenant-access.ts';
import { deleteTenant, disableTenant, enableTenant } from '../../src/steps/tenant-lifecycle.ts';
import { createTenant, listTenants } from '../../src/steps/tenants.ts';
import {
  answering,
  changesSince,
  expectRefusedBeforeSending,
  expectSentence,
} from '../helpers/expect-usage.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

let emulator: Emulator;
let shell: TestShell;
let n = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 12, seed: 5 });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

const customer = (name = 'Lifecycle Helper Customer') =>
  createTenant(shell.session, `${name} ${++n}`);

describe('limitAccess and allowAccess', () => {
  it('needs {yes: true}, closes the tenant, and prints the undo while you still see it', async () => {
    shell = await stepSession(emulator);
    const c = await customer();
    const before = shell.calls.length;
    await expectSentence(
      limitAccess(shell.session, c.id),
      /\(customer, .*\): administrators above it lose sight of it\. .* Without a terminal to confirm, pass \{yes: true\} to limitAccess\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const closed = await limitAccess(shell.session, c.name, { yes: true });
    expect(closed.ancestral_access).toBe(false);
    expect(closed.version).toBe(c.version + 1);
    // The API client created it, so it still sees it: the undo is printed.
    expect(shell.notes.at(-1)).toBe(`Undo with: await allowAccess('${c.id}')`);
    const open = await allowAccess(shell.session, c.id);
    expect(open.ancestral_access).toBe(true);
    expect(shell.notes.at(-1)).toBe(`Undo with: await limitAccess('${c.id}')`);
  });

  it('prints no undo when the tenant is closed to you afterwards (one you did not create)', async () => {
    shell = await stepSession(emulator);
    const seeded = (await listTenants(shell.session, { kind: 'customer' })).find(
      (t) => t.ancestral_access !== false,
    );
    if (!seeded) throw new Error('the seeded world has open customers');
    await limitAccess(shell.session, seeded.id, { yes: true });
    expect(shell.notes.join('\n')).not.toContain('Undo with');
    expect(shell.notes.at(-1)).toMatch(/is closed to you now: only its own administrators/);
  });

  it('refuses a unit, your own tenant and wrong arguments before any change', async () => {
    shell = await stepSession(emulator);
    const unit = (await listTenants(shell.session, { kind: 'unit' }))[0];
    if (!unit) throw new Error('the seeded world has units');
    const before = shell.calls.length;
    await expectSentence(limitAccess(shell.session, unit.id, { yes: true }), /is a unit/);
    await expectSentence(limitAccess(shell.session, undefined, { yes: true }), /your own tenant/);
    expect(changesSince(shell, before)).toEqual([]);
    await expectRefusedBeforeSending(shell, limitAccess(shell.session, 42), /expects a tenant/);
    await expectRefusedBeforeSending(
      shell,
      limitAccess(shell.session, unit.id, { yes: 1 }),
      /expects yes to be true or false/,
    );
  });
});

describe('moveTenant', () => {
  it('moves under a folder, sets moved, prints the move back; refuses a customer as parent', async () => {
    shell = await stepSession(emulator);
    const folder = await createTenant(shell.session, `Move Helper Folder ${++n}`, {
      kind: 'folder',
    });
    const c = await customer();
    const moved = await moveTenant(shell.session, c.id, folder.id);
    expect(moved.parent_id).toBe(folder.id);
    expect(shell.variables.moved).toBe(moved);
    expect(shell.notes.at(-1)).toBe(
      `Undo with: await moveTenant('${c.id}', '${emulator.tenant_id}')`,
    );

    const other = await customer();
    const before = shell.calls.length;
    await expectSentence(
      moveTenant(shell.session, other.id, c.id),
      /is a customer; a tenant moves only under a partner or a folder/,
    );
    expect(changesSince(shell, before)).toEqual([]);
    // Under its own child: the platform's rule (1007), answered as an ApiError.
    const loop = await moveTenant(shell.session, folder.id, c.id).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(Error);
    await expectRefusedBeforeSending(
      shell,
      moveTenant(shell.session, c.id),
      /expects the tenant and its new parent/,
    );
  });
});

describe('lockTenant and unlockTenant', () => {
  it('locks for your own tenant without asking, and each prints the other as its undo', async () => {
    shell = await stepSession(emulator);
    const c = await customer();
    const locked = await lockTenant(shell.session, c.id);
    expect(locked.update_lock).toMatchObject({ enabled: true, owner_id: emulator.tenant_id });
    expect(shell.variables.locked).toBe(locked);
    expect(shell.notes.at(-1)).toBe(`Undo with: await unlockTenant('${c.id}')`);
    const unlocked = await unlockTenant(shell.session, c.id);
    expect(unlocked.update_lock?.enabled).toBe(false);
    expect(shell.notes.at(-1)).toBe(`Undo with: await lockTenant('${c.id}')`);
  });

  it('asks before a lock another tenant owns, and refuses wrong options before any call', async () => {
    shell = await stepSession(emulator);
    const folder = await createTenant(shell.session, `Lock Owner Folder ${++n}`, {
      kind: 'folder',
    });
    const c = await customer();
    const before = shell.calls.length;
    await expectSentence(
      lockTenant(shell.session, c.id, { owner: folder.id }),
      /once locked for '.*', only administrators of '.*' and above may change or unlock it; if you are below it, you cannot\. Without a terminal to confirm, pass \{yes: true\} to lockTenant\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    await expectRefusedBeforeSending(
      shell,
      lockTenant(shell.session, c.id, { ownr: folder.id }),
      /has no option 'ownr'/,
    );
  });
});

describe('disableTenant, enableTenant and deleteTenant', () => {
  it('suspending needs {yes: true} and names the users; each prints the other as its undo', async () => {
    shell = await stepSession(emulator);
    const c = await customer('Suspended Helper Customer');
    const before = shell.calls.length;
    await expectSentence(
      disableTenant(shell.session, c.id),
      /\(customer, .*\): its 0 users \(those of its 0 direct sub-tenants included\) and its API clients can no longer log in .* pass \{yes: true\} to disableTenant\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const no = answering(false);
    const kept = await disableTenant({ ...shell.session, ask: no.ask }, c.id);
    expect(kept.enabled).toBe(true);
    expect(no.asked).toEqual([`Suspend '${c.name}'?`]);
    expect(changesSince(shell, before)).toEqual([]);

    const suspended = await disableTenant(shell.session, c.id, { yes: true });
    expect(suspended.enabled).toBe(false);
    expect(shell.variables.suspended).toBe(suspended);
    expect(shell.notes.at(-1)).toBe(`Undo with: await enableTenant('${c.id}')`);
    const back = await enableTenant(shell.session, c.id);
    expect(back.enabled).toBe(true);
    expect(shell.variables.reactivated).toBe(back);
    expect(shell.notes.at(-1)).toBe(`Undo with: await disableTenant('${c.id}')`);
  });

  it('deleting needs {yes: true}, suspends first, deletes, and prints no undo line', async () => {
    shell = await stepSession(emulator);
    const c = await customer('Terminated Helper Customer');
    const before = shell.calls.length;
    await expectSentence(
      deleteTenant(shell.session, c.id),
      /\(customer, .*\): deleting it deletes its 0 direct sub-tenants \(and theirs\), its 0 users and its API clients.* pass \{yes: true\} to deleteTenant\./,
    );
    expect(changesSince(shell, before)).toEqual([]);
    const gone = await deleteTenant(shell.session, c.id, { yes: true });
    expect(gone).toEqual({ id: c.id, name: c.name, deleted: true });
    expect(changesSince(shell, before)).toEqual([
      `PUT /api/2/tenants/${c.id}`,
      `DELETE /api/2/tenants/${c.id}?version=2`,
    ]);
    const after = await api.getTenant(shell.client, c.id).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(ApiError);
    expect(shell.notes.join('\n')).not.toContain('Undo with');
    expect(shell.notes.at(-1)).toMatch(/users and API clients are gone for good/);
  });

  it('refuses your own tenant and wrong arguments before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(
      shell,
      disableTenant(shell.session, 'x'),
      /neither a tenant UUID nor a name/,
    );
    await expectRefusedBeforeSending(
      shell,
      deleteTenant(shell.session, undefined, { force: true }),
      /has no option 'force'/,
    );
    const before = shell.calls.length;
    await expectSentence(
      deleteTenant(shell.session, undefined, { yes: true }),
      /is the tenant your API client belongs to, which it cannot delete/,
    );
    await expectSentence(
      disableTenant(shell.session, emulator.tenant_id, { yes: true }),
      /cannot disable; name a sub-tenant/,
    );
    expect(changesSince(shell, before)).toEqual([]);
  });
});

describe('from a cell, as a user types them', () => {
  it('--eval: a confirmation names {yes: true}; --yes answers it and the undo is printed', async () => {
    const cell = "c = await createTenant('CLI Lifecycle Customer'); await disableTenant(c.id)";
    const refused = await tenantShell(['--emulator', '--eval', cell]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /its 0 users .* can no longer log in .*pass \{yes: true\} to disableTenant\./,
    );
    const done = await tenantShell(['--emulator', '--yes', '--eval', `${cell}; suspended.enabled`]);
    expect(done.stderr).toMatch(/Undo with: await enableTenant\('[0-9a-f-]{36}'\)/);
    expect(done.stdout.trim().split('\n').at(-1)).toBe('false');
    expect(done.code).toBe(0);
  });
});
