// Tier B of the kernel's tests: Debian's real Jupyter clients (jupyter_client, nbconvert,
// jupyter console) against `tenant-shell kernel` from its kernelspecs. Runs where Debian's
// Jupyter clients are installed (.ci/run installs them); skipped, saying why, elsewhere.
// jupyter-notebooks.test.ts runs the tutorials and a long tree-wide change.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import {
  KERNEL_FIXTURES as FIXTURES,
  type JupyterHome,
  jupyterHome,
  jupyterMissing,
  processesLeft,
  runClient as run,
} from '../helpers/jupyter.ts';

if (jupyterMissing) console.warn(`tier B of the kernel tests skipped: ${jupyterMissing}.`);

describe.skipIf(jupyterMissing !== undefined)('tenant-shell kernel with Jupyter clients', () => {
  let jupyter: JupyterHome;
  let env: Record<string, string>;
  let home: string;
  /** A data center for the kernel that logs in for real: the emulator on its own, by URL. */
  let dataCenter: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    [jupyter, dataCenter] = await Promise.all([jupyterHome(), startEmulator({ port: 0 })]);
    ({ env, dir: home } = jupyter);
  });
  afterAll(async () => {
    await dataCenter?.close();
    if (jupyter) rmSync(jupyter.dir, { recursive: true, force: true });
  });
  /** `jupyter nbconvert --execute` of a fixture notebook into `executed/`, as a user runs it. */
  const nbconvert = (fixture: string, output: string, extra: string[] = []) =>
    run(
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        ...extra,
        join(FIXTURES, fixture),
        '--output-dir',
        join(home, 'executed'),
        '--output',
        output,
      ],
      env,
    );

  // No kernel (nor client) may outlive its test.
  afterEach(() => {
    expect(processesLeft(jupyter)).toEqual([]);
  });

  it('jupyter_client: info, cells, errors, Run All aborts, introspection, interrupt, restart, shutdown', async () => {
    const result = await run([join(FIXTURES, 'probe.py'), 'tenant-shell-emulator'], env);
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen.kernel_info).toEqual({ language: 'typescript', protocol: '5.3' });
    expect(seen.ok).toMatchObject({ status: 'ok', count: 1 });
    const types = (seen.ok.outputs as [string, unknown][]).map(([t]) => t);
    // The login's line is a display; what the cell printed, a stream.
    expect(types).toEqual([
      'status',
      'execute_input',
      'display_data',
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
    expect(seen.loop_interrupt.status).toBe('error');
    expect(seen.loop_interrupt.s).toBeLessThan(5);
    expect(seen.after_loop).toBe('ok');
    expect(seen.after_restart).toBe(1);
    expect(seen.alive_after_shutdown).toBe(false);
  });

  it('nbconvert --execute runs a notebook on the emulator kernelspec, the token masked', async () => {
    const out = join(home, 'executed');
    const result = await nbconvert('small.ipynb', 'small.ipynb');
    expect(result.code, result.stderr).toBe(0);
    const notebook = JSON.parse(readFileSync(join(out, 'small.ipynb'), 'utf8'));
    const cells = notebook.cells as {
      execution_count: number;
      outputs: { output_type: string; text?: string[]; data?: Record<string, string[]> }[];
    }[];
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    // The login's line, a display; then what the cell printed and its value.
    expect(cells[0]?.outputs.map((o) => o.output_type)).toEqual([
      'display_data',
      'stream',
      'execute_result',
    ]);
    expect(cells[0]?.outputs[0]?.data?.['text/plain']?.join('')).toMatch(/^Logged in to emulator/);
    expect(cells[0]?.outputs[1]?.text?.join('')).toContain('hello from the kernel');
    expect(cells[0]?.outputs[2]?.data?.['text/plain']).toEqual(['42']);
    // The call, in the display --run --check reads back, then the value.
    const [call, value] = cells[1]?.outputs ?? [];
    expect(call?.output_type).toBe('display_data');
    const calls = (call as { metadata?: { tenant_shell?: { calls?: { method: string }[] } } })
      .metadata?.tenant_shell?.calls;
    expect(calls?.map((c) => c.method)).toEqual(['GET']);
    expect(value?.data?.['text/plain']).toEqual(["'disabled'"]);
    const token = cells[2]?.outputs[0]?.data?.['text/plain']?.join('') ?? '';
    expect(token).toMatch(/^'Bearer [A-Za-z0-9_-]{1,16}…'$/);
  });

  it("nbconvert (no stdin): a cell that needs a confirmation fails at once, in setMfa's own sentence naming {yes: true}", async () => {
    const started = Date.now();
    const result = await nbconvert('confirm.ipynb', 'confirm.ipynb');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('log in; without a terminal to confirm, pass {yes: true}.');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('nbconvert (no stdin) on the kernel that logs in for real: the first cell fails at once, naming the variables', async () => {
    const started = Date.now();
    const result = await nbconvert('small.ipynb', 'no-login.ipynb', [
      '--ExecutePreprocessor.kernel_name=tenant-shell',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'set TENANT_SHELL_URL, TENANT_SHELL_CLIENT_ID and TENANT_SHELL_CLIENT_SECRET in the environment Jupyter starts from',
    );
    expect(result.stderr).toContain('E_USAGE');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('jupyter console with piped input: the login asks where, the URL, the client and the secret (masked) on the first cell', async () => {
    const answers = ['2', dataCenter.url, dataCenter.client_id, dataCenter.client_secret, 'n'];
    const result = await run(
      ['-m', 'jupyter_console', '--simple-prompt', '--kernel', 'tenant-shell'],
      env,
      { input: ['tenant_id', ...answers, 'base_url', ''].join('\n') },
    );
    expect(result.stdout).toContain('Where to connect?\n  1) The embedded emulator');
    expect(result.stdout).toContain('Number (1-3) [1]: Data center URL: API client id: ');
    // Jupyter's console asks a password input_request without echo (getpass).
    expect(result.stderr).toContain('Password input may be echoed');
    // getpass writes its prompt to stderr.
    expect(result.stderr).toContain('API client secret: ');
    expect(result.stdout).toContain(
      'Save the URL and client id as a profile (never the secret)? [Y/n]',
    );
    expect(result.stdout).toContain(`Out[1]: '${dataCenter.tenant_id}'`);
    expect(result.stdout).toContain(`Out[2]: '${dataCenter.url}/api/2'`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(dataCenter.client_secret);
  });

  it('jupyter console with piped input: a prompt, and setMfa(true) asks its question through Jupyter', async () => {
    const result = await run(
      ['-m', 'jupyter_console', '--simple-prompt', '--kernel', 'tenant-shell-emulator'],
      env,
      { input: '6 * 7\nawait setMfa(true)\ny\n(await getMfa()).mfa_status\n' },
    );
    expect(result.stdout).toContain('Out[1]: 42');
    expect(result.stdout).toContain("Enable 2FA for 'Emulator Partner'? [y/N] ");
    expect(result.stdout).toContain("Out[3]: 'enabled'");
  });
});
