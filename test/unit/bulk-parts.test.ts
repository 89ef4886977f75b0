// The parts of a tree-wide change that need no server: classification, the progress line, the
// bounded runner, and the report file's atomic replacement.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, type PlanEntry } from '../../src/bulk/plan.ts';
import { ReportData, ReportWriter } from '../../src/bulk/report.ts';
import { runLimited } from '../../src/bulk/run.ts';
import { renderProgress } from '../../src/ui/progress.ts';

describe('classify', () => {
  const base = { update_lock: null, pricing_mode: 'trial' as const };
  it('units and folders inherit; locked ones are refused; the wanted status is left alone', () => {
    expect(classify({ ...base, kind: 'unit', mfa_status: 'disabled' }, true).state).toBe(
      'inherits',
    );
    expect(classify({ ...base, kind: 'folder', mfa_status: 'disabled' }, true).state).toBe(
      'inherits',
    );
    expect(
      classify({ ...base, kind: 'customer', update_lock: { enabled: true } }, true).state,
    ).toBe('not_allowed');
    expect(classify({ ...base, kind: 'customer', mfa_status: 'enabled' }, true).state).toBe(
      'unchanged',
    );
    expect(
      classify({ ...base, kind: 'customer', mfa_status: 'disable_in_progress' }, true),
    ).toEqual({ state: 'pending' });
    expect(
      classify(
        { ...base, kind: 'partner', mfa_status: 'enabled', pricing_mode: 'production' },
        false,
      ).state,
    ).toBe('not_allowed');
  });
});

describe('renderProgress', () => {
  it('shows done/total, the rate, failures and the time left within the width', () => {
    const line = renderProgress({
      label: 'Enabling 2FA',
      total: 1000,
      done: 250,
      failed: 2,
      elapsedMs: 500,
      columns: 80,
    });
    expect(line).toMatch(/^Enabling 2FA █+░+ 250\/1000 · 500\/s · 2 failed · 2s left$/);
    expect(line.length).toBeLessThanOrEqual(80);
    const narrow = renderProgress({
      label: 'X',
      total: 10,
      done: 0,
      failed: 0,
      elapsedMs: 0,
      columns: 20,
    });
    expect(narrow.length).toBeLessThan(20);
  });
});

describe('runLimited', () => {
  it('keeps at most `concurrency` in flight and stops starting new ones when told', async () => {
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const { started } = await runLimited(
      items,
      { concurrency: 5, stopped: () => done >= 20 },
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        done++;
      },
    );
    expect(peak).toBe(5);
    expect(started).toBeGreaterThanOrEqual(20);
    expect(started).toBeLessThanOrEqual(25);
    expect(done).toBe(started);
  });
});

describe('ReportWriter', () => {
  it('replaces the file whole, throttled, and leaves no temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-shell-report-'));
    const path = join(dir, 'r.json');
    const entries: PlanEntry[] = [{ id: 'a', name: 'A', kind: 'customer', state: 'pending' }];
    const writer = await ReportWriter.create(
      path,
      { base_url: 'http://127.0.0.1:1/api/2', enabled: true, scope: 'x', started_at: 'now' },
      entries,
      { intervalMs: 20 },
    );
    for (let i = 0; i < 50; i++) {
      entries.push({ id: `id${i}`, name: `N${i}`, kind: 'customer', state: 'changed' });
      writer.changed();
      // Whatever moment a reader (or a resume after kill -9) picks, the file is whole.
      ReportData.parse(JSON.parse(readFileSync(path, 'utf8')));
      await new Promise((r) => setTimeout(r, 2));
    }
    await writer.flush('finished');
    const data = ReportData.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(data.tenants).toHaveLength(51);
    expect(data.status).toBe('finished');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });
});
