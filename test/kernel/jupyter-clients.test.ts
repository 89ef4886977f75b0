// Tier B of the kernel's tests: Debian's real Jupyter clients (jupyter_client, nbconvert,
// jupyter console) against `tenant-shell kernel` from the emulator kernelspec. Runs where
// `/usr/bin/python3 -c "import jupyter_client"` works (.ci/run installs the packages); skipped,
// saying why, elsewhere.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shell-command.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import jupyter_client, nbconvert'], { encoding: 'utf8' });
const missing =
  probe.status === 0
    ? undefined
    : `Debian's Jupyter clients are not installed (${PYTHON} -c "import jupyter_client, nbconvert" failed)`;
if (missing) console.warn(`tier B of the kernel tests skipped: ${missing}.`);

const FIXTURES = join(ROOT, 'test', 'fixtures', 'kernel');

function run(args: string[], env: Record<string, string>, input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(PYTHON, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdin.end(input ?? '');
    const deadline = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(missing !== undefined)('tenant-shell kernel with Jupyter clients', () => {
  let home: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'ts-jupyter-'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      NO_COLOR: '1',
      JUPYTER_DATA_DIR: join(home, 'data'),
      JUPYTER_PATH: join(home, 'path'),
      JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
      JUPYTER_CONFIG_DIR: join(home, 'config'),
      JUPYTER_PLATFORM_DIRS: '1',
      IPYTHONDIR: join(home, 'ipython'),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    const installed = await tenantShell(['kernel', 'install', '--user', '--emulator'], env);
    expect(installed.code).toBe(0);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  // No kernel may outlive its test: their connection files live in this runtime dir.
  afterEach(() => {
    const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    const left = ps.split('\n').filter((line) => line.includes(join(home, 'runtime')));
    expect(left).toEqual([]);
  });

  it('jupyter_client: info, cells, errors, Run All aborts, introspection, interrupt, restart, shutdown', async () => {
    const result = await run([join(FIXTURES, 'probe.py'), 'tenant-shell-emulator'], env);
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen.kernel_info).toEqual({ language: 'typescript', protocol: '5.3' });
    expect(seen.ok).toMatchObject({ status: 'ok', count: 1 });
    const types = (seen.ok.outputs as [string, unknown][]).map(([t]) => t);
    expect(types).toEqual([
      'status',
      'execute_input',
      'stream',
      'stream',
      'execute_result',
      'status',
    ]);
    expect(seen.helper.outputs).toContainEqual([
      'execute_result',
      { execution_count: 2, data: { 'text/plain': "'disabled'" }, metadata: {} },
    ]);
    expect(seen.error).toMatchObject({ status: 'error', count: 3, ename: 'ReferenceError' });
    expect(seen.run_all).toEqual(['error', 'aborted', 'aborted']);
    expect(seen).toMatchObject({ is_complete: 'incomplete', complete: true, history: 2 });
    expect(seen.interrupt.ename).toBe('E_CANCELLED');
    expect(seen.after_interrupt).toBe('ok');
    expect(seen.after_restart).toBe(1);
    expect(seen.alive_after_shutdown).toBe(false);
  });

  it('nbconvert --execute runs a notebook on the emulator kernelspec, the token masked', async () => {
    const out = join(home, 'executed');
    const result = await run(
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        join(FIXTURES, 'small.ipynb'),
        '--output-dir',
        out,
        '--output',
        'small.ipynb',
      ],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const notebook = JSON.parse(readFileSync(join(out, 'small.ipynb'), 'utf8'));
    const cells = notebook.cells as {
      execution_count: number;
      outputs: { output_type: string; text?: string[]; data?: Record<string, string[]> }[];
    }[];
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    expect(cells[0]?.outputs[0]?.text?.join('')).toContain('hello from the kernel');
    expect(cells[0]?.outputs[1]?.data?.['text/plain']).toEqual(['42']);
    expect(cells[1]?.outputs[0]?.data?.['text/plain']).toEqual(["'disabled'"]);
    const token = cells[2]?.outputs[0]?.data?.['text/plain']?.join('') ?? '';
    expect(token).toMatch(/^'Bearer [A-Za-z0-9_-]{1,16}…'$/);
  });

  it('nbconvert (no stdin): a cell that needs a confirmation fails at once, naming {yes: true}', async () => {
    const started = Date.now();
    const result = await run(
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        join(FIXTURES, 'confirm.ipynb'),
        '--output-dir',
        join(home, 'executed'),
        '--output',
        'confirm.ipynb',
      ],
      env,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('This front end answers no questions');
    expect(result.stderr).toContain('pass {yes: true}');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('jupyter console with piped input: a prompt, and setMfa(true) asks its question through Jupyter', async () => {
    const result = await run(
      ['-m', 'jupyter_console', '--simple-prompt', '--kernel', 'tenant-shell-emulator'],
      env,
      '6 * 7\nawait setMfa(true)\ny\n(await getMfa()).mfa_status\n',
    );
    expect(result.stdout).toContain('Out[1]: 42');
    expect(result.stdout).toContain("Enable 2FA for 'Emulator Partner'? [y/N] ");
    expect(result.stdout).toContain("Out[3]: 'enabled'");
  });
});
