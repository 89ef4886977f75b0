// The code-cache loader (bin/code-cache.js): a bundle runs the same whatever the cache holds,
// the cache never lands beside the package, and one bundle's cache never serves another. Small
// bundles in child processes, then the real shell once.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, SHELL } from '../helpers/shell-command.ts';

const LOADER = pathToFileURL(join(ROOT, 'bin', 'code-cache.js')).href;
const work = mkdtempSync(join(tmpdir(), 'tenant-shell-code-cache-'));
afterAll(() => {
  chmodSync(join(work, 'pkg'), 0o755);
  rmSync(work, { recursive: true, force: true });
});

/** A bundle with some functions to cache; prints what it computed and exits with `code`. */
function bundle(name: string, tag: string): string {
  const file = join(work, 'pkg', name);
  mkdirSync(join(work, 'pkg'), { recursive: true });
  writeFileSync(
    file,
    `const { sep } = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
const parts = [${JSON.stringify(tag)}, String(fib(15)), typeof module.exports, __filename.endsWith(${JSON.stringify(name)}), sep.length];
process.stdout.write(parts.join(' '));
process.exitCode = Number(process.env.EXIT_CODE ?? 0);
`,
  );
  return file;
}

/** Runs `file` through the loader with caches in `dir`; answers its output and the cache state. */
function run(
  file: string,
  dir: string,
  env: Record<string, string> = {},
  argv: string[] = [],
  nodeFlags: string[] = [],
) {
  const script = `import { runBundle } from ${JSON.stringify(LOADER)};
const state = runBundle(process.argv[1], { dir: process.argv[2], argv: JSON.parse(process.argv[3]) });
process.stderr.write(state);`;
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, '--input-type=module', '-e', script, file, dir, JSON.stringify(argv)],
    { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } },
  );
  return { out: r.stdout, state: r.stderr.trim(), status: r.status };
}

const cacheFiles = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.bin'));
  } catch {
    return [];
  }
};

describe('the V8 code cache of the bundle', () => {
  it('is made after a successful run, used by the next, and the output stays the same', () => {
    const file = bundle('a.cjs', 'A');
    const dir = join(work, 'cache-1');
    const first = run(file, dir);
    expect(first).toEqual({ out: 'A 610 object true 1', state: 'none', status: 0 });
    expect(cacheFiles(dir)).toHaveLength(1);
    const second = run(file, dir);
    expect(second).toEqual({ out: 'A 610 object true 1', state: 'accepted', status: 0 });
  });

  it('recompiles on a corrupt or truncated cache, runs the same, and writes a whole one', () => {
    const file = bundle('b.cjs', 'B');
    const dir = join(work, 'cache-2');
    run(file, dir);
    const [name] = cacheFiles(dir);
    const path = join(dir, String(name));
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    const at = flipped.length - 10;
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    for (const bad of [flipped, good.subarray(0, good.length >> 1), Buffer.from('garbage')]) {
      writeFileSync(path, bad);
      expect(run(file, dir)).toEqual({ out: 'B 610 object true 1', state: 'none', status: 0 });
      expect(run(file, dir).state).toBe('accepted');
    }
  });

  it('recompiles when V8 rejects the cache (other V8 flags) and stays correct', () => {
    const file = bundle('c.cjs', 'C');
    const dir = join(work, 'cache-3');
    run(file, dir);
    const flags = ['--no-opt'];
    const other = run(file, dir, {}, [], flags);
    expect(other).toEqual({ out: 'C 610 object true 1', state: 'rejected', status: 0 });
    // Rewritten for these flags.
    expect(run(file, dir, {}, [], flags).state).toBe('accepted');
  });

  it("never serves one bundle's cache to another, nor a stale cache to a rebuilt bundle", () => {
    const dir = join(work, 'cache-4');
    const a = bundle('d.cjs', 'D1');
    run(a, dir);
    const [aCache] = cacheFiles(dir);
    // Rebuilt with other contents of the same length: a new key, the old cache is not read.
    const b = bundle('d.cjs', 'D2');
    expect(run(b, dir)).toEqual({ out: 'D2 610 object true 1', state: 'none', status: 0 });
    expect(cacheFiles(dir)).toHaveLength(2);
    // A's cache put where B's would be found: its key says whose it is.
    const bCache = cacheFiles(dir).find((n) => n !== aCache) as string;
    renameSync(join(dir, String(aCache)), join(dir, bCache));
    expect(run(b, dir)).toEqual({ out: 'D2 610 object true 1', state: 'none', status: 0 });
  });

  it('writes nothing into a read-only package folder, and runs when the cache folder cannot be written', () => {
    const file = bundle('e.cjs', 'E');
    const pkg = join(work, 'pkg');
    const before = readdirSync(pkg).sort();
    chmodSync(pkg, 0o555);
    const dir = join(work, 'cache-5');
    expect(run(file, dir).status).toBe(0);
    expect(run(file, dir).state).toBe('accepted');
    expect(readdirSync(pkg).sort()).toEqual(before);
    // The cache folder under a regular file: no cache, the same run.
    writeFileSync(join(work, 'not-a-folder'), '');
    const blocked = join(work, 'not-a-folder', 'v8');
    expect(run(file, blocked)).toEqual({ out: 'E 610 object true 1', state: 'none', status: 0 });
    expect(run(file, blocked).state).toBe('none');
  });

  it('keeps no cache of a failed run or of --help, and none at all when turned off', () => {
    const file = bundle('f.cjs', 'F');
    const dir = join(work, 'cache-6');
    expect(run(file, dir, { EXIT_CODE: '1' }).status).toBe(1);
    expect(run(file, dir, {}, ['--help']).status).toBe(0);
    expect(cacheFiles(dir)).toEqual([]);
    expect(run(file, dir, { TENANT_SHELL_CODE_CACHE: '0' }).state).toBe('off');
    expect(cacheFiles(dir)).toEqual([]);
  });

  it('lives in the user cache folder of the platform', () => {
    const script = `import { cacheDir } from ${JSON.stringify(LOADER)};
process.stdout.write(JSON.stringify([
  cacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux'),
  cacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux'),
  cacheDir({}, 'darwin'),
  cacheDir({ LOCALAPPDATA: 'C:\\\\L' }, 'win32'),
]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: '/home/u' },
    });
    expect(JSON.parse(out)).toEqual([
      join('/x/cache', 'tenant-shell', 'v8'),
      join('/home/u', '.cache', 'tenant-shell', 'v8'),
      join('/home/u', 'Library', 'Caches', 'tenant-shell', 'v8'),
      join('C:\\L', 'tenant-shell', 'v8'),
    ]);
  });
});

describe('the shell through the code cache', () => {
  it('works from no cache, a good one and a corrupt one, and a cell can import()', () => {
    const cache = join(work, 'xdg');
    const home = join(work, 'home');
    mkdirSync(home, { recursive: true });
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CACHE_HOME: cache,
      TENANT_SHELL_CONFIG_DIR: join(home, 'config'),
      NO_COLOR: '1',
    };
    const shell = (code: string) =>
      spawnSync(SHELL[0], [...SHELL.slice(1), '--emulator', '--eval', code], {
        encoding: 'utf8',
        env,
      });
    const code = "(await import('node:path')).sep + (await import('zod')).z.string().parse('ok')";
    const dir = join(cache, 'tenant-shell', 'v8');
    // The run that makes the cache holds a value made at run time (as a token is): the cache
    // is compiled code, and keeps none of it.
    const made = shell("['run', process.pid, Date.now(), 'value'].join('-')");
    expect(made.stdout).toMatch(/^run-\d+-\d+-value\n$/);
    const [name] = cacheFiles(dir);
    expect(name).toBeDefined();
    expect(readFileSync(join(dir, String(name))).includes(made.stdout.trim())).toBe(false);
    expect(shell(code).stdout).toBe('/ok\n');
    expect(shell(code).stdout).toBe('/ok\n');
    const path = join(dir, String(name));
    const bytes = readFileSync(path);
    const truncated = bytes.subarray(0, bytes.length - 1000);
    writeFileSync(path, truncated);
    const corrupt = shell(code);
    expect(corrupt.stdout).toBe('/ok\n');
    expect(corrupt.status).toBe(0);
    // Rewritten after the run.
    expect(readFileSync(path).equals(truncated)).toBe(false);
    // Nothing was written beside the bundle.
    expect(readdirSync(join(ROOT, 'dist', 'bundle')).sort()).toEqual([
      'tenant-shell.cjs',
      'tenant-shell.cjs.map',
    ]);
  });
});
