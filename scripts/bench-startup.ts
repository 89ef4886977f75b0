// Benchmark 3: start-up, the targets of the start-up issue side by side in one run.
// - One-shot: `tenant-shell --url … --client-id … --yes --eval "await setMfa(…, {tenant: id})"`,
//   spawn to exit, beside the same calls made by Python (requests, else urllib: the row says
//   which) and beside `node -e 0`, against a standalone emulator at --latency 0 and at 20.
// - Exit after the result: from the result's first bytes reaching the reader to the exit.
// - First prompt in a pseudo-terminal (login at --latency 0), beside a bare `node` REPL's.
// Each layout the shell had is measured beside the one it ships (the ES-module chunks it had, the
// same with Node's module compile cache where Node has one, one CommonJS file, that file with the
// V8 code cache), on every Node given (--node), from the repository and, with --installed, from
// `npm pack` installed with `npm install -g` into a temporary prefix. Alternating rounds after
// a warm-up round that fills the caches (scripts/bench-rounds.ts); medians, per-round ratios.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import {
  type EmulatorProcess,
  fmt,
  log,
  ROOT,
  realPython,
  shellEnv,
  startEmulatorProcess,
  table,
} from './bench-lib.ts';
import { alternate, medianOf, ratioOf, type Sample, verdict } from './bench-rounds.ts';
import { buildBundle, buildSplitBundle } from './build.ts';

export interface StartupOptions {
  /** Node executables to measure the shell on; the first is the one running the benchmark. */
  nodes: string[];
  /** Also measure the package a user installs (npm pack, npm install -g into a temp prefix). */
  installed: boolean;
  rounds: number;
}

const TARGETS = { shot0: 0.6, shot20: 0.8, promptMs: 160, promptRatio: 1.5, exitMs: 20 };

const work = mkdtempSync(join(tmpdir(), 'tenant-shell-startup-'));
const home = join(work, 'home');
mkdirSync(home);

/** Spawn to exit; `result` is when stdout's first bytes arrived. Throws on a non-zero exit. */
function timeRun(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let result: number | undefined;
    let err = '';
    child.stdout.on('data', () => {
      result ??= performance.now() - t0;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      const exit = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
        return;
      }
      resolve(result === undefined ? { exit } : { exit, result, afterResult: exit - result });
    });
  });
}

/** Spawn to `prompt` drawn in a 120×40 pseudo-terminal. */
function timePrompt(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  prompt: string,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const pty = spawnPty(cmd, args, {
      name: 'xterm',
      cols: 120,
      rows: 40,
      cwd: home,
      env: env as Record<string, string>,
    });
    let out = '';
    const timer = setTimeout(() => {
      pty.kill();
      reject(new Error(`no prompt within 15 s: ${out.slice(-500)}`));
    }, 15_000);
    pty.onData((data) => {
      out += data;
      if (out.includes(prompt)) {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        pty.onExit(() => resolve({ prompt: ms }));
        pty.kill();
      }
    });
  });
}

/** The one-shot's calls, one after another: token, the client (login), the tenant and its 2FA
 * status (setMfa reads both, in parallel), the PUT. requests if installed, else urllib. */
const PYTHON_FLOW = `
import sys, json, base64
base_url, client_id, secret, tenant, enabled = sys.argv[1:6]
try:
    import requests
    def call(method, url, headers=None, data=None, auth=None):
        r = requests.request(method, url, headers=headers, data=data, auth=auth)
        r.raise_for_status()
        return r.json()
    basic = (client_id, secret)
except ImportError:
    import urllib.request, urllib.parse
    def call(method, url, headers=None, data=None, auth=None):
        headers = dict(headers or {})
        if auth:
            headers['Authorization'] = 'Basic ' + base64.b64encode(':'.join(auth).encode()).decode()
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data)
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        req = urllib.request.Request(url, data=data.encode() if data else None, headers=headers, method=method)
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())
    basic = (client_id, secret)
token = call('POST', f'{base_url}/idp/token', auth=basic, data={'grant_type': 'client_credentials'})['access_token']
auth = {'Authorization': 'Bearer ' + token}
call('GET', f'{base_url}/clients/{client_id}', headers=auth)
call('GET', f'{base_url}/tenants/{tenant}', headers=auth)
call('GET', f'{base_url}/tenants/{tenant}/mfa/status', headers=auth)
call('PUT', f'{base_url}/tenants/{tenant}/mfa/status', headers={'Content-Type': 'application/json', **auth}, data='{"enabled": %s}' % enabled)
`;

async function customerOf(emu: EmulatorProcess): Promise<string> {
  const { helperSession } = await import('./bench-lib.ts');
  const { listTenants } = await import('../src/steps/tenants.ts');
  const { session, client } = await helperSession(emu);
  const customers = await listTenants(session, { kind: 'customer' });
  await client.close();
  const target = customers.find((t) => t.ancestral_access !== false && !t.update_lock?.enabled);
  if (!target) throw new Error('no customer to change');
  return target.id;
}

interface Layout {
  name: string;
  /** The script node runs, and what it needs in the environment. */
  script: string;
  env?: Record<string, string>;
  /** Node versions it applies to (module.enableCompileCache came with 22.1). */
  when?: (major: number) => boolean;
}

/** `npm pack` and `npm install -g` into a temporary prefix: the installed command's script. */
function installPackage(): { script: string; note: string } {
  const dest = join(work, 'pack');
  mkdirSync(dest);
  log('startup: npm pack, npm install -g into a temporary prefix');
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = join(dest, out.trim().split('\n').pop() ?? '');
  const prefix = join(work, 'prefix');
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const pkg = join(prefix, 'lib', 'node_modules', 'tenant-shell');
  const bundled = existsSync(join(pkg, 'dist', 'bundle', 'tenant-shell.cjs'));
  return {
    script: join(pkg, 'bin', 'tenant-shell.js'),
    note: bundled
      ? 'the package holds the bundle'
      : 'the package holds no bundle: it runs the sources through tsx',
  };
}

function nodeMajor(node: string): { version: string; major: number } {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  return { version, major: Number(version.slice(1).split('.')[0]) };
}

export async function benchStartup(opts: StartupOptions): Promise<string> {
  log('startup: building the bundle and, to compare, the ES-module chunks it replaced');
  await buildBundle();
  // Packed before the comparison's chunks are built beside the bundle.
  const installed = opts.installed ? installPackage() : undefined;
  const split = await buildSplitBundle(join(ROOT, 'dist', 'bench-split'));
  const bin = join(ROOT, 'bin', 'tenant-shell.js');
  const layouts: Layout[] = [
    { name: 'ES-module chunks (the layout before)', script: split },
    {
      name: 'ES-module chunks + Node module compile cache',
      script: split,
      env: { NODE_COMPILE_CACHE: join(work, 'node-compile-cache') },
      when: (major) => major >= 22,
    },
    {
      name: 'one CommonJS file, no code cache',
      script: bin,
      env: { TENANT_SHELL_CODE_CACHE: '0' },
    },
    { name: 'one CommonJS file + V8 code cache (shipped), repository', script: bin },
  ];
  if (installed) layouts.push({ name: 'the same, installed package', script: installed.script });
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  const python = realPython();
  const hasRequests = spawnSync(python, ['-c', 'import requests']).status === 0;
  const pyVersion = spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const pyName = `${pyVersion} ${hasRequests ? '+ requests' : '+ urllib (requests is not installed)'}`;
  const load0 = loadavg()[0] ?? 0;
  const started = Date.now();

  const emus = {
    0: await startEmulatorProcess({ tenants: 12, latency: 0 }),
    20: await startEmulatorProcess({ tenants: 12, latency: 20 }),
  };
  const sections: string[] = [];
  const verdicts: string[][] = [];
  try {
    const tenants = { 0: await customerOf(emus[0]), 20: await customerOf(emus[20]) };
    // Each run flips the tenant's 2FA, so every run makes the same calls, PUT included.
    const enabled = { 0: false, 20: false };
    const flip = (latency: 0 | 20) => {
      enabled[latency] = !enabled[latency];
      return enabled[latency];
    };

    for (const node of opts.nodes) {
      const { version, major } = nodeMajor(node);
      // As this machine is set up, and (where it costs: Node 20 reads the file at every start,
      // nodejs/node#40524) without it.
      const caCases: (string | undefined)[] =
        caCerts && major < 22 ? [caCerts, undefined] : [caCerts];
      for (const ca of caCases) {
        const caNote = caCerts
          ? ca
            ? 'NODE_EXTRA_CA_CERTS set, as on this machine'
            : 'NODE_EXTRA_CA_CERTS unset'
          : 'no NODE_EXTRA_CA_CERTS';
        const applies = layouts.filter((l) => !l.when || l.when(major));
        // Without the variable only the shipped layouts: the variable's cost is the point.
        const measured = ca === caCerts ? applies : applies.filter((l) => l.script !== split);
        const envFor = (emu: EmulatorProcess, extra: Record<string, string> = {}) =>
          shellEnv(home, emu.client_secret, {
            ...(ca ? { NODE_EXTRA_CA_CERTS: ca } : {}),
            ...extra,
          });

        const shots: Record<0 | 20, Map<string, Sample[]>> = { 0: new Map(), 20: new Map() };
        for (const latency of [0, 20] as const) {
          const emu = emus[latency];
          log(`startup: Node ${version}, ${caNote}, one-shot at --latency ${latency}`);
          const runs = new Map<string, () => Promise<Sample>>([
            ['node -e 0', () => timeRun(node, ['-e', '0'], envFor(emu))],
            [
              'python',
              () =>
                timeRun(
                  python,
                  [
                    '-c',
                    PYTHON_FLOW,
                    emu.base_url,
                    emu.client_id,
                    emu.client_secret,
                    tenants[latency],
                    String(flip(latency)),
                  ],
                  envFor(emu),
                ),
            ],
            ...measured.map(
              (l) =>
                [
                  l.name,
                  () =>
                    timeRun(
                      node,
                      [
                        l.script,
                        ...['--url', emu.url, '--client-id', emu.client_id, '--yes', '--eval'],
                        `await setMfa(${flip(latency)}, {tenant: '${tenants[latency]}'})`,
                      ],
                      envFor(emu, l.env),
                    ),
                ] as const,
            ),
          ]);
          shots[latency] = await alternate(
            [...runs.keys()],
            (name) => (runs.get(name) as () => Promise<Sample>)(),
            opts.rounds,
          );
        }

        log(`startup: Node ${version}, ${caNote}, first prompt in a pty`);
        const emu = emus[0];
        const prompts = new Map<string, () => Promise<Sample>>([
          ['node (bare REPL)', () => timePrompt(node, [], envFor(emu), '> ')],
          ...measured.map(
            (l) =>
              [
                l.name,
                () =>
                  timePrompt(
                    node,
                    [l.script, '--url', emu.url, '--client-id', emu.client_id],
                    envFor(emu, l.env),
                    '› ',
                  ),
              ] as const,
          ),
        ]);
        const prompt = await alternate(
          [...prompts.keys()],
          (name) => (prompts.get(name) as () => Promise<Sample>)(),
          opts.rounds,
        );

        const floor = (lat: 0 | 20) => shots[lat].get('node -e 0');
        const py = (lat: 0 | 20) => shots[lat].get('python');
        const repl = prompt.get('node (bare REPL)');
        const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '');
        const ms = (v: number) => (Number.isFinite(v) ? fmt.ms(v) : '');
        const rows = [
          [
            '`node -e 0`',
            ms(medianOf(floor(0), 'exit')),
            '',
            x(ratioOf(floor(0), py(0), 'exit')),
            '',
            ms(medianOf(floor(20), 'exit')),
            x(ratioOf(floor(20), py(20), 'exit')),
            '',
            '',
          ],
          [
            pyName,
            ms(medianOf(py(0), 'exit')),
            x(ratioOf(py(0), floor(0), 'exit')),
            '1.00×',
            '',
            ms(medianOf(py(20), 'exit')),
            '1.00×',
            '',
            '',
          ],
          ['bare `node` REPL', '', '', '', '', '', '', ms(medianOf(repl, 'prompt')), '1.00×'],
          ...measured.map((l) => [
            l.name,
            ms(medianOf(shots[0].get(l.name), 'exit')),
            x(ratioOf(shots[0].get(l.name), floor(0), 'exit')),
            x(ratioOf(shots[0].get(l.name), py(0), 'exit')),
            ms(medianOf(shots[0].get(l.name), 'afterResult')),
            ms(medianOf(shots[20].get(l.name), 'exit')),
            x(ratioOf(shots[20].get(l.name), py(20), 'exit')),
            ms(medianOf(prompt.get(l.name), 'prompt')),
            x(ratioOf(prompt.get(l.name), repl, 'prompt')),
          ]),
        ];
        sections.push(
          `#### Node ${version}, ${caNote}`,
          '',
          table(
            [
              'what',
              'one-shot, latency 0',
              '× `node -e 0`',
              '× Python',
              'exit after the result',
              'one-shot, latency 20',
              '× Python',
              'first prompt',
              '× bare REPL',
            ],
            rows,
          ),
          '',
        );
        for (const l of measured.filter((m) => m.script !== split && !m.env)) {
          const where = l.script === bin ? 'repository' : 'installed';
          const promptMs = medianOf(prompt.get(l.name), 'prompt');
          verdicts.push([
            `Node ${version}, ${where}, ${caNote}`,
            verdict(ratioOf(shots[0].get(l.name), py(0), 'exit'), TARGETS.shot0, ''),
            verdict(ratioOf(shots[20].get(l.name), py(20), 'exit'), TARGETS.shot20, ''),
            x(ratioOf(shots[0].get(l.name), floor(0), 'exit')),
            major === 20 ? verdict(promptMs, TARGETS.promptMs, ' ms') : fmt.ms(promptMs),
            verdict(ratioOf(prompt.get(l.name), repl, 'prompt'), TARGETS.promptRatio, ''),
            verdict(
              Math.max(
                medianOf(shots[0].get(l.name), 'afterResult'),
                medianOf(shots[20].get(l.name), 'afterResult'),
              ),
              TARGETS.exitMs,
              ' ms',
            ),
          ]);
        }
      }
    }
  } finally {
    await Promise.all([emus[0].close(), emus[20].close()]);
    rmSync(join(ROOT, 'dist', 'bench-split'), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  return [
    `### 3. Start-up (median of ${opts.rounds} alternating rounds after a warm-up round; emulator in its own process)`,
    '',
    table(
      [
        'Node, from',
        `one-shot at latency 0, × Python (target ≤ ${TARGETS.shot0})`,
        `at latency 20, × Python (≤ ${TARGETS.shot20})`,
        'at latency 0, × `node -e 0`',
        `first prompt (≤ ${TARGETS.promptMs} ms on Node 20)`,
        `first prompt × bare REPL (≤ ${TARGETS.promptRatio})`,
        `exit after the result (≤ ${TARGETS.exitMs} ms)`,
      ],
      verdicts,
    ),
    '',
    ...sections,
    `The one-shot is \`node …/bin/tenant-shell.js --url … --client-id … --yes --eval "await setMfa(true|false, {tenant: id})"\` (each run flips the tenant's 2FA, so each makes the same calls): the login's token and \`GET /clients/{id}\`, then \`setMfa\` reads the tenant and its status in parallel and PUTs, 5 calls in 4 round trips; the Python script (${pyName}, the interpreter itself, not a shim) makes the same 5 calls one after another. "Exit after the result" is from the result's first bytes reaching the reader (a pipe) to the process's exit, the larger of the two latencies' medians. "First prompt" is spawn until the prompt (\`›\`; the bare REPL's \`>\`) is drawn in a 120×40 pseudo-terminal, the login's 3 calls included, at latency 0. Ratios are medians of per-round ratios, so not the quotients of the medians shown.${installed ? ` Installed: \`npm pack\`, then \`npm install -g\` of the tarball into a temporary prefix (${installed.note}).` : ''}`,
    '',
    `Machine load (1-minute load average on ${cpus().length} cores): ${load0.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end; ${minutes} min.`,
  ].join('\n');
}
