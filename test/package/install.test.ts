// The package a user installs: `npm pack` of a scratch copy of the checkout (so `prepack` must
// build the bundle: the copy has none), `npm install -g` of the tarball into a temporary prefix
// from npm's cache, then the installed command logs in to the embedded emulator and turns 2FA
// on. It must start from the bundle: the package holds no sources and no tsx to run them with.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE } from '../../scripts/build.ts';
import { artifactDir, keepOutput } from '../hardening/artifacts.ts';
import { type ProcessResult, runProcess } from '../helpers/run-process.ts';
import { ROOT } from '../helpers/shell-command.ts';

type Run = ProcessResult;

/** Folders of the checkout that are not copied: installed, built or version control. */
const NOT_COPIED = new Set(['node_modules', 'dist', 'coverage', '.git', '.tmp']);

/** What the package holds at its top level, and nothing else. */
const PACKAGE_TOP = [
  'LICENSE',
  'README.md',
  'bin',
  'dist',
  'examples',
  'package.json',
  'tutorials',
];

/** npm's answer when neither its cache nor the registry could give a package. */
const UNREACHABLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/;

/** The running node first on PATH, so npm and the installed command run on the suite's Node. */
const PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);

/**
 * The environment without what `npm test` exported for this project (its prefix, its package's
 * fields), which would point npm in the scratch copy back at the checkout.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_(local_prefix|prefix|global_prefix|global)$)/.test(name))
      continue;
    env[name] = value;
  }
  return { ...env, PATH };
}

async function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  // Generous: a busy two-core machine takes seconds where an idle one takes one.
  const result = await runProcess(command, args, { cwd, env, timeoutMs: 120_000 });
  if (result.timedOut) result.stderr += `\n(${command} killed after 120 s)`;
  return result;
}

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tenant-shell-package-')));
const prefix = join(scratch, 'prefix');
const installedRoot = join(prefix, 'lib', 'node_modules', 'tenant-shell');
let packed: string[] = [];
let freshStart: Run = { code: -1, stdout: '', stderr: '', timedOut: false };
let freshBundle = false;
let installLog = '';
/** Why the install could not be tried (no npm cache and no registry), if it could not. */
let unreachable: string | undefined;

beforeAll(async () => {
  const checkout = join(scratch, 'checkout');
  cpSync(ROOT, checkout, {
    recursive: true,
    filter: (from) => !NOT_COPIED.has(relative(ROOT, from).split(sep)[0] ?? ''),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');

  // `npm start` in a fresh clone, which has no bundle yet (before `npm pack` builds one).
  const home = artifactDir('fresh-clone-start');
  freshStart = await run(
    process.execPath,
    [
      join(checkout, 'bin', 'tenant-shell.js'),
      '--emulator',
      '--json',
      '--eval',
      'new Error().stack',
    ],
    home,
    { PATH, HOME: home, NO_COLOR: '1' },
  );
  freshBundle = existsSync(join(checkout, relative(ROOT, BUNDLE)));

  const pack = await run(
    'npm',
    ['pack', '--json', '--pack-destination', scratch],
    checkout,
    npmEnv(),
  );
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [report] = JSON.parse(pack.stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  if (!report) throw new Error(`npm pack reported nothing:\n${pack.stdout}`);
  packed = report.files.map((f) => f.path).sort();

  // From npm's cache alone (which `npm ci` filled), as fast as an install gets; only what the
  // cache lacks is asked of the registry, with few and short retries.
  const install = async (...mode: string[]) =>
    run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        ...mode,
        '--no-audit',
        '--no-fund',
        join(scratch, report.filename),
      ],
      scratch,
      npmEnv(),
    );
  let installed = await install('--offline');
  if (installed.code !== 0 && /ENOTCACHED/.test(installed.stderr)) {
    installed = await install(
      '--prefer-offline',
      '--fetch-retries=1',
      '--fetch-retry-mintimeout=1000',
      '--fetch-retry-maxtimeout=5000',
    );
  }
  installLog = installed.stderr;
  if (installed.code !== 0) {
    if (!UNREACHABLE.test(installed.stderr))
      throw new Error(`npm install -g failed:\n${installed.stderr}`);
    unreachable = `npm could not install the package's dependencies: they are not in its cache and the registry is unreachable (${installed.stderr.match(UNREACHABLE)?.[0]})`;
    console.warn(`Skipping the install tests: ${unreachable}.`);
  }
}, 240_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('builds the bundle at its first start and runs from it, not from the sources', () => {
    expect(freshStart.code, freshStart.stderr).toBe(0);
    expect(freshBundle).toBe(true);
    const frames = (JSON.parse(freshStart.stdout) as string)
      .split('\n')
      .filter((l) => /[(\s](file:\/\/)?\//.test(l));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/dist[\\/]bundle[\\/]tenant-shell\.cjs/);
  });
});

describe('npm pack', () => {
  it('holds bin, the bundle (built by prepack), README, licence, tutorials and examples', () => {
    expect([...new Set(packed.map((p) => p.split('/')[0]))].sort()).toEqual(PACKAGE_TOP);
    expect(packed).toContain('bin/tenant-shell.js');
    // Without it the bin's CommonJS would be read as an ES module (the package's "type").
    expect(packed).toContain('bin/package.json');
    expect(packed).toContain(relative(ROOT, BUNDLE).split(sep).join('/'));
    const tutorials = readdirSync(join(ROOT, 'tutorials')).filter((f) => f.endsWith('.md'));
    expect(tutorials.length).toBeGreaterThan(0);
    for (const name of tutorials) expect(packed).toContain(`tutorials/${name}`);
    expect(packed).toContain('examples/toggling-tenant-2fa.md');
  });

  it('holds no tests, no sources and no source maps (the sources are in the bundle)', () => {
    expect(packed.filter((p) => /^(test|src|scripts)\//.test(p) || p.endsWith('.map'))).toEqual([]);
  });
});

describe('npm install -g of the tarball', () => {
  it('runs no install script of ours and installs no tsx', (ctx) => {
    if (unreachable) ctx.skip(unreachable);
    const scripts =
      (
        JSON.parse(readFileSync(join(installedRoot, 'package.json'), 'utf8')) as {
          scripts?: Record<string, string>;
        }
      ).scripts ?? {};
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(scripts[hook], hook).toBeUndefined();
    }
    expect(installLog).not.toMatch(/tenant-shell@[^\s]* \(/);
    expect(existsSync(join(installedRoot, 'src'))).toBe(false);
    expect(existsSync(join(installedRoot, 'node_modules', 'tsx'))).toBe(false);
  });

  it("loads the kernel's zeromq, whose install script npm did not run either", async (ctx) => {
    if (unreachable) ctx.skip(unreachable);
    const probe = "process.stdout.write(typeof require('zeromq').Router)";
    const loaded = await run(process.execPath, ['-e', probe], installedRoot, { PATH });
    expect(loaded.stdout, loaded.stderr).toBe('function');
  });

  it('gives a tenant-shell that logs in to the emulator, turns 2FA on and exits 0, from the bundle', async (ctx) => {
    if (unreachable) ctx.skip(unreachable);
    const home = artifactDir('package-install');
    const code = [
      // A type annotation: the cell compiler strips it with esbuild, whose install script npm
      // did not run.
      'const on: boolean = true; await setMfa(on, {yes: true});',
      "({status: (await getMfa()).mfa_status, undici: typeof (await import('undici')).request, stack: new Error().stack})",
    ].join(' ');
    const shell = await run(
      join(prefix, 'bin', 'tenant-shell'),
      ['--emulator', '--yes', '--json', '--eval', code],
      home,
      { PATH, HOME: home, NO_COLOR: '1' },
    );
    keepOutput(home, 'stdout.txt', shell.stdout);
    keepOutput(home, 'stderr.txt', shell.stderr);
    expect(shell.code, shell.stderr).toBe(0);
    const result = JSON.parse(shell.stdout) as { status: string; undici: string; stack: string };
    expect(result.status).toBe('enabled');
    expect(shell.stderr).toMatch(/2FA is on/);
    // A dependency a cell may import, as the README promises.
    expect(result.undici).toBe('function');
    // The cell's callers are the installed bundle's files, not TypeScript sources through tsx.
    // (Frames in files, as a URL from the bundle or a path through tsx; not cell[1] nor node:.)
    const frames = result.stack.split('\n').filter((l) => /[(\s](file:\/\/)?\//.test(l));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame).toContain(`${installedRoot}${sep}dist${sep}`);
      expect(frame).not.toMatch(/\.ts:\d/);
    }
  }, 60_000);
});
