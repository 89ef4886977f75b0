// Tier B of the kernel's tests runs Debian's Jupyter clients (/usr/bin/python3 with
// jupyter_client, nbconvert, jupyter_console; .ci/run installs them). What the tier's files
// share: whether they can run, a private Jupyter home, running a client, and the leak check.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcessResult, runProcess } from './run-process.ts';
import { ROOT } from './shell-command.ts';
import { tenantShell } from './tenant-shell-cli.ts';

export const PYTHON = '/usr/bin/python3';
export const KERNEL_FIXTURES = join(ROOT, 'test', 'fixtures', 'kernel');

const probe = spawnSync(PYTHON, ['-c', 'import jupyter_client, nbconvert, jupyter_console'], {
  encoding: 'utf8',
});
/** Why tier B cannot run here, or undefined when it can. */
export const jupyterMissing =
  probe.status === 0
    ? undefined
    : `Debian's Jupyter clients are not installed (${PYTHON} -c "import jupyter_client, nbconvert, jupyter_console" failed)`;

export interface JupyterHome {
  dir: string;
  env: Record<string, string>;
}

/** A Jupyter of its own (data, config, runtime dirs) with both tenant-shell kernelspecs in it. */
export async function jupyterHome(): Promise<JupyterHome> {
  const dir = mkdtempSync(join(tmpdir(), 'ts-jupyter-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NO_COLOR: '1',
    JUPYTER_DATA_DIR: join(dir, 'data'),
    JUPYTER_PATH: join(dir, 'path'),
    JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: join(dir, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: join(dir, 'ipython'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const installed = await tenantShell(['kernel', 'install', '--user', '--emulator'], env);
  if (installed.code !== 0) throw new Error(`kernel install failed: ${installed.stderr}`);
  return { dir, env };
}

export type ClientResult = ProcessResult;

/**
 * A Jupyter client (`python3 ARGS`), input piped in, killed past `timeoutMs`. In a session of
 * its own, so no terminal is its: getpass then reads a secret from the pipe as Jupyter's
 * console does for a masked input_request.
 */
export function runClient(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ClientResult> {
  return runProcess(PYTHON, args, {
    env,
    input: options.input ?? '',
    group: true,
    timeoutMs: options.timeoutMs ?? 40_000,
  });
}

/**
 * The processes still running with this home: clients, and kernels (nbconvert puts their
 * connection files elsewhere, so they are known by the environment Jupyter gave them).
 */
export function processesLeft(home: JupyterHome): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => {
    const pid = Number.parseInt(line, 10);
    if (!Number.isInteger(pid) || pid === process.pid) return false;
    if (line.includes(home.dir)) return true;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home.dir}`);
    } catch {
      return false; // gone, or not ours to read
    }
  });
}
