// Round trips of issue 5: the seed page's flow typed into the REPL (on streams, as piped input
// reaches it), saved in every format; the notebooks replayed with --check against fresh
// emulators; the Python, curl and TypeScript scripts run against the emulator with only
// environment variables set, twice, and their effect read back; every file scanned for the
// session's secret and tokens.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type Session } from '../../src/auth/login.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { startShell } from '../../src/repl/shell.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const FORMATS = ['md', 'ipynb', 'ts', 'py', 'sh'] as const;

/** The page's flow as typed, with what a notebook must cope with on the way. */
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: TypeScript typed at the prompt
const INPUTS = [
  'base_url',
  'auth',
  'tenant_id',
  "await createTenant('Notebook Test Customer')",
  'tenant_id = created_tenant_id',
  'mfa_status = {enabled: true}',
  'response = await put(`${base_url}/tenants/${tenant_id}/mfa/status`, mfa_status)',
  'response.status_code',
  'pprint(response.json())',
  'const counts = {',
  '  users: response.json().users_count,',
  '}',
  'Out[8] + counts.users',
  'auth.Authorization',
  'nope()',
  'console.log(`status ${_8}`)',
  'await getMfa()',
];
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the inputs

async function session(emulator: RunningEmulator): Promise<Session> {
  return login({
    flags: { url: emulator.url, clientId: emulator.client_id },
    env: { TENANT_SHELL_CLIENT_SECRET: emulator.client_secret },
    interactive: false,
    print: () => {},
  });
}

/** Every secret the session's client knows (secret, tokens, Basic forms), for the scan. */
function secretsOf(s: Session): string[] {
  return s.client.redactor.secrets().filter((x) => x.length >= 8);
}

function scan(file: string, secrets: string[]): void {
  const text = readFileSync(file, 'utf8');
  for (const secret of secrets) expect(text.includes(secret), `${file} holds a secret`).toBe(false);
  expect(text, `${file} holds a JWT`).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/);
}

let emulator: RunningEmulator;
let dir: string;
let transcript = '';
let secrets: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ tenants: 4 });
  dir = mkdtempSync(join(tmpdir(), 'tenant-shell-notebook-'));
  const s = await session(emulator);
  const input = new PassThrough();
  const output = new PassThrough();
  output.on('data', (chunk) => {
    transcript += String(chunk);
  });
  const { server } = startShell({ session: s, input, output, terminal: false, historyFile: null });
  const commands = [
    '.history',
    // Wrong input: one sentence each, and the session goes on.
    '.save',
    '.save notes.txt',
    '.load notebook.md',
    ...FORMATS.map((ext) => `.save ${join(dir, `session.${ext}`)}`),
  ];
  // All at once, as `tenant-shell < file` hands them over: the shell takes one at a time.
  input.end(`${[...INPUTS, ...commands, `.save ${join(dir, 'session.md')}`].join('\n')}\n`);
  await once(server, 'exit');
  secrets = secretsOf(s);
}, 20_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a session typed into the shell', () => {
  it('numbers its cells in the prompt, keeps Out, _n and the calls, and lists them', () => {
    expect(transcript).toContain('[1] 127.0.0.1');
    expect(transcript).toMatch(/\[13\] [^\n]*› Uncaught ReferenceError: nope is not defined/);
    expect(transcript).toMatch(/\[11\] +Out\[8\] \+ counts\.users +→ 200/);
    expect(transcript).toMatch(
      /\[4\] +await createTenant\('Notebook Test Customer'\) +→ .* · 1 call/,
    );
    expect(transcript).toContain('status 200');
    expect(transcript).toContain('✖ .save needs a file name, e.g. .save session.md');
    expect(transcript).toContain("✖ Cannot save as 'notes.txt': the extension says the format");
    expect(transcript).toContain(
      '.load types in code files; replay a notebook with: tenant-shell --run notebook.md',
    );
    expect(transcript).toMatch(/replacing the file that was there/);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) expect(transcript.includes(secret)).toBe(false);
  });

  it('Markdown reads like the seed page, with the real answers and calls', () => {
    const md = readFileSync(join(dir, 'session.md'), 'utf8');
    expect(md).toContain(
      `### In [7]\n\n\`\`\`ts\n${INPUTS[6]}\n\`\`\`\n\nOut[7]:\n\n\`\`\`text\n<Response [200]>\n\`\`\``,
    );
    expect(md).toMatch(
      /<summary><code>PUT \/api\/2\/tenants\/[0-9a-f-]{36}\/mfa\/status<\/code> → 200 OK/,
    );
    expect(md).toContain('Printed:\n\n```text\n{\n    "mfa_status": "enabled",');
    expect(md).toContain(
      '### In [10]\n\n```ts\nconst counts = {\n  users: response.json().users_count,\n}\n```',
    );
    expect(md).toContain("Out[12]:\n\n```text\n'Bearer eyJhbGciOiJIUzI1…'\n```");
  });

  it('no file it wrote holds the secret or a token', () => {
    for (const ext of FORMATS) scan(join(dir, `session.${ext}`), secrets);
  });
});

describe('replayed with --check against a fresh emulator', () => {
  // In a process of its own, as a user runs it: a REPL's `const` stays declared in the process
  // that evaluated it, so a replay in this one would find `counts` taken.
  const replay = (file: string) => tenantShell(['--emulator', '--run', file, '--check']);

  it('the Markdown and the ipynb notebooks give the same results', async () => {
    const results = await Promise.all(
      ['md', 'ipynb'].map((ext) => replay(join(dir, `session.${ext}`))),
    );
    for (const { code, stdout } of results) {
      expect(stdout).toContain('Replayed 15 cells: every result matches the recording.');
      expect(stdout).toContain('In [13]: nope()');
      expect(code, stdout).toBe(0);
    }
  });

  it('a result that differs is reported with its cell, and the exit status is 1', async () => {
    const md = readFileSync(join(dir, 'session.md'), 'utf8');
    const tampered = join(dir, 'tampered.md');
    writeFileSync(tampered, md.replace('Out[8]:\n\n```text\n200', 'Out[8]:\n\n```text\n201'));
    const { code, stdout } = await replay(tampered);
    expect(stdout).toContain('✖ cell [8] differs from the recording:');
    expect(stdout).toMatch(/- 201\n\s+\+ 200/);
    expect(stdout).toContain('Replayed 15 cells: 1 differ from the recording (cell 8).');
    expect(code).toBe(1);
  });
});

describe('the saved scripts, run unmodified with only environment variables', () => {
  const env = (runId?: string) => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    TENANT_SHELL_URL: emulator.url,
    TENANT_SHELL_CLIENT_ID: emulator.client_id,
    TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
    ...(runId ? { TENANT_SHELL_RUN_ID: runId } : {}),
  });

  /** The 2FA status of the tenant a script created, read back from the emulator. */
  async function mfaOf(name: string): Promise<string | undefined> {
    const s = await session(emulator);
    try {
      const list = await s.client.raw('GET', `/tenants?parent_id=${emulator.tenant_id}`);
      const items = (list.json() as { items: { id: string; name: string }[] }).items;
      const tenant = items.find((t) => t.name === name);
      if (!tenant) return undefined;
      const status = await s.client.raw('GET', `/tenants/${tenant.id}/mfa/status`);
      return (status.json() as { mfa_status: string }).mfa_status;
    } finally {
      await s.client.close();
    }
  }

  it('python3 with requests: the created tenant really has 2FA enabled, and it runs again', async () => {
    const file = join(dir, 'session.py');
    const first = await run('python3', [file], { env: env('py1') });
    expect(first.stdout).toMatch(/PUT \/api\/2\/tenants\/[0-9a-f-]{36}\/mfa\/status -> 200/);
    expect(await mfaOf('Notebook Test Customer py1')).toBe('enabled');
    // No run id: a new one each run, so the unique names do not collide.
    await run('python3', [file], { env: env() });
  });

  it('sh with curl', async () => {
    const { stdout } = await run('sh', [join(dir, 'session.sh')], { env: env('sh1') });
    expect(stdout).toContain('"mfa_status":"enabled"');
    expect(await mfaOf('Notebook Test Customer sh1')).toBe('enabled');
  });

  it('TypeScript on undici', async () => {
    // Beside the project's node_modules, where undici and tsx resolve.
    const where = join(ROOT, 'node_modules', '.tenant-shell-test');
    mkdirSync(where, { recursive: true });
    const file = join(where, `session-${process.pid}.ts`);
    writeFileSync(file, readFileSync(join(dir, 'session.ts')));
    try {
      await run(process.execPath, ['--import', 'tsx', file], { env: env('ts1'), cwd: ROOT });
    } finally {
      rmSync(file, { force: true });
    }
    expect(await mfaOf('Notebook Test Customer ts1')).toBe('enabled');
  });

  it('a script stops when the platform answers otherwise than in the session', async () => {
    // The same run id twice: the name is taken the second time (409, not the recorded 201).
    const file = join(dir, 'session.sh');
    await run('sh', [file], { env: env('again') });
    const second = await run('sh', [file], { env: env('again') }).then(
      () => 'exit 0',
      (error: { stderr: string; code: number }) => `exit ${error.code}: ${error.stderr}`,
    );
    expect(second).toMatch(/^exit 1: Expected 201, got 409: .*already/);
  });

  it('a missing variable is one sentence', async () => {
    const { TENANT_SHELL_CLIENT_SECRET: _, ...partial } = env();
    const outcome = await run('sh', [join(dir, 'session.sh')], { env: partial }).catch(
      (error: { stderr: string }) => error.stderr,
    );
    expect(outcome).toMatch(/Set TENANT_SHELL_CLIENT_SECRET first/);
  });
});
