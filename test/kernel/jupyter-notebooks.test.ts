// Tier B, notebooks: every shipped tutorial executed by `jupyter nbconvert --execute` on the
// emulator kernelspec, then checked by `tenant-shell --emulator --run … --check` and against
// the tutorial's own (terminal) recording; and a long tree-wide change interrupted from
// jupyter_client, leaving a report that a second cell resumes. Skipped, saying why, where
// Debian's Jupyter clients are not installed (see jupyter-clients.test.ts).

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import { compareCells, describeDifference, Normaliser } from '../../src/notebook/compare.ts';
import { parseIpynb, parseMarkdown } from '../../src/notebook/parse-notebook.ts';
import { renderIpynb } from '../../src/notebook/render-ipynb.ts';
import {
  type JupyterHome,
  jupyterHome,
  jupyterMissing,
  KERNEL_FIXTURES,
  processesLeft,
  runClient,
} from '../helpers/jupyter.ts';
import { ROOT } from '../helpers/shell-command.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const TUTORIALS = join(ROOT, 'tutorials');
/** nbconvert processes side by side, each executing its share of the notebooks in turn. */
const NBCONVERTS = 2;
/** `--run --check` processes at once. */
const CHECKS = 3;

/** Runs `work` over `items`, `width` at a time. */
async function pooled<T, R>(items: T[], width: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

describe.skipIf(jupyterMissing !== undefined)('notebooks through Jupyter', () => {
  let jupyter: JupyterHome;
  beforeAll(async () => {
    jupyter = await jupyterHome();
  });
  afterAll(() => {
    if (jupyter) rmSync(jupyter.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(processesLeft(jupyter)).toEqual([]);
  });

  it('every shipped tutorial: nbconvert --execute on the emulator kernel, then --run --check, the same as the terminal', async () => {
    const names = readdirSync(TUTORIALS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(20);
    const input = join(jupyter.dir, 'tutorials');
    const output = join(jupyter.dir, 'executed');
    mkdirSync(input);
    // A tutorial becomes a notebook as `.save x.ipynb` writes one (what `--emulator --run
    // tutorials/X.md --save X.ipynb` does after replaying it), recorded outputs and all.
    const recorded = new Map(
      names.map((name) => {
        const notebook = parseMarkdown(readFileSync(join(TUTORIALS, `${name}.md`), 'utf8'));
        notebook.meta = { ...notebook.meta, dataCenter: 'emulator' };
        writeFileSync(join(input, `${name}.ipynb`), renderIpynb(notebook));
        return [name, notebook];
      }),
    );
    const shares = Array.from({ length: NBCONVERTS }, (_, i) =>
      names.filter((_, j) => j % NBCONVERTS === i),
    );
    const converted = await Promise.all(
      shares.map((share) =>
        runClient(
          [
            '-m',
            'nbconvert',
            '--to',
            'notebook',
            '--execute',
            '--output-dir',
            output,
            ...share.map((name) => join(input, `${name}.ipynb`)),
          ],
          jupyter.env,
          { timeoutMs: 100_000 },
        ),
      ),
    );
    for (const result of converted) expect(result.code, result.stderr).toBe(0);

    // What Jupyter shows is what the terminal recorded: cell by cell, calls included.
    let calls = 0;
    for (const name of names) {
      const executed = parseIpynb(readFileSync(join(output, `${name}.ipynb`), 'utf8'), name);
      const terminal = recorded.get(name)?.cells ?? [];
      expect(executed.cells.map((c) => c.n)).toEqual(terminal.map((c) => c.n));
      const sides = { recorded: new Normaliser(), now: new Normaliser() };
      const differences = terminal.flatMap((cell, i) => {
        const now = executed.cells[i];
        return now ? compareCells(cell, now, sides).map((d) => describeDifference(d)) : [];
      });
      expect(differences, name).toEqual([]);
      expect(executed.cells.map((c) => c.calls.length)).toEqual(
        terminal.map((c) => c.calls.length),
      );
      calls += executed.cells.reduce((sum, c) => sum + c.calls.length, 0);
    }
    expect(calls).toBeGreaterThan(names.length);

    const checked = await pooled(names, CHECKS, (name) =>
      tenantShell(['--emulator', '--run', join(output, `${name}.ipynb`), '--check'], {
        HOME: jupyter.dir,
      }),
    );
    checked.forEach((result, i) => {
      expect(result.stdout, `${names[i]}: ${result.stderr}`).toMatch(
        /Replayed \d+ cells: every result matches the recording\./,
      );
      expect(result.code).toBe(0);
    });
  }, 150_000);

  it('the stop button during a tree-wide change leaves a report; the next cell resumes it', async () => {
    const emulator = await startEmulator({ port: 0, tenants: 150, seed: 5, latency: 80 });
    try {
      const report = join(jupyter.dir, 'interrupted.json');
      const result = await runClient(
        [join(KERNEL_FIXTURES, 'interrupt-bulk.py'), 'tenant-shell', report],
        {
          ...jupyter.env,
          TENANT_SHELL_URL: emulator.url,
          TENANT_SHELL_CLIENT_ID: emulator.client_id,
          TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
      // The cell ends with the change's summary (its value), the calls in flight finished.
      expect(seen.first.status).toBe('ok');
      expect(seen.first.text).toContain('Stopping: the calls in flight finish');
      expect(seen.first.text).toMatch(/Interrupted: \d+ tenants not started\./);
      expect(seen.first.text).toContain(`Finish with: await setMfa(true, {resume: "${report}"})`);
      expect(seen.first_s - seen.interrupted_after_s).toBeLessThan(10);
      expect(seen.report.status).toBe('interrupted');
      const pending = seen.report.states.pending as number;
      expect(pending).toBeGreaterThan(0);
      expect(seen.report.states.changed).toBeGreaterThan(0);
      // The resumed cell changes exactly what was left, and the platform has it all.
      expect(seen.second.status).toBe('ok');
      expect(seen.second.text.endsWith(String(pending))).toBe(true);
      const finished = JSON.parse(readFileSync(report, 'utf8')) as {
        status: string;
        tenants: { id: string; state: string }[];
      };
      expect(finished.status).toBe('finished');
      const changed = finished.tenants.filter((t) => t.state === 'changed');
      expect(finished.tenants.filter((t) => t.state === 'pending')).toEqual([]);
      expect(changed.length).toBe(seen.report.states.changed + pending);
      for (const t of changed)
        expect(emulator.world.tenants.get(t.id)?.mfa_status, t.id).toBe('enabled');
      expect(JSON.stringify(finished)).not.toContain(emulator.client_secret);
      expect(seen.alive_after_shutdown).toBe(false);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
