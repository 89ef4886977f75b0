// setMfa over a whole tree, against the real emulator over loopback: the plan's arithmetic, a
// run under injected faults, an interrupted run resumed from its report, idempotence, and every
// wrong input refused in one sentence before anything is sent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import type { MfaPlan } from '../../src/bulk/plan.ts';
import { ReportData } from '../../src/bulk/report.ts';
import type { MfaSummary } from '../../src/bulk/summary.ts';
import { LOCKED_CUSTOMER } from '../../src/emulator/index.ts';
import type { TenantRec } from '../../src/emulator/world.ts';
import { setMfa } from '../../src/steps/mfa.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenant-shell-bulk-'));
let shell: TestShell | undefined;
afterEach(async () => {
  await shell?.close();
  shell = undefined;
});

const puts = (s: TestShell) => s.calls.filter((c) => c.method === 'PUT').length;

/** Visible customers and partners that may be changed: the tenants a subtree enable must reach. */
function changeable(emu: Emulator): TenantRec[] {
  return [...emu.world.tenants.values()].filter(
    (t) =>
      (t.kind === 'customer' || t.kind === 'partner') &&
      !t.update_lock.enabled &&
      t.deleted_at === null &&
      emu.world.isVisible(emu.tenant_id, t.id),
  );
}

async function refused(promise: Promise<unknown>, sentence: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(sentence);
  expect((error as Error).message.split('\n')).toHaveLength(1);
}

describe('the plan, from the tree (12 customers, seed 7)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ tenants: 12, seed: 7 });
  });
  afterAll(() => emu.close());

  it('counts who changes, who inherits, who may not be changed, and the users to set up 2FA', async () => {
    shell = await stepSession(emu);
    const plan = (await setMfa(shell.session, true, { subtree: true, dryRun: true })) as MfaPlan;
    // The partner, one folder, 11 visible customers (0002 hides: ancestral_access false), and
    // the "Sales" units of customers 0001, 0004, 0007 and 0010.
    expect(plan.counts).toEqual({
      listed: 17,
      change: 11,
      unchanged: 0,
      inherits: 5,
      not_allowed: 1,
      not_found: 0,
    });
    const hidden = [...emu.world.tenants.values()].find((t) => !t.ancestral_access);
    expect(
      plan.entries.some((e) => e.id === hidden?.id || e.name.startsWith(hidden?.name ?? '?')),
    ).toBe(false);
    const locked = plan.entries.find((e) => e.state === 'not_allowed');
    expect(locked?.name).toMatch(new RegExp(`000${LOCKED_CUSTOMER}$`));
    expect(
      plan.entries
        .filter((e) => e.state === 'inherits')
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['folder', 'unit', 'unit', 'unit', 'unit']);
    // Users without TOTP of every changing tenant, its folders and units: from the emulator itself.
    let expected = 0;
    for (const t of changeable(emu)) {
      const info = emu.world.mfaInfo(t);
      expected += info.users_count - info.users_with_totp_enabled_count;
    }
    expect(plan.usersToSetUp).toBe(expected);
    expect(plan.usersToSetUp).toBeGreaterThan(0);
    expect(puts(shell)).toBe(0);
    expect(String(plan.describe())).toMatch(/change {7}11: \d+ users will be unable to log in/);
  });

  it('disabling: a partner in production may not turn it off, and the rest are unchanged', async () => {
    shell = await stepSession(emu);
    const plan = (await setMfa(shell.session, false, { subtree: true, dryRun: true })) as MfaPlan;
    expect(plan.counts).toMatchObject({ change: 0, unchanged: 12, inherits: 5 });
  });

  it('a list of tenants: units, locked, hidden and unknown ones each said so', async () => {
    shell = await stepSession(emu);
    const all = [...emu.world.tenants.values()];
    const unit = all.find((t) => t.kind === 'unit');
    const locked = all.find((t) => t.update_lock.enabled);
    const hidden = all.find((t) => !t.ancestral_access);
    const customer = changeable(emu).find((t) => t.kind === 'customer');
    const plan = (await setMfa(shell.session, true, {
      tenants: [
        unit?.id,
        locked?.name,
        hidden?.id,
        '00000000-0000-4000-8000-000000000000',
        customer?.name,
        customer?.id,
      ],
      dryRun: true,
    })) as MfaPlan;
    expect(plan.entries.map((e) => e.state)).toEqual([
      'inherits',
      'not_allowed',
      'not_found',
      'not_found',
      'pending',
    ]);
    expect(puts(shell)).toBe(0);
  });

  it('refuses every wrong input in one sentence, and sends nothing', async () => {
    shell = await stepSession(emu);
    const s = shell.session;
    const before = shell.calls.length;
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "tenant-shell/mfa-report", "tenants": [');
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ hello: 'world' }));
    await refused(setMfa(s, true, { tenants: 'x', yes: true }), /non-empty array/);
    await refused(setMfa(s, true, { tenants: [], yes: true }), /non-empty array/);
    await refused(setMfa(s, true, { tenants: [42], yes: true }), /item 0 is number 42/);
    await refused(setMfa(s, true, { subtree: true, concurrency: 0, yes: true }), /1 to 64/);
    await refused(setMfa(s, true, { subtree: true, concurrency: 2.5, yes: true }), /1 to 64/);
    await refused(setMfa(s, true, { subtree: 'yes', yes: true }), /subtree to be true or false/);
    await refused(setMfa(s, true, { subtree: true, tenants: [emu.tenant_id] }), /one of subtree/);
    await refused(setMfa(s, true, { resume: join(dir, 'missing.json') }), /no report at/);
    await refused(setMfa(s, true, { resume: corrupt }), /is not JSON/);
    await refused(setMfa(s, true, { resume: foreign }), /not a 2FA report/);
    await refused(
      setMfa(s, true, { subtree: true, report: '/nonexistent/dir/r.json', yes: true }),
      /does not exist/,
    );
    await refused(setMfa(s, true, { subtree: true }), /without a terminal, pass \{yes: true\}/);
    await refused(setMfa(s, true, { subtree: true, dryRn: true }), /has no option 'dryRn'/);
    expect(shell.calls.length).toBe(before);
  });
});

describe('running it', () => {
  it('under --faults 0.1: every changeable tenant ends enabled, failures listed with reasons', async () => {
    const emu = await startEmulator({ tenants: 120, seed: 3, faults: 0.1 });
    try {
      // One try per call, so injected faults become failures to list; then resume finishes.
      shell = await stepSession(emu, { retry: { tries: 1 } });
      const report = join(dir, 'faults.json');
      const first = (await setMfa(shell.session, true, {
        subtree: true,
        yes: true,
        report,
      })) as MfaSummary;
      expect(first.failed).toBeGreaterThan(0);
      expect(first.failures).toHaveLength(first.failed);
      for (const f of first.failures) expect(f.reason).toMatch(/^(503|429)|dropped|closed|socket/i);
      expect(first.changed + first.failed).toBe(changeable(emu).length);
      expect(first.describe()).toMatch(/Finish with: await setMfa\(true, \{resume: /);
      await shell.close();

      shell = await stepSession(emu);
      const second = (await setMfa(shell.session, true, {
        resume: report,
        yes: true,
      })) as MfaSummary;
      expect(second.failed).toBe(0);
      expect(second.changed).toBeLessThanOrEqual(first.failed);
      for (const t of changeable(emu))
        expect(emu.world.tenants.get(t.id)?.mfa_status).toBe('enabled');
      const data = ReportData.parse(JSON.parse(readFileSync(report, 'utf8')));
      expect(data.status).toBe('finished');
      expect(data.tenants.filter((e) => e.state === 'pending' || e.state === 'failed')).toEqual([]);
      expect(readFileSync(report, 'utf8')).not.toContain(emu.client_secret);
    } finally {
      await emu.close();
    }
  });

  it('Ctrl+C midway stops new calls; the report resumes with only what is left; twice changes nothing', async () => {
    const emu = await startEmulator({ tenants: 150, seed: 5, latency: 5 });
    try {
      const controller = new AbortController();
      shell = await stepSession(emu, { signal: () => controller.signal });
      shell.client.onCall((record) => {
        if (record.method === 'PUT' && shell && puts(shell) >= 40) controller.abort();
      });
      const report = join(dir, 'interrupted.json');
      const first = (await setMfa(shell.session, true, {
        subtree: true,
        yes: true,
        concurrency: 4,
        report,
      })) as MfaSummary;
      expect(first.interrupted).toBe(true);
      expect(first.left).toBeGreaterThan(0);
      // Only the calls in flight when it stopped finished: at most the concurrency more.
      expect(puts(shell)).toBeGreaterThanOrEqual(40);
      expect(puts(shell)).toBeLessThanOrEqual(40 + 4);
      expect(first.changed).toBe(puts(shell));
      const data = ReportData.parse(JSON.parse(readFileSync(report, 'utf8')));
      expect(data.status).toBe('interrupted');
      // The report says exactly what the platform holds.
      for (const e of data.tenants) {
        const now = emu.world.tenants.get(e.id)?.mfa_status;
        if (e.state === 'changed') expect(now).toBe('enabled');
        if (e.state === 'pending') expect(now).toBe('disabled');
      }
      await shell.close();

      shell = await stepSession(emu);
      const second = (await setMfa(shell.session, true, {
        resume: report,
        yes: true,
      })) as MfaSummary;
      expect(second.changed).toBe(first.left);
      expect(puts(shell)).toBe(first.left);
      expect(second.interrupted).toBe(false);
      for (const t of changeable(emu))
        expect(emu.world.tenants.get(t.id)?.mfa_status).toBe('enabled');

      const before = puts(shell);
      const again = (await setMfa(shell.session, true, { subtree: true, yes: true })) as MfaSummary;
      expect(again.changed).toBe(0);
      expect(again.unchanged).toBe(changeable(emu).length);
      expect(again.report).toBeNull();
      expect(puts(shell)).toBe(before);
      // Resuming a finished report sends nothing either.
      const done = (await setMfa(shell.session, true, { resume: report, yes: true })) as MfaSummary;
      expect(done.changed + done.failed + done.left).toBe(0);
      expect(puts(shell)).toBe(before);
      await expect(setMfa(shell.session, false, { resume: report, yes: true })).rejects.toThrow(
        /that report enables 2FA/,
      );
    } finally {
      await emu.close();
    }
  });
});
