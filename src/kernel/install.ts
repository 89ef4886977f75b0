// Kernelspecs written by tenant-shell itself, without Python or `jupyter` on the PATH: a
// `kernel.json` per kernel in `<data dir>/kernels/<name>`. The data dir is JUPYTER_DATA_DIR,
// else the platform's user dir (--user, the default) or `<prefix>/share/jupyter` (--prefix).
// A kernelspec is a plain-text file anyone may read: it names flags, never a secret.

import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFolders } from '../make-folders.ts';

import { EMULATOR_KERNEL_NAME, KERNEL_NAME, kernelspecOf } from './names.ts';

export { EMULATOR_KERNEL_NAME, KERNEL_NAME };

export interface Target {
  /** `--prefix DIR`; absent: the user's data dir. */
  prefix?: string;
}

type Env = Record<string, string | undefined>;

/** Where Jupyter looks for the user's own data (jupyter_core's `jupyter_data_dir`). */
export function userDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'jupyter');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

export function kernelsDir(target: Target, env: Env): string {
  return target.prefix
    ? join(target.prefix, 'share', 'jupyter', 'kernels')
    : join(userDataDir(env), 'kernels');
}

/** Every dir Jupyter searches for kernels, first wins: JUPYTER_PATH, the user's, the system's. */
export function searchDirs(env: Env): string[] {
  const fromPath = (env.JUPYTER_PATH ?? '').split(delimiter).filter(Boolean);
  const system =
    process.platform === 'win32' ? [] : ['/usr/local/share/jupyter', '/usr/share/jupyter'];
  return [...fromPath, userDataDir(env), ...system].map((dir) => join(dir, 'kernels'));
}

/**
 * The command that starts this tenant-shell, as an absolute path (no PATH lookup): its
 * package's `bin/tenant-shell.js`, found upwards from this module (a source file, or a chunk
 * of the bundle, which sits deeper).
 */
function entryPoint(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = join(dir, 'bin', 'tenant-shell.js');
    if (existsSync(bin)) return bin;
    const up = dirname(dir);
    if (up === dir) throw new Error('tenant-shell cannot find its own bin/tenant-shell.js');
    dir = up;
  }
}

/**
 * How Jupyter interrupts the kernel. `signal` (POSIX) sends SIGINT: the kernel cancels an
 * awaited call or a question as the stop button's message does, and V8 breaks a synchronous
 * loop too, so it is the default where it exists. `message` works on Windows as well, but the
 * control socket is read on the main thread, so a synchronous loop cannot be stopped that way.
 */
export type InterruptMode = 'message' | 'signal';

export const DEFAULT_INTERRUPT: InterruptMode = process.platform === 'win32' ? 'message' : 'signal';

export function kernelSpec(
  emulator: boolean,
  interrupt: InterruptMode = DEFAULT_INTERRUPT,
): Record<string, unknown> {
  return {
    argv: [
      process.execPath,
      entryPoint(),
      'kernel',
      ...(emulator ? ['--emulator'] : []),
      '--connection-file',
      '{connection_file}',
    ],
    display_name: kernelspecOf(emulator).display_name,
    language: 'typescript',
    interrupt_mode: interrupt,
    kernel_protocol_version: '5.3',
    metadata: {},
  };
}

/** Writes "tenant-shell", and with `emulator` "tenant-shell-emulator" too; the lines to say. */
export async function install(
  target: Target,
  emulator: boolean,
  env: Env,
  interrupt: InterruptMode = DEFAULT_INTERRUPT,
): Promise<string[]> {
  const dir = kernelsDir(target, env);
  const written: string[] = [];
  for (const [name, spec] of [
    [KERNEL_NAME, kernelSpec(false, interrupt)],
    ...(emulator ? [[EMULATOR_KERNEL_NAME, kernelSpec(true, interrupt)] as const] : []),
  ] as const) {
    const folder = join(dir, name);
    makeFolders(folder);
    await writeFile(join(folder, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
    written.push(`Installed the Jupyter kernel '${name}' in ${folder}.`);
  }
  return written;
}

export async function uninstall(target: Target, env: Env): Promise<string[]> {
  const dir = kernelsDir(target, env);
  const lines: string[] = [];
  for (const name of [KERNEL_NAME, EMULATOR_KERNEL_NAME]) {
    const folder = join(dir, name);
    const present = await readFile(join(folder, 'kernel.json')).then(
      () => true,
      () => false,
    );
    if (!present) continue;
    await rm(folder, { recursive: true, force: true });
    lines.push(`Removed the Jupyter kernel '${name}' from ${folder}.`);
  }
  return lines.length > 0 ? lines : [`No tenant-shell kernel was installed in ${dir}.`];
}

/** The tenant-shell kernels Jupyter would find, and where. */
export async function list(env: Env): Promise<string[]> {
  const lines: string[] = [];
  const found = new Set<string>();
  for (const dir of searchDirs(env)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!name.startsWith(KERNEL_NAME) || found.has(name)) continue;
      const spec = await readFile(join(dir, name, 'kernel.json'), 'utf8').catch(() => undefined);
      if (spec === undefined) continue;
      found.add(name);
      lines.push(`${name}  ${join(dir, name)}`);
    }
  }
  return lines.length > 0
    ? lines
    : ['No tenant-shell kernel is installed: tenant-shell kernel install --emulator adds them.'];
}
