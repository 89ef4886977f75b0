// search, usage, createReport and downloadReport against the real emulator over loopback,
// without a terminal. downloadReport writes files: one the user has is never replaced unasked.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReport, downloadReport } from '../../src/steps/reports.ts';
import { search } from '../../src/steps/search.ts';
import { createTenant, listTenants } from '../../src/steps/tenants.ts';
import { usage } from '../../src/steps/usage.ts';
import { expectRefusedBeforeSending, expectSentence } from '../helpers/expect-usage.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';

let emulator: Emulator;
let shell: TestShell;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 12, seed: 3 });
  dir = mkdtempSync(join(tmpdir(), 'report-helpers-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => shell?.close());

describe('search', () => {
  it('finds a tenant and a user by the starts of their words, and keeps one kind with {type}', async () => {
    shell = await stepSession(emulator);
    const c = await createTenant(shell.session, 'Searchable Helper Customer');
    await shell.client.request('POST', '/users', {
      json: {
        tenant_id: c.id,
        login: 'searchable.helper',
        contact: { email: 'searchable.helper@example.test', firstname: 'Sear', lastname: 'Chable' },
      },
    });
    const found = await search(shell.session, 'Searchable Helper');
    expect(found.some((i) => i.obj_type === 'tenant' && i.id === c.id)).toBe(true);
    const users = await search(shell.session, 'searchable.helper', { type: 'user' });
    expect(users.map((u) => u.login)).toContain('searchable.helper');
    expect(users.every((u) => u.obj_type === 'user')).toBe(true);
    expect(shell.notes.at(-1)).toMatch(/0 tenants and \d+ users? found/);
    expect(shell.session.seen.get(c.id)?.name).toBe(c.name);
  });

  it('refuses a short text and wrong options in one sentence before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(shell, search(shell.session, 'ab'), /a text of 3 to 255/);
    await expectRefusedBeforeSending(shell, search(shell.session), /e\.g\. search\('Northwind'\)/);
    await expectRefusedBeforeSending(
      shell,
      search(shell.session, 'abc', { type: 'group' }),
      /type to be 'tenant' or 'user'/,
    );
    await expectRefusedBeforeSending(
      shell,
      search(shell.session, 'abc', { limit: 500 }),
      /limit to be a whole number from 1 to 300/,
    );
  });
});

describe('usage', () => {
  it("answers one tenant's usages, or several tenants' at once, setting tenant_ids and batch", async () => {
    shell = await stepSession(emulator);
    const customers = (await listTenants(shell.session, { kind: 'customer' })).slice(0, 3);
    const one = await usage(shell.session, customers[0]?.id);
    expect(Array.isArray(one)).toBe(true);
    const batch = await usage(
      shell.session,
      customers.map((t) => t.id),
      { usage_names: ['storage', 'workstations'] },
    );
    expect((batch as Array<{ tenant: string }>).map((b) => b.tenant)).toEqual(
      customers.map((t) => t.id),
    );
    for (const b of batch as Array<{ usages: Array<{ usage_name: string }> }>) {
      expect(b.usages.every((u) => ['storage', 'workstations'].includes(u.usage_name))).toBe(true);
    }
    expect(shell.variables.batch).toBe(batch);
    expect(shell.variables.tenant_ids).toEqual(customers.map((t) => t.id));
    expect(shell.notes.at(-1)).toMatch(/bill from reports/);
  });

  it('refuses wrong names and tenants before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(
      shell,
      usage(shell.session, undefined, { usage_names: 'storage;rm -rf' }),
      /usage_names as a list of names/,
    );
    await expectRefusedBeforeSending(shell, usage(shell.session, []), /1 to 10000 tenants/);
    await expectRefusedBeforeSending(
      shell,
      usage(shell.session, [emulator.tenant_id, 7]),
      /item 1 is number 7/,
    );
  });
});

describe('createReport and downloadReport', () => {
  it("creates the page's report for a month, waits for its files and sets report_id", async () => {
    shell = await stepSession(emulator);
    const report = await createReport(shell.session, '2024-01');
    expect(report.parameters).toMatchObject({
      kind: 'usage_summary',
      level: 'direct_partners',
      tenant_id: emulator.tenant_id,
      period: { start: '2024-01-01', end: '2024-01-31' },
    });
    expect(shell.variables.report_id).toBe(report.id);
    expect(report.stored.map((s) => [s.report_format, s.status]).sort()).toEqual([
      ['csv_v2_0', 'saved'],
      ['json_v2_0', 'saved'],
    ]);
    expect(shell.variables.stored).toEqual(report.stored);

    const file = join(dir, 'jan.csv');
    const got = await downloadReport(shell.session, report.id, { file });
    expect(got).toMatchObject({ file, format: 'csv_v2_0' });
    const text = readFileSync(file, 'utf8');
    expect(got.bytes).toBe(Buffer.byteLength(text));
    expect(text.split('\n')[0]).toMatch(/tenant/i);
    const json = await downloadReport(shell.session, report, {
      format: 'json_v2_0',
      file: join(dir, 'jan.json'),
    });
    expect(Array.isArray(JSON.parse(readFileSync(json.file, 'utf8')).items)).toBe(true);
  });

  it('never replaces a file the user has without {yes: true}, and writes a default name', async () => {
    shell = await stepSession(emulator);
    const report = await createReport(shell.session, { start: '2024-02-01', end: '2024-02-29' });
    const mine = join(dir, 'mine.csv');
    writeFileSync(mine, 'my own notes\n');
    await expectSentence(
      downloadReport(shell.session, report.id, { file: mine }),
      /exists \(13 bytes\) and was kept; pass \{yes: true\} to replace it/,
    );
    expect(readFileSync(mine, 'utf8')).toBe('my own notes\n');
    await downloadReport(shell.session, report.id, { file: mine, yes: true });
    expect(readFileSync(mine, 'utf8')).not.toBe('my own notes\n');

    const cwd = process.cwd();
    const here = join(dir, 'default');
    mkdirSync(here);
    process.chdir(here);
    try {
      const got = await downloadReport(shell.session, report.id);
      expect(got.file).toBe(
        join(here, `report-${report.generation_date}-${report.id.slice(0, 8)}.csv`),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses wrong periods, reports and files in one sentence before any call', async () => {
    shell = await stepSession(emulator);
    await expectRefusedBeforeSending(
      shell,
      createReport(shell.session, '2024-13'),
      /the period as a month 'YYYY-MM'/,
    );
    await expectRefusedBeforeSending(
      shell,
      createReport(shell.session, { start: '2024-02-10', end: '2024-02-01' }),
      /start before end/,
    );
    await expectRefusedBeforeSending(
      shell,
      createReport(shell.session, `${new Date().getUTCFullYear() + 1}-01`),
      /in the future; a report covers the past/,
    );
    await expectRefusedBeforeSending(
      shell,
      createReport(shell.session, '2024-01', { level: 'everyone' }),
      /level to be one of itself, direct_partners/,
    );
    await expectRefusedBeforeSending(shell, createReport(shell.session), /expects the period/);
    await expectRefusedBeforeSending(
      shell,
      downloadReport(shell.session, '../../etc/passwd'),
      /expects a report id or the report createReport answered/,
    );
    await expectRefusedBeforeSending(
      shell,
      downloadReport(shell.session, emulator.tenant_id, { file: 'a\u0000b.csv' }),
      /file to be the path of a file to write/,
    );
    await expectRefusedBeforeSending(
      shell,
      downloadReport(shell.session, emulator.tenant_id, { format: 'pdf' }),
      /format to be one of csv, html/,
    );
    await expectRefusedBeforeSending(
      shell,
      downloadReport(shell.session, emulator.tenant_id, { file: dir }),
      /is a folder; name a file/,
    );
    await expectRefusedBeforeSending(
      shell,
      downloadReport(shell.session, emulator.tenant_id, { file: join(dir, 'no', 'such.csv') }),
      /the folder '.*' does not exist/,
    );
    const report = await createReport(shell.session, '2024-03', { wait: false });
    expect(shell.notes.at(-1)).toMatch(/being made/);
    expect(report.stored).toEqual([]);
  });
});
