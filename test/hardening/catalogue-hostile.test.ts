// Issue 11, hostile input: what a proxy, a platform reply, the disk, a second process or the
// environment can do to a session. In the style of catalogue.test.ts: each case is answered with
// one clear sentence (one line, no stack, the expected words), leaves the session working (the
// next call succeeds) and damages nothing already saved (the emulator's world, the files).

import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
// First: every @inquirer/prompts question of this file is shown on its screen (the login cases).
import { screen } from '@inquirer/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { TenantShellError } from '../../src/api/errors.ts';
import { login } from '../../src/auth/login.ts';
import { reportFolderError } from '../../src/bulk/report.ts';
import { type RunningEmulator, StateFileError, startEmulator } from '../../src/emulator/index.ts';
import { TenantMfaInfo } from '../../src/schemas/index.ts';
import { HELPERS } from '../../src/steps/registry.ts';
import { terminalAsker } from '../../src/ui/asker.ts';
import { progressBar } from '../../src/ui/progress.ts';
import { renderError } from '../../src/ui/render-error.ts';
import { stepSession, type TestShell } from '../helpers/step-session.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';
import { CLIENT_ID, CLIENT_SECRET, sendJson, startServer } from '../unit/api-test-server.ts';
import { artifactDir, keepOutput, recordFigures, registerSecrets } from './artifacts.ts';
import {
  type BadServer,
  GOOD_STATUS,
  holdLockElsewhere,
  type OtherProcess,
  startBadServer,
  startOneAnswerServer,
  startOtherProcess,
  startRefusingProxy,
  startTlsPort,
} from './catalogue-servers.ts';
import { digestFiles, worldDigest } from './digests.ts';

type Group =
  | 'proxies'
  | 'platform replies'
  | 'files and processes'
  | 'helpers'
  | 'flags'
  | 'login'
  | 'terminal';

interface Case {
  group: Group;
  name: string;
  /** Runs the hostile input: throws the error the user reads, or returns the sentence shown. */
  run: () => Promise<unknown>;
  /** What the user must read. */
  says: RegExp;
  /** What the user must not read (a wrong cause, advice that does not apply). */
  notSays?: RegExp;
  code?: string;
  /** The hint under the sentence (what to do next). */
  hint?: RegExp;
  /** Makes the files of the case (before the digests are taken). */
  prepare?: () => void | Promise<void>;
  /** Files that must be byte for byte the same afterwards. */
  files?: () => string[];
  /** The case changes the world on purpose (e.g. enables 2FA); the digest is not compared. */
  changesWorld?: boolean;
  /** Afterwards: more checks, and the session (or the case's own client) still answers. */
  after?: () => Promise<void>;
}

let emulator: RunningEmulator;
let shell: TestShell;
let dir: string;
const printed: string[] = [];

function helper(name: string) {
  return (...args: unknown[]) => {
    const spec = HELPERS.find((h) => h.name === name);
    if (!spec) throw new Error(`no helper ${name}`);
    return spec.run(shell.session, ...args);
  };
}
const getMfa = helper('getMfa');
const setMfa = helper('setMfa');
const createTenant = helper('createTenant');

/** Questions answered as given, recording what was asked and the notes shown before it. */
function answering(answer: boolean) {
  const asked: Array<{ question: string; notesBefore: string[] }> = [];
  const ask = {
    confirm: async (question: string) => {
      asked.push({ question, notesBefore: [...shell.notes] });
      return answer;
    },
    select: async () => {
      throw new Error('no select expected');
    },
    input: async () => {
      throw new Error('no input expected');
    },
  };
  return { asked, session: { ...shell.session, ask } };
}

/** The shell in a process of its own; the whole result, its output kept with the artifacts. */
async function runShell(args: string[], env: Record<string, string> = {}) {
  const home = artifactDir('catalogue-hostile-cli');
  const result = await tenantShell(args, { HOME: home, TENANT_SHELL_CONFIG_DIR: home, ...env });
  keepOutput(home, 'stdout.txt', result.stdout);
  keepOutput(home, 'stderr.txt', result.stderr);
  return result;
}

/** Runs `work` with these variables set in this process's environment, then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>) {
  const before: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(vars)) {
    before[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const NO_PROXY_ENV = {
  https_proxy: undefined,
  http_proxy: undefined,
  HTTP_PROXY: undefined,
  no_proxy: undefined,
  NO_PROXY: undefined,
};

/** A client of a remote data center: through the proxy, the proxy is the only thing reached. */
function connectThroughProxy(proxy: string) {
  return withEnv({ ...NO_PROXY_ENV, HTTPS_PROXY: proxy }, () =>
    PlatformClient.connect({
      url: 'https://eu2-cloud.acronis.com',
      credentials: { kind: 'client', clientId: 'proxy-case', clientSecret: 'proxy-case-secret' },
      timeoutMs: 1500,
      connectTimeoutMs: 1000,
      retry: { tries: 1 },
    }),
  );
}

const CASES: Case[] = [];
const add = (group: Group, list: Omit<Case, 'group'>[]) => {
  for (const c of list) CASES.push({ group, ...c });
};

// ---------------------------------------------------------------- proxies (defect 4)
let refusing502: Awaited<ReturnType<typeof startRefusingProxy>>;
let refusing407: Awaited<ReturnType<typeof startRefusingProxy>>;
let hangingUp: Awaited<ReturnType<typeof startRefusingProxy>>;
let droppingTunnel: Awaited<ReturnType<typeof startRefusingProxy>>;
add('proxies', [
  {
    name: 'HTTPS_PROXY=127.0.0.1:9 (no scheme, as curl accepts; nobody listens)',
    run: () => connectThroughProxy('127.0.0.1:9'),
    says: /^The proxy 127\.0\.0\.1:9 \(HTTPS_PROXY\) refused the connection\.$/,
    notSays: /eu2-cloud|emulator|Invalid URL/,
    code: 'E_NETWORK',
  },
  {
    name: 'HTTPS_PROXY=notaurl',
    run: () => connectThroughProxy('notaurl'),
    says: /HTTPS_PROXY is 'notaurl', which is not a proxy address .*host:port or http:\/\/host:port/,
    notSays: /Invalid URL/,
    code: 'E_USAGE',
  },
  {
    name: 'HTTPS_PROXY=http://:8080 (no host)',
    run: () => connectThroughProxy('http://:8080'),
    says: /HTTPS_PROXY is 'http:\/\/:8080', which is not a proxy address/,
    code: 'E_USAGE',
  },
  {
    name: 'HTTPS_PROXY=socks5://… (a kind of proxy undici does not speak)',
    run: () => connectThroughProxy('socks5://127.0.0.1:1080'),
    says: /HTTPS_PROXY is 'socks5:\/\/127\.0\.0\.1:1080'.*socks5:\/\/ proxies are not supported/,
    code: 'E_USAGE',
  },
  {
    name: 'HTTPS_PROXY with a password, refused: the password is not shown',
    run: () => connectThroughProxy('http://me:pr0xy-pass@127.0.0.1:9'),
    says: /^The proxy 127\.0\.0\.1:9 \(HTTPS_PROXY\) refused the connection\.$/,
    notSays: /pr0xy-pass/,
    code: 'E_NETWORK',
  },
  {
    name: 'a proxy answering 502 to CONNECT',
    run: () => connectThroughProxy(refusing502.hostPort),
    says: /^The proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) answered 502 when asked to connect to eu2-cloud\.acronis\.com/,
    notSays: /!== 200|Tunneling/,
    code: 'E_NETWORK',
    after: async () => {
      expect(refusing502.connects.at(-1)).toBe('eu2-cloud.acronis.com:443');
    },
  },
  {
    name: 'a proxy hanging up on CONNECT: the proxy is named too',
    run: () => connectThroughProxy(hangingUp.hostPort),
    says: /^The call to eu2-cloud\.acronis\.com \(through the proxy 127\.0\.0\.1:\d+, HTTPS_PROXY\) did not finish within 1500 ms\.$/,
    notSays: /not repeated automatically/,
    code: 'E_TIMEOUT',
  },
  {
    name: 'a proxy that opens the tunnel, then drops it: the proxy is named with the host',
    run: () => connectThroughProxy(droppingTunnel.hostPort),
    says: /^The connection to eu2-cloud\.acronis\.com through the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) was dropped \(\w+\)\.$/,
    notSays: /not repeated automatically/,
    code: 'E_NETWORK',
  },
  {
    name: 'a proxy answering 407 to CONNECT',
    run: () => connectThroughProxy(refusing407.url),
    says: /asks for a login \(407\)/,
    code: 'E_NETWORK',
  },
  {
    name: 'HTTPS_PROXY=127.0.0.1:9 with NO_PROXY naming the host: direct, not the proxy',
    run: () =>
      withEnv({ HTTPS_PROXY: '127.0.0.1:9', NO_PROXY: '.acronis.com' }, async () =>
        (await import('../../src/api/pool.ts')).proxyFor('https://eu2-cloud.acronis.com'),
      ).then((proxy) => `proxy: ${proxy === undefined ? 'none' : proxy.url}`),
    says: /^proxy: none$/,
  },
]);

// ---------------------------------------------------------------- flags: the call timeout (defect 8)
/**
 * The shell as a user starts it; returns its first line on stderr, after checking the rest is
 * at most a hint (no stack) and that it exited 1.
 */
async function shellSays(args: string[], env: Record<string, string> = {}): Promise<string> {
  const home = artifactDir('catalogue-hostile-cli');
  const result = await tenantShell(args, { HOME: home, TENANT_SHELL_CONFIG_DIR: home, ...env });
  keepOutput(home, 'stderr.txt', result.stderr);
  lastStderr = result.stderr;
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
  return (lines[0] ?? '').replace(/^✖ /, '');
}

let lastStderr = '';
let silentCli: { url: string; close(): Promise<void> };
let stalled: { url: string; close(): Promise<void> };
const busyTexts: string[] = [];
add('flags', [
  {
    name: '--timeout abc',
    run: () => shellSays(['--emulator', '--timeout', 'abc', '--eval', '1']),
    says: /^--timeout expects a number of seconds from 1 to 3600 .*, not "abc"\.$/,
  },
  {
    name: '--timeout 0',
    run: () => shellSays(['--emulator', '--timeout', '0', '--eval', '1']),
    says: /^--timeout expects a number of seconds from 1 to 3600 .*, not "0"\.$/,
  },
  {
    name: 'TENANT_SHELL_TIMEOUT=-5',
    run: () => shellSays(['--emulator', '--eval', '1'], { TENANT_SHELL_TIMEOUT: '-5' }),
    says: /^TENANT_SHELL_TIMEOUT expects a number of seconds from 1 to 3600 .*, not "-5"\.$/,
  },
  {
    name: '--timeout 1 against a host that never answers: the timeout says how to change it',
    run: () =>
      shellSays(
        ['--url', silentCli.url, '--client-id', CLIENT_ID, '--no-input', '--timeout', '1'],
        {
          TENANT_SHELL_CLIENT_SECRET: 'timeout-case-secret',
        },
      ),
    says: /did not finish within 1000 ms\.$/,
    after: async () => {
      expect(lastStderr).toMatch(
        /allow more time with --timeout SECONDS \(or TENANT_SHELL_TIMEOUT\)/,
      );
    },
  },
  {
    name: 'getMfa() on a reply that never starts: the spinner, then a timeout that names --timeout',
    run: () => {
      const client = new PlatformClient({
        url: stalled.url,
        credentials: { kind: 'token', accessToken: 'stalled-case-token' },
        timeoutMs: 700,
      });
      const session = {
        ...shell.session,
        client,
        busy: <T>(text: string, work: () => Promise<T>) => {
          busyTexts.push(text);
          return work();
        },
      };
      const spec = HELPERS.find((h) => h.name === 'getMfa');
      return Promise.resolve(spec?.run(session, emulator.tenant_id)).finally(() => client.close());
    },
    says: /did not finish within 700 ms/,
    code: 'E_TIMEOUT',
    hint: /--timeout SECONDS \(or TENANT_SHELL_TIMEOUT\)/,
    notSays: /raise the timeout/,
    after: async () => {
      expect(busyTexts).toEqual(['Reading the 2FA status']);
    },
  },
]);

// ---------------------------------------------------------------- helpers: no undo where none exists (defect 9)

/**
 * A partner in production with 2FA still off: created in trial, then switched (a partner
 * created in production has 2FA on from the start, as on the platform since 24.09).
 */
async function productionPartnerWith2faOff(name: string) {
  const { body: t } = await shell.client.request<{ id: string; name: string }>('POST', '/tenants', {
    json: { name, kind: 'partner', parent_id: emulator.tenant_id, pricing_mode: 'trial' },
  });
  const { body: pricing } = await shell.client.request<{ version: number }>(
    'GET',
    `/tenants/${t.id}/pricing`,
  );
  await shell.client.request('PUT', `/tenants/${t.id}/pricing`, {
    json: { mode: 'production', version: pricing.version },
  });
  const { body: now } = await shell.client.request<{
    id: string;
    name: string;
    pricing_mode?: string;
  }>('GET', `/tenants/${t.id}`);
  return now;
}
let prodPartner = { id: '', name: '' };
let secondPartnerId = '';
let oneWay: ReturnType<typeof answering>;
let callsBefore = 0;
add('helpers', [
  {
    name: 'setMfa(true) on a partner in production: said before the question, no "Undo with"',
    prepare: async () => {
      const t = await productionPartnerWith2faOff('Hostile Production Partner');
      expect(t.pricing_mode).toBe('production');
      prodPartner = t;
      oneWay = answering(true);
      shell.notes.length = 0;
    },
    run: async () => {
      const spec = HELPERS.find((h) => h.name === 'setMfa');
      await spec?.run(oneWay.session, true, { tenant: prodPartner.id });
      return shell.notes.find((n) => /no undo/.test(n));
    },
    says: /^2FA is on for 'Hostile Production Partner' for good: there is no undo\.$/,
    changesWorld: true,
    after: async () => {
      expect(oneWay.asked).toHaveLength(1);
      expect(oneWay.asked[0]?.notesBefore.join('\n')).toMatch(
        /This cannot be undone: .* cannot be turned off again\./,
      );
      expect(shell.notes.join('\n')).not.toMatch(/Undo with/);
    },
  },
  {
    name: 'setMfa(false) on that partner: refused before anything is sent (no 1027 round trip)',
    prepare: () => {
      callsBefore = shell.calls.length;
    },
    run: () => setMfa(false, { tenant: prodPartner.id, yes: true }),
    says: /^2FA cannot be turned off for 'Hostile Production Partner': .*partner tenants in production \(code 1027\); nothing was sent\.$/,
    code: 'E_USAGE',
    hint: /API client or a service account/,
    after: async () => {
      expect(shell.calls.slice(callsBefore).filter((c) => c.method === 'PUT')).toEqual([]);
    },
  },
  {
    name: 'setMfa(true, {tenants: [...]}) over a production partner: the plan says there is no way back',
    prepare: async () => {
      secondPartnerId = (await productionPartnerWith2faOff('Hostile Second Production Partner')).id;
    },
    run: async () => {
      const plan = (await setMfa(true, {
        tenants: [secondPartnerId, customerId],
        dryRun: true,
      })) as { describe(): string };
      return plan
        .describe()
        .split('\n')
        .find((l) => l.includes('no way back'));
    },
    says: /^ {2}no way back {2}1: 'Hostile Second Production Partner': partners in production, where 2FA cannot be turned off again$/,
  },
  {
    name: 'setMfa(true) on a customer still offers the undo (it exists there)',
    run: async () => {
      const t = (await createTenant('Hostile Undo Customer')) as { id: string };
      await setMfa(true, { tenant: t.id, yes: true });
      return shell.notes.at(-1);
    },
    says: /^Undo with: await setMfa\(false, \{tenant: '[0-9a-f-]{36}'\}\)$/,
    changesWorld: true,
  },
  {
    name: "--yes --eval 'setMfa(true); setMfa(false)' on the emulator's production partner",
    run: async () => {
      const r = await runShell([
        '--emulator',
        '--yes',
        '--eval',
        'await setMfa(true); await setMfa(false)',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/Undo with/);
      const lines = r.stderr.split('\n');
      // Said before the PUT: the one-way note comes first.
      expect(lines[0]).toMatch(/This cannot be undone/);
      return lines.find((l) => l.startsWith('✖ '))?.slice(2);
    },
    says: /^2FA cannot be turned off for 'Emulator Partner': .*; nothing was sent\.$/,
  },
]);

// ---------------------------------------------------------------- login: the platform's reason (defect 10)
/** Waits for a question showing `text`, then types and presses keys (Enter by default). */
async function reply(text: string, keys: { type?: string; press?: string[] } = {}) {
  const deadline = Date.now() + 10_000;
  while (!screen.getScreen().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no question '${text}':\n${screen.getScreen()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  if (keys.type) screen.type(keys.type);
  for (const key of keys.press ?? ['enter']) screen.keypress(key);
}

let twoFactorEmulator: RunningEmulator;
add('login', [
  {
    name: "the administrator's login with 2FA required: the platform's reason and the ways that work",
    prepare: async () => {
      twoFactorEmulator = await startEmulator({ tenants: 1 });
      // Enabling 2FA on its partner puts every user of it, the administrator too, to setup_required.
      const admin = await PlatformClient.connect({
        url: twoFactorEmulator.url,
        credentials: {
          kind: 'client',
          clientId: twoFactorEmulator.client_id,
          clientSecret: twoFactorEmulator.client_secret,
        },
      });
      await admin.request('PUT', `/tenants/${twoFactorEmulator.tenant_id}/mfa/status`, {
        json: { enabled: true },
      });
      await admin.close();
    },
    run: async () => {
      const said: string[] = [];
      const pending = login({
        flags: {},
        env: { TENANT_SHELL_CONFIG_DIR: join(dir, 'no-config') },
        interactive: true,
        print: (line) => said.push(line),
      });
      pending.catch(() => undefined);
      await reply('Where to connect?', { press: ['down', 'down', 'enter'] });
      await reply('Data center URL', { type: twoFactorEmulator.url });
      await reply("Administrator's login", { type: twoFactorEmulator.admin.login });
      await reply("Administrator's password", { type: twoFactorEmulator.admin.password });
      // Not the password again: the way in is chosen again, here the emulator.
      for (let i = 0; said.length === 0 && i < 2000; i++)
        await new Promise((r) => setTimeout(r, 5));
      await reply('Where to connect?', { press: ['enter'] });
      const session = await pending;
      try {
        expect(session.dataCenter.label).toBe('emulator');
        expect(said.join('\n')).not.toMatch(/refused the administrator's login or password/);
      } finally {
        await session.client.close();
        await session.emulator?.close();
      }
      return said[0];
    },
    says: /^127\.0\.0\.1:\d+ refused the administrator's login and said: "Two-factor authentication is on for this user: Basic authentication is refused; .*"; .*API client .*Settings > API clients.*service account/,
    after: async () => {
      await twoFactorEmulator.close();
    },
  },
]);

// ---------------------------------------------------------------- report folders (defect 5)
let customerId = '';
let putsBefore = 0;
const puts = () => shell.calls.filter((c) => c.method === 'PUT').length;
const NO_REPORT_ENV = { TENANT_SHELL_REPORT_DIR: undefined, XDG_STATE_HOME: undefined };
/** A tree-wide change of one customer that must stop before its first PUT. */
function bulkChange(env: Record<string, string | undefined>, extra: object = {}) {
  putsBefore = puts();
  return withEnv({ ...NO_REPORT_ENV, ...env }, () =>
    setMfa(true, { tenants: [customerId], yes: true, ...extra }),
  );
}
const nothingSent = async () => {
  expect(puts()).toBe(putsBefore);
};
/** A real ENOSPC from the kernel: /dev/full refuses every write with it. */
function diskFullError(): unknown {
  try {
    writeFileSync('/dev/full', 'x');
  } catch (error) {
    return error;
  }
  throw new Error('/dev/full accepted a write');
}
let aFile = '';
let aFolder = '';
add('files and processes', [
  {
    name: 'TENANT_SHELL_REPORT_DIR set to a file',
    prepare: () => {
      aFile = join(dir, 'not-a-folder');
      writeFileSync(aFile, 'keep me\n');
    },
    run: () => bulkChange({ TENANT_SHELL_REPORT_DIR: aFile }),
    says: /^setMfa cannot write its report in '.*not-a-folder' \(a file is in the way of the folder\), so nothing was sent: set TENANT_SHELL_REPORT_DIR to a folder you can write to, or pass \{report: FILE\}\.$/,
    notSays: /EEXIST|mkdir/,
    code: 'E_USAGE',
    files: () => [aFile],
    after: nothingSent,
  },
  {
    name: 'HOME is not a folder one can write in (no TENANT_SHELL_REPORT_DIR)',
    run: () => bulkChange({ HOME: aFile }),
    says: /^setMfa cannot write its report in '.*not-a-folder\/\.local\/state\/tenant-shell\/reports' \(part of the path is a file, not a folder\), so nothing was sent: set TENANT_SHELL_REPORT_DIR .*\{report: FILE\}\.$/,
    notSays: /ENOTDIR|mkdir/,
    code: 'E_USAGE',
    files: () => [aFile],
    after: nothingSent,
  },
  {
    name: '{report: FILE} naming a folder',
    prepare: () => {
      aFolder = join(dir, 'a-folder');
      mkdirSync(join(aFolder, 'inside'), { recursive: true });
    },
    run: () => bulkChange({}, { report: aFolder }),
    says: /^setMfa cannot write its report in '.*' \(the report path is a folder\), so nothing was sent: pass \{report: FILE\} with a file in a folder you can write to\.$/,
    code: 'E_USAGE',
    after: async () => {
      await nothingSent();
      // No temporary file left behind next to it.
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  },
  {
    name: 'the report folder removed during the run: the changes stand, the summary is whole',
    changesWorld: true,
    run: async () => {
      const slow = await startEmulator({ tenants: 4, latency: 40 });
      const s2 = await stepSession(slow);
      try {
        const ids = [...slow.world.tenants.values()]
          .filter((t) => t.kind === 'customer' && t.ancestral_access && !t.update_lock.enabled)
          .map((t) => t.id);
        const folder = mkdtempSync(join(tmpdir(), 'tenant-shell-hostile-gone-'));
        const pending = HELPERS.find((h) => h.name === 'setMfa')?.run(s2.session, true, {
          tenants: ids,
          yes: true,
          concurrency: 1,
          report: join(folder, 'r.json'),
        });
        // Once the run has written its first report (before its first PUT), the folder goes.
        for (let i = 0; i < 500 && !existsSync(join(folder, 'r.json')); i++)
          await new Promise((r) => setTimeout(r, 2));
        rmSync(folder, { recursive: true, force: true });
        const summary = (await pending) as { changed: number };
        expect(summary.changed).toBe(ids.length);
        return s2.notes.find((n) => n.includes('could not be updated'));
      } finally {
        await s2.close();
        await slow.close();
      }
    },
    says: /^The report '.*r\.json' could not be updated \(the folder is gone\): it may still list tenants as pending that were changed; the summary below is complete\.$/,
  },
  {
    name: 'a full disk (a real ENOSPC) when the report is first written',
    run: async () =>
      reportFolderError('setMfa', diskFullError(), join(dir, 'r.json'), 'default').message,
    says: /^setMfa cannot write its report in '.*' \(the disk is full\), so nothing was sent: set TENANT_SHELL_REPORT_DIR .*\{report: FILE\}\.$/,
    notSays: /ENOSPC/,
  },
  {
    name: 'an unwritable folder (EACCES) when the report is first written',
    run: async () =>
      reportFolderError(
        'setMfa',
        Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' }),
        join(dir, 'home', '.local', 'state', 'tenant-shell', 'reports', 'r.json'),
        'default',
      ).message,
    says: /^setMfa cannot write its report in '.*home\/\.local\/state\/tenant-shell\/reports' \(permission denied\)/,
    notSays: /EACCES/,
  },
]);

// ---------------------------------------------------------------- one state file, one report: one process (defects 11, 12)
let stateDir = '';
let stateFile = '';
let other: OtherProcess | undefined;
let heldEmulator: RunningEmulator | undefined;
/** A pid that was a process of this machine and is not any more. */
async function deadPid(): Promise<number> {
  const p = await startOtherProcess(['-e', 'console.log(process.pid)']);
  await p.stop();
  return p.pid;
}
/** The emulator on its own, as `npm run emulator` runs it: exit code and stderr. */
function emulatorProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/emulator.ts', '--quiet', ...args],
      { cwd: join(import.meta.dirname, '../..'), timeout: 15_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stderr });
      },
    );
  });
}
function oneLine(result: { code: number; stderr: string }, exitCode: number): string {
  expect(result.code, result.stderr).toBe(exitCode);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] ?? '';
}
let reportPath = '';
let secondCustomer = { id: '', name: '' };
function pendingReport(): string {
  return `${JSON.stringify({
    format: 'tenant-shell/mfa-report',
    version: 1,
    base_url: shell.client.baseUrl,
    enabled: true,
    scope: '1 tenant given',
    started_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:01.000Z',
    status: 'interrupted',
    tenants: [{ ...secondCustomer, kind: 'customer', state: 'pending' }],
  })}\n`;
}
add('files and processes', [
  {
    name: 'a second emulator on a --state file another emulator process uses',
    prepare: async () => {
      stateDir = mkdtempSync(join(tmpdir(), 'tenant-shell-hostile-state-'));
      stateFile = join(stateDir, 'state.json');
      other = await startOtherProcess(['scripts/emulator.ts', '--quiet', '--state', stateFile]);
    },
    run: async () => oneLine(await emulatorProcess(['--state', stateFile]), 1),
    says: /^emulator: State file .*state\.json is in use by another emulator, process \d+ \(emulator, since [\dT:-]+Z\); stop that one, or pass another --state path\.$/,
    files: () => [stateFile, `${stateFile}.journal`],
    after: async () => {
      // The first one still answers, and its lock goes with it.
      const first = JSON.parse(other?.firstLine ?? '{}') as { url: string };
      const res = await fetch(`${first.url}/api/2/idp/token`, { method: 'POST' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      await other?.stop();
      expect(existsSync(`${stateFile}.lock`)).toBe(false);
    },
  },
  {
    name: 'two emulators in one process on one state file',
    prepare: async () => {
      heldEmulator = await startEmulator({ state: stateFile, tenants: 1 });
    },
    run: () =>
      startEmulator({ state: stateFile, tenants: 1 }).then(
        (second) => second.close(),
        (error: unknown) => {
          expect(error).toBeInstanceOf(StateFileError);
          throw error;
        },
      ),
    says: /^State file .* is in use by another emulator, process \d+ \(emulator, since .*\); stop that one, or pass another --state path\.$/,
    files: () => [stateFile, `${stateFile}.journal`, `${stateFile}.lock`],
    after: async () => {
      await heldEmulator?.close();
      expect(existsSync(`${stateFile}.lock`)).toBe(false);
    },
  },
  {
    name: 'a stale state lock left by a process that is gone does not block',
    prepare: async () => {
      const pid = await deadPid();
      writeFileSync(
        `${stateFile}.lock`,
        JSON.stringify({
          pid,
          host: (await import('node:os')).hostname(),
          since: 'then',
          what: 'emulator',
        }),
      );
    },
    run: async () => {
      const e = await startEmulator({ state: stateFile, tenants: 1 });
      await e.close();
      return `started, lock left: ${existsSync(`${stateFile}.lock`)}`;
    },
    says: /^started, lock left: false$/,
  },
  {
    name: 'a state lock file of garbage (a crash while it was written) does not block',
    prepare: () => {
      writeFileSync(`${stateFile}.lock`, '\u0000\u0000{"pid": ');
    },
    run: async () => {
      const e = await startEmulator({ state: stateFile, tenants: 1 });
      const lock = readFileSync(`${stateFile}.lock`, 'utf8');
      await e.close();
      return `started, lock now names this process: ${lock.includes(`"pid":${process.pid}`)}`;
    },
    says: /^started, lock now names this process: true$/,
  },
  {
    name: 'emulator --tenants -1',
    run: async () => oneLine(await emulatorProcess(['--tenants', '-1']), 2),
    says: /^emulator: --tenants expects an integer from 0 to 1000000, got "-1" \(usage: /,
    notSays: /ambiguous/,
  },
  {
    name: 'emulator --state DIR (a folder)',
    run: async () => oneLine(await emulatorProcess(['--state', stateDir]), 1),
    says: /^emulator: --state .* is a folder; give a file path, e\.g\. --state .*emulator-state\.json\.$/,
    notSays: /EISDIR/,
    files: () => readdirSync(stateDir).map((f) => join(stateDir, f)),
  },
  {
    name: 'resuming a report another shell is resuming',
    prepare: async () => {
      const ok = [...emulator.world.tenants.values()].filter(
        (t) => t.kind === 'customer' && t.ancestral_access && !t.update_lock.enabled,
      )[1];
      secondCustomer = { id: ok?.id ?? '', name: ok?.name ?? '' };
      reportPath = join(dir, 'report-in-use.json');
      writeFileSync(reportPath, pendingReport());
      other = await holdLockElsewhere(`${reportPath}.lock`, 'setMfa');
      putsBefore = puts();
    },
    run: () => setMfa(true, { resume: reportPath, yes: true }),
    says: /^setMfa: the report '.*report-in-use\.json' is in use by process \d+ \(setMfa, since .*\): wait for that run to finish \(or stop it\), then resume it again\.$/,
    code: 'E_USAGE',
    files: () => [reportPath],
    after: async () => {
      await nothingSent();
      expect(readFileSync(`${reportPath}.lock`, 'utf8')).toContain(`"pid":${other?.pid}`);
    },
  },
  {
    name: 'resuming it after that shell was killed (kill -9: its lock is stale)',
    prepare: async () => {
      await other?.stop('SIGKILL');
      expect(existsSync(`${reportPath}.lock`)).toBe(true);
    },
    run: async () => {
      const summary = await setMfa(true, { resume: reportPath, yes: true });
      const data = JSON.parse(readFileSync(reportPath, 'utf8')) as { tenants: { state: string }[] };
      expect(summary).toMatchObject({ interrupted: false });
      return `report: ${data.tenants.map((t) => t.state).join(',')} | lock left: ${existsSync(`${reportPath}.lock`)}`;
    },
    says: /report: changed \| lock left: false$/,
    changesWorld: true,
  },
]);

// ---------------------------------------------------------------- platform replies (annoyances)
let bad: BadServer;
let badClient: PlatformClient;
let tlsPort: { url: string; close(): Promise<void> };
const badCall = (kind: string) =>
  badClient.request('GET', `/bad/${kind}`, { schema: TenantMfaInfo });
const badClientWorks = async () => {
  const res = await badClient.request('GET', '/good', { schema: TenantMfaInfo });
  expect(res.body).toEqual(GOOD_STATUS);
};
add('platform replies', [
  {
    name: 'a 302 without Location',
    run: () => badCall('redirect-nowhere'),
    says: /^GET \/api\/2\/bad\/redirect-nowhere answered 302 redirect$/,
    notSays: /Read the message and details/,
    code: 'E_API',
    hint: /Check the data center URL/,
    after: badClientWorks,
  },
  {
    name: 'a 429 whose Retry-After is a day',
    run: () => badCall('retry-after-day-429'),
    says: /answered 429 too many requests \(Retry-After: 1 day\)/,
    code: 'E_API',
    hint: /asks to wait 1 day before the next try/,
    after: badClientWorks,
  },
  {
    name: 'gzip the client did not ask for, labelled (Content-Encoding: gzip)',
    run: async () => `users_count: ${(await badCall('gzip-unasked')).body.users_count}`,
    says: /^users_count: 3$/,
    after: badClientWorks,
  },
  {
    name: 'gzip bytes without Content-Encoding: described, not dumped on the terminal',
    run: () => badCall('gzip-unlabelled'),
    says: /not JSON: .*Body starts: \(\d+ bytes of gzip-compressed data, not text\)$/,
    // No raw byte of the body in what is shown.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
    notSays: /[\x00-\x08\x0e-\x1f\ufffd]/,
    code: 'E_NOT_JSON',
    after: badClientWorks,
  },
  {
    name: 'expires_on = 0 from the token endpoint: a short lifetime, said once, no doubled traffic',
    run: async () => {
      let issued = 0;
      const server = await startServer((req, res) => {
        if (req.url === '/api/2/idp/token') {
          issued++;
          return sendJson(res, 200, {
            access_token: `zero-expiry-token-${issued}`,
            expires_on: 0,
            token_type: 'bearer',
          });
        }
        return sendJson(res, 200, GOOD_STATUS);
      });
      const client = await PlatformClient.connect({
        url: server.url,
        credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      });
      try {
        for (let i = 0; i < 5; i++) await client.request('GET', '/good', { schema: TenantMfaInfo });
        const notices = client.takeNotices();
        expect(issued, 'one token for six calls').toBe(1);
        expect(server.requests).toHaveLength(6);
        expect(notices).toHaveLength(1);
        return notices[0];
      } finally {
        await client.close();
        await server.close();
      }
    },
    says: /^The token endpoint gave expires_on = 0, which is no expiry time: tokens are taken as good for 5 minutes and renewed then \(or at once on a 401\)\.$/,
  },
  {
    name: 'an http:// URL to a port that speaks TLS',
    run: () =>
      PlatformClient.connect({
        url: tlsPort.url,
        credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        // Room for the token request's retries on a busy machine: the sentence is the point.
        timeoutMs: 15_000,
      }),
    says: /^127\.0\.0\.1:\d+ speaks TLS \(https\), but the URL says http:\/\/, so it hung up on the plain request; nothing reached the API\.$/,
    notSays: /not repeated automatically/,
    code: 'E_NETWORK',
    hint: /^Use https:\/\/127\.0\.0\.1:\d+ instead\.$/,
  },
]);

// ---------------------------------------------------------------- the terminal (annoyances)
/** A terminal-like stream: what was written, a width that can change, 'resize' events. */
function fakeTerminal(columns: number) {
  const written: string[] = [];
  const stream = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns,
    write(chunk: string) {
      written.push(chunk);
      return true;
    },
  });
  return { written, stream: stream as unknown as NodeJS.WriteStream & { columns: number } };
}
add('terminal', [
  {
    name: 'TERM=dumb: a plain line every few seconds instead of no progress at all',
    run: async () => {
      const t = fakeTerminal(80);
      const bar = progressBar('Enabling 2FA', 10, {
        stream: t.stream,
        env: { TERM: 'dumb' },
        lineEveryMs: 20,
      });
      expect(bar, 'a display, not null').not.toBeNull();
      bar?.update(3, 1);
      await new Promise((r) => setTimeout(r, 75));
      bar?.stop();
      const after = t.written.length;
      await new Promise((r) => setTimeout(r, 50));
      expect(t.written.length, 'nothing after stop()').toBe(after);
      const text = t.written.join('');
      expect(text.includes('\x1b') || text.includes('\r'), 'no cursor moves').toBe(false);
      const lines = text.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      return lines[0];
    },
    says: /^Enabling 2FA 3\/10 · [\d.]+\/s · 1 failed · \S+ left$/,
  },
  {
    name: 'a terminal narrowed under the bar: its rewrapped rows are erased, no fragment stays',
    run: async () => {
      const t = fakeTerminal(100);
      const bar = progressBar('Enabling 2FA', 1000, { stream: t.stream, env: {} });
      bar?.update(400, 0);
      const first = t.written.at(-1) ?? '';
      const ERASE = '\r\x1b[J';
      expect(first.startsWith(ERASE)).toBe(true);
      const drawn = first.slice(ERASE.length);
      expect(drawn.length).toBeGreaterThan(40);
      t.stream.columns = 30;
      t.stream.emit('resize');
      const redraw = t.written.at(-1) ?? '';
      bar?.stop();
      const rows = Math.ceil(drawn.length / 30);
      const up = rows - 1;
      const expected = `\x1b[${up}A${ERASE}`;
      expect(redraw.startsWith(expected), JSON.stringify(redraw)).toBe(true);
      expect(redraw.slice(expected.length).length).toBeLessThan(30);
      return `narrowed to 30 columns: up ${up} rows to the bar's first, erased down, redrawn in one row`;
    },
    says: /^narrowed to 30 columns: up \d+ rows to the bar's first, erased down, redrawn in one row$/,
  },
]);

// ---------------------------------------------------------------- useTenant() on a big tree (annoyance)
let bigTree: RunningEmulator;
let bigShell: TestShell;
let evilId = '';
const EVIL = 'Evil \u001b]0;PWNED\u0007\u001b[2J Corp';
add('helpers', [
  {
    name: 'useTenant() on a tree of 3,000 customers: typing narrows the list; names shown safely',
    prepare: async () => {
      bigTree = await startEmulator({ tenants: 3000, users: 0 });
      bigShell = await stepSession(bigTree);
      const evil = (await HELPERS.find((h) => h.name === 'createTenant')?.run(
        bigShell.session,
        EVIL,
      )) as { id: string };
      evilId = evil.id;
    },
    run: async () => {
      const session = {
        ...bigShell.session,
        ask: terminalAsker({ input: new PassThrough(), output: new PassThrough() }),
      };
      const pending = Promise.resolve(
        HELPERS.find((h) => h.name === 'useTenant')?.run(session),
      ) as Promise<{ id: string; name: string }>;
      pending.catch(() => undefined);
      await reply('type to narrow', { press: [] });
      const before = screen.getScreen().split('\n').length;
      expect(before, 'one page, not the whole level').toBeLessThanOrEqual(16);
      screen.type('evil corp');
      await new Promise((r) => setTimeout(r, 100));
      const narrowed = screen.getScreen();
      const rows = narrowed.split('\n').filter((l) => /\(customer/.test(l));
      expect(narrowed).not.toContain('\u001b]0;');
      expect(narrowed).toContain('Evil \\x1b]0;PWNED\\x07\\x1b[2J Corp');
      screen.keypress('enter');
      const picked = await pending;
      expect(bigShell.variables.tenant_id).toBe(picked.id);
      return `typing 'evil corp' left ${rows.length} row(s); picked ${picked.id === evilId ? 'the one named Evil … Corp' : picked.id}`;
    },
    says: /^typing 'evil corp' left 1 row\(s\); picked the one named Evil … Corp$/,
    after: async () => {
      await bigShell.close();
      await bigTree.close();
    },
  },
]);

// ---------------------------------------------------------------- the run
beforeAll(async () => {
  silentCli = await startOneAnswerServer(() => {});
  stalled = await startOneAnswerServer(() => {});
  dir = artifactDir('catalogue-hostile');
  emulator = await startEmulator();
  registerSecrets(emulator.client_secret, emulator.admin.password);
  shell = await stepSession(emulator);
  shell.client.onCall(() => registerSecrets(...shell.client.redactor.secrets()));
  customerId = [...emulator.world.tenants.values()].find((t) => t.kind === 'customer')?.id ?? '';
  bad = await startBadServer();
  badClient = await PlatformClient.connect({
    url: bad.url,
    credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    timeoutMs: 700,
    retry: { sleep: () => Promise.resolve(), maxWaitMs: 5_000 },
  });
  tlsPort = await startTlsPort();
  refusing502 = await startRefusingProxy(502);
  refusing407 = await startRefusingProxy(407);
  hangingUp = await startRefusingProxy(0);
  droppingTunnel = await startRefusingProxy(200);
});

afterAll(async () => {
  registerSecrets(...(shell?.client.redactor.secrets() ?? []));
  keepOutput(dir, 'printed.txt', printed.join('\n'));
  await other?.stop();
  registerSecrets(...(badClient?.redactor.secrets() ?? []));
  await Promise.all([
    badClient?.close(),
    bad?.close(),
    tlsPort?.close(),
    shell?.close(),
    refusing502?.close(),
    refusing407?.close(),
    hangingUp?.close(),
    droppingTunnel?.close(),
    silentCli?.close(),
    stalled?.close(),
  ]);
  await emulator?.close();
  const byGroup: Record<string, number> = {};
  for (const c of CASES) byGroup[c.group] = (byGroup[c.group] ?? 0) + 1;
  recordFigures('catalogue-hostile', { cases: CASES.length, ...byGroup });
});

/** What the user reads: the thrown error's message, or the sentence the case returned. */
function sentenceOf(outcome: { error?: unknown; value?: unknown }): string {
  if (outcome.error !== undefined) {
    expect(outcome.error, 'a refusal is an Error').toBeInstanceOf(Error);
    return (outcome.error as Error).message;
  }
  expect(typeof outcome.value, 'the case returns the sentence it saw').toBe('string');
  return outcome.value as string;
}

describe('the catalogue of hostile input', () => {
  it.each(CASES.map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', async (_label, c) => {
    await c.prepare?.();
    const worldBefore = worldDigest(emulator);
    const filesBefore = digestFiles(c.files?.() ?? []);
    const outcome: { error?: unknown; value?: unknown } = {};
    try {
      outcome.value = await c.run();
    } catch (e) {
      outcome.error = e;
    }
    const sentence = sentenceOf(outcome);
    const shown = outcome.error ? renderError(outcome.error) : sentence;
    keepOutput(dir, `case-${CASES.indexOf(c)}.txt`, shown);
    // One clear sentence: one line, no stack, not a wall of text, and what we expect.
    expect(sentence).not.toMatch(/\n/);
    expect(sentence).not.toMatch(/\s at \S+ \(/);
    expect(sentence.length).toBeLessThan(600);
    expect(sentence).toMatch(c.says);
    if (c.notSays) expect(shown).not.toMatch(c.notSays);
    if (c.code) {
      expect(outcome.error).toBeInstanceOf(TenantShellError);
      expect((outcome.error as TenantShellError).code).toBe(c.code);
    }
    if (c.hint) expect((outcome.error as TenantShellError).hint).toMatch(c.hint);
    // Nothing already saved was damaged.
    if (!c.changesWorld) expect(worldDigest(emulator)).toBe(worldBefore);
    if (c.files) expect(digestFiles(c.files())).toEqual(filesBefore);
    // And the session goes on.
    if (c.after) await c.after();
    const status = (await getMfa(emulator.tenant_id)) as { mfa_status: string };
    expect(status.mfa_status).toBe('disabled');
  });
});
