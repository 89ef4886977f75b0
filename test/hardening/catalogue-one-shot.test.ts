// Issue 10, one-shot mode as a CI job meets it: each case is a `tenant-shell --eval` run with
// a bad or tricky cell, a misbehaving platform, or a signal. Each must end with the exit code
// the contract names (README, `--help`), say what happened in one clear sentence, keep stdout
// for the result alone, print no secret (the run's final scan checks every file kept here),
// and leave the platform working: the next one-shot against it succeeds.

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { type EmulatorProxy, startEmulatorProxy } from '../helpers/emulator-proxy.ts';
import { type CliResult, tenantShell } from '../helpers/tenant-shell-cli.ts';
import { artifactDir, keepOutput, recordFigures, registerSecrets } from './artifacts.ts';

let emulator: RunningEmulator;
const emulators: RunningEmulator[] = [];
let proxy: EmulatorProxy;
let proxyUrl = '';
let dir: string;
/** What the proxy in front of the emulator does to `PUT …/mfa/status` now. */
let puts: 'pass' | 'refuse' | 'slow' = 'pass';
let putsSeen = 0;

/** The proxy's part: PUTs of a 2FA status refused or slowed as the test says, the rest passed on. */
async function interceptPuts(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'PUT' || !req.url?.endsWith('/mfa/status')) return false;
  putsSeen++;
  if (puts === 'refuse') {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 400, message: 'Refused by the test proxy.' } }));
    return true;
  }
  if (puts === 'slow') await new Promise((r) => setTimeout(r, 400));
  return false;
}

beforeAll(async () => {
  emulator = await startEmulator({ tenants: 40 });
  emulators.push(emulator);
  registerSecrets(emulator.client_secret, emulator.admin.password);
  proxy = await startEmulatorProxy(() => emulator.url, interceptPuts);
  proxyUrl = proxy.url;
  dir = artifactDir('one-shot');
});

afterAll(async () => {
  await proxy.close();
  await Promise.all(emulators.map((e) => e.close()));
});

let runs = 0;
/** `tenant-shell --url … --client-id … ARGS`, the secret from the environment, output kept. */
async function oneShot(
  args: string[],
  options: Parameters<typeof tenantShell>[2] = {},
): Promise<CliResult> {
  const n = ++runs;
  const result = await tenantShell(
    ['--url', proxyUrl, '--client-id', emulator.client_id, ...args],
    {
      TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      TENANT_SHELL_REPORT_DIR: join(dir, 'reports'),
      TENANT_SHELL_CONFIG_DIR: join(dir, 'config'),
    },
    options,
  );
  keepOutput(dir, `run-${n}.stdout`, result.stdout);
  keepOutput(dir, `run-${n}.stderr`, result.stderr);
  return result;
}

/** The session goes on: a one-shot right after answers. */
async function stillWorks() {
  puts = 'pass';
  const next = await oneShot(['--eval', '(await getMfa()).mfa_status']);
  expect(next.stdout).toMatch(/^(enabled|disabled)\n$/);
  expect(next.code).toBe(0);
}

const WHOLE_JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/;

interface Case {
  name: string;
  code: string;
  json?: boolean;
  /** The exit code the contract names. */
  exit: number;
  /** All of stdout (the result alone), when it is checked. */
  stdout?: RegExp;
  /** What stderr must say. */
  says?: RegExp;
}

const CASES: Case[] = [
  {
    name: "import() of Node's modules",
    code: "(await import('node:fs')).existsSync('/')",
    exit: 0,
    stdout: /^true\n$/,
  },
  {
    name: 'require, as in a Node script',
    code: "require('node:path').posix.join('a', 'b')",
    exit: 0,
    stdout: /^a\/b\n$/,
  },
  {
    name: 'an import statement in a cell',
    code: "import { join } from 'node:path'; join('a', 'b')",
    exit: 0,
    stdout: /^a\/b\n$/,
  },
  {
    name: "the shell's own dependencies",
    code: "typeof (await import('undici')).request",
    exit: 0,
    stdout: /^function\n$/,
  },
  {
    name: 'printing goes to stderr; stdout holds only the result',
    code: "console.log('noise'); 6 * 7",
    exit: 0,
    stdout: /^42\n$/,
    says: /^noise$/m,
  },
  {
    name: 'the bearer token spread into console.log',
    code: 'console.log({...auth})',
    exit: 0,
    stdout: /^$/,
    says: /Authorization: 'Bearer eyJ[\w-]{0,16}…'/,
  },
  {
    name: 'the client secret printed from the environment',
    code: 'console.error(process.env.TENANT_SHELL_CLIENT_SECRET)',
    exit: 0,
    says: /^[\w-]{4}…$|^\*\*\*\*$/m,
  },
  {
    name: 'the token written straight to the process stdout',
    code: 'process.stdout.write(auth.Authorization + "\\n"); 1',
    exit: 0,
    stdout: /^Bearer eyJ[\w-]{0,16}…\n1\n$/,
  },
  {
    name: 'an asynchronous throw with the token in it',
    code: "setTimeout(() => { throw new Error('x ' + auth.Authorization) }, 1); await new Promise((r) => setTimeout(r, 50))",
    exit: 1,
    stdout: /^$/,
    says: /^Uncaught Error: x Bearer eyJ[\w-]{0,16}…\n$/,
  },
  {
    name: 'a rejection nobody handles',
    code: "Promise.reject(new Error('nobody caught ' + auth.Authorization)); await new Promise((r) => setTimeout(r, 50))",
    exit: 1,
    says: /^Uncaught Error: nobody caught Bearer eyJ[\w-]{0,16}…\n$/,
  },
  {
    name: 'a syntax error points at the user code, not a wrapper',
    code: 'getMfa(',
    exit: 1,
    stdout: /^$/,
    says: /^✖ SyntaxError: the code ends before it is finished .*\(line 1, column 8\)\n {2}getMfa\(\n {9}\^\n$/,
  },
  {
    name: 'a syntax error in the middle of a line',
    code: 'const a = 1 +* 2',
    exit: 1,
    says: /^✖ SyntaxError: Unexpected token \(line 1, column 14\)\n {2}const a = 1 \+\* 2\n {15}\^\n$/,
  },
  {
    name: 'export in a cell',
    code: 'export const a = 1',
    exit: 1,
    says: /'export' is for modules/,
  },
  {
    name: '--json of a function',
    code: '() => 1',
    json: true,
    exit: 1,
    stdout: /^$/,
    says: /^✖ The result is a function, which has no JSON form: return data/,
  },
  {
    name: '--json of a symbol',
    code: "Symbol('s')",
    json: true,
    exit: 1,
    says: /^✖ The result is a symbol, which has no JSON form/,
  },
  {
    name: '--json of a circular object',
    code: 'const o = {a: 1}; o.self = o; o',
    json: true,
    exit: 1,
    says: /^✖ The result refers to itself \(a circular object\), which has no JSON form/,
  },
  {
    name: '--json of a BigInt, a Map, a Set and a Date',
    code: "({n: 2n ** 70n, m: new Map([['a', 1]]), s: new Set(['x']), d: new Date(0)})",
    json: true,
    exit: 0,
    stdout:
      /^\{\n {2}"n": "1180591620717411303424",\n {2}"m": \[\n {4}\[\n {6}"a",\n {6}1\n {4}\]\n {2}\],\n {2}"s": \[\n {4}"x"\n {2}\],\n {2}"d": "1970-01-01T00:00:00.000Z"\n\}\n$/,
  },
  {
    name: '--json of undefined',
    code: 'void 0',
    json: true,
    exit: 0,
    stdout: /^null\n$/,
  },
  {
    name: 'a string result is printed as it is',
    code: "'plain ' + 'text'",
    exit: 0,
    stdout: /^plain text\n$/,
  },
  {
    name: 'a JavaScript error',
    code: 'undefinedFunction()',
    exit: 1,
    says: /^Uncaught ReferenceError: undefinedFunction is not defined\n$/,
  },
];

describe('one-shot mode: the contract, case by case', () => {
  for (const c of CASES) {
    // Each case is a process of its own: several at once keep the file's time down.
    it.concurrent(`${c.name}: exit ${c.exit}`, async () => {
      const r = await oneShot([...(c.json ? ['--json'] : []), '--eval', c.code]);
      expect(r.code, r.stderr).toBe(c.exit);
      if (c.stdout) expect(r.stdout).toMatch(c.stdout);
      if (c.says) expect(r.stderr).toMatch(c.says);
      expect(r.stdout + r.stderr).not.toMatch(WHOLE_JWT);
      expect(r.stdout + r.stderr).not.toContain(emulator.client_secret);
      // Never Node's own crash output.
      expect(r.stderr).not.toMatch(/^\s+at |node:internal|triggerUncaughtException/m);
    });
  }
  it('the platform still answers after all of them', stillWorks);
});

describe('one-shot mode: tree-wide changes and signals', () => {
  it('a tree-wide change with failed tenants exits 1, the summary still on stdout as JSON', async () => {
    puts = 'refuse';
    const r = await oneShot(['--yes', '--json', '--eval', 'await setMfa(true, {subtree: true})']);
    const summary = JSON.parse(r.stdout) as { failed: number; changed: number };
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.changed).toBe(0);
    expect(r.code).toBe(1);
    await stillWorks();
  });

  it('a tree-wide change whose value is not returned still decides the exit code', async () => {
    puts = 'refuse';
    const r = await oneShot([
      '--yes',
      '--eval',
      'const s = await setMfa(true, {subtree: true}); s.failed > 0',
    ]);
    expect(r.stdout).toBe('true\n');
    expect(r.code).toBe(1);
    await stillWorks();
  });

  for (const [signal, exit] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} during a tree-wide change: summary, report and the finishing call on stderr, exit ${exit}`, async () => {
      // A world of its own, all of it still to change.
      emulator = await startEmulator({ tenants: 40 });
      emulators.push(emulator);
      registerSecrets(emulator.client_secret, emulator.admin.password);
      const enable = true;
      puts = 'slow';
      putsSeen = 0;
      const started = Date.now();
      const r = await oneShot(
        ['--yes', '--eval', `await setMfa(${enable}, {subtree: true, concurrency: 2})`],
        {
          started: (child) => {
            const poll = setInterval(() => {
              if (putsSeen >= 2) {
                clearInterval(poll);
                child.kill(signal);
              }
            }, 20);
          },
        },
      );
      expect(r.code, r.stderr).toBe(exit);
      expect(r.stdout).toBe('');
      const verb = enable ? 'enabled' : 'disabled';
      expect(r.stderr).toMatch(
        new RegExp(`^2FA ${verb} for \\d+ tenants? in the subtree of `, 'm'),
      );
      expect(r.stderr).toMatch(/^Interrupted: \d+ tenants? not started\.$/m);
      const report = /^Report: (.+\.json)$/m.exec(r.stderr)?.[1];
      expect(report, r.stderr).toBeDefined();
      expect(r.stderr).toContain(
        `Finish with: await setMfa(true, {resume: ${JSON.stringify(report)}})`,
      );
      expect(existsSync(report ?? '')).toBe(true);
      expect(JSON.parse(readFileSync(report ?? '', 'utf8')).status).toBe('interrupted');
      recordFigures('one-shot', { [`${signal.toLowerCase()}_to_exit_ms`]: Date.now() - started });
      await stillWorks();
      // Resuming finishes the work and nothing is left.
      const resumed = await oneShot([
        '--yes',
        '--json',
        '--eval',
        `await setMfa(true, {resume: ${JSON.stringify(report)}})`,
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout).left).toBe(0);
    });
  }

  it('a cell that never resolves: Ctrl+C ends it with "Cancelled." and exit 130', async () => {
    // A timer keeps the process alive, as a stalled connection would.
    const code = "console.log('waiting'); await new Promise(() => setInterval(() => {}, 1000))";
    const r = await oneShot(['--eval', code], {
      started: (child) => {
        child.stderr?.on('data', (d: Buffer) => {
          // Not at the very moment it writes: a signal in the middle of a write can cut it.
          if (String(d).includes('waiting')) setTimeout(() => child.kill('SIGINT'), 200);
        });
      },
    });
    expect(r.stderr).toMatch(/^waiting\nCancelled\.\n$/);
    expect(r.code).toBe(130);
  });

  it('a cell awaiting what nothing can settle ends with a sentence, exit 1, no silent exit', async () => {
    const r = await oneShot(['--eval', 'await new Promise(() => {})']);
    expect(r.stderr).toMatch(/^✖ The code waits for something nothing will do .*: stopped\.\n$/);
    expect(r.code).toBe(1);
  });

  it('a synchronous endless loop: Ctrl+C breaks it, exit 130', async () => {
    const r = await oneShot(['--eval', "console.log('looping'); while (true) {}"], {
      started: (child) => {
        child.stderr?.on('data', (d: Buffer) => {
          if (String(d).includes('looping')) setTimeout(() => child.kill('SIGINT'), 100);
        });
      },
    });
    expect(r.stderr).toMatch(/Cancelled\.\n$/);
    expect(r.code).toBe(130);
  });

  it('a notebook saved from --eval passes its own --check', async () => {
    const file = join(dir, 'from-eval.md');
    const saved = await oneShot(['--eval', "console.log('hi'); 1", '--save', file]);
    expect(saved.code, saved.stderr).toBe(0);
    const replay = await oneShot(['--run', file, '--check']);
    expect(replay.stdout).toContain('Replayed 1 cells: every result matches the recording.');
    expect(replay.code).toBe(0);
  });
});
