// The CLI and the state file: restarts, a kill -9 in the middle of work, torn and corrupted
// files.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = new URL('../../scripts/emulator.ts', import.meta.url).pathname;

interface Cli {
  child: ChildProcess;
  info: {
    url: string;
    base_url: string;
    client_id: string;
    client_secret: string;
    tenant_id: string;
  };
  stderr: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) =>
      resolve({ child, info: JSON.parse(line), stderr: () => stderr, exited }),
    );
    exited.then((code) => reject(new Error(`CLI exited ${code}: ${stderr}`)));
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
}

async function api(
  cli: Cli['info'],
  token: string | null,
  method: string,
  path: string,
  json?: unknown,
) {
  const res = await fetch(`${cli.base_url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function token(info: Cli['info']) {
  const res = await fetch(`${info.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${info.client_id}:${info.client_secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('CLI', () => {
  it('prints one JSON line first, logs requests without secrets, and stops on SIGTERM', async () => {
    const cli = await startCli(['--port', '0', '--tenants', '3', '--seed', '9']);
    expect(Object.keys(cli.info)).toEqual(
      expect.arrayContaining(['url', 'base_url', 'client_id', 'client_secret', 'tenant_id']),
    );
    expect(cli.info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.info.base_url).toBe(`${cli.info.url}/api/2`);
    const tok = await token(cli.info);
    const res = await api(
      cli.info,
      tok,
      'GET',
      `/search?tenant=${cli.info.tenant_id}&text=emulator&password=hunter2`,
    );
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const log = cli.stderr();
    expect(log).toMatch(/POST \/api\/2\/idp\/token 200 [\d.]+ms/);
    expect(log).toMatch(/GET \/api\/2\/search\?.*password=\*\*\* 200 [\d.]+ms/);
    expect(log).not.toContain(tok.slice(0, 40));
    expect(log).not.toContain(cli.info.client_secret);
    expect(log).not.toContain('hunter2');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a wrong flag or value with one sentence and exit code 2', async () => {
    const runs = [['--bogus'], ['--faults', '2'], ['--port', 'abc'], ['--tenants', '1.5']].map(
      runCli,
    );
    for (const { code, stdout, stderr } of await Promise.all(runs)) {
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^emulator: /);
    }
  });
});

describe('state file', () => {
  it('keeps the world, credentials and tokens across an in-process restart', async () => {
    const file = join(dir, 'restart.json');
    const first = await startEmulator({ state: file, tenants: 3 });
    const tok = await token(first);
    const created = await api(first, tok, 'POST', '/tenants', {
      name: 'Survivor',
      kind: 'customer',
      parent_id: first.tenant_id,
    });
    expect(created.status).toBe(201);
    await first.close();
    const second = await startEmulator({ state: file, tenants: 50, seed: 99 });
    try {
      expect(second.client_secret).toBe(first.client_secret);
      expect(second.world.tenants.size).toBe(first.world.tenants.size);
      const read = await api(second, tok, 'GET', `/tenants/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.name).toBe('Survivor');
    } finally {
      await second.close();
    }
  });

  it('loses no acknowledged change to kill -9, and ignores a torn last journal line', async () => {
    const file = join(dir, 'crash.json');
    const cli = await startCli(['--port', '0', '--tenants', '4', '--state', file, '--quiet']);
    const tok = await token(cli.info);
    const t = await api(cli.info, tok, 'POST', '/tenants', {
      name: 'Crash Test Customer',
      kind: 'customer',
      parent_id: cli.info.tenant_id,
    });
    const u = await api(cli.info, tok, 'POST', '/users', {
      tenant_id: t.body.id,
      login: 'crash.user',
      contact: { email: 'crash.user@example.test' },
    });
    const on = await api(cli.info, tok, 'PUT', `/tenants/${t.body.id}/mfa/status`, {
      enabled: true,
    });
    expect(on.status).toBe(200);
    cli.child.kill('SIGKILL');
    await cli.exited;
    // A write cut off by the crash: half a line at the end of the journal.
    appendFileSync(`${file}.journal`, '{"seq":99,"change":{"tenants":[{"id":"');

    const again = await startCli(['--port', '0', '--state', file, '--quiet']);
    try {
      expect(again.info.client_secret).toBe(cli.info.client_secret);
      const tok2 = await token(again.info);
      const read = await api(again.info, tok2, 'GET', `/tenants/${t.body.id}`);
      expect(read.body).toMatchObject({
        name: 'Crash Test Customer',
        mfa_status: 'enabled',
        version: 2,
      });
      const user = await api(again.info, tok2, 'GET', `/users/${u.body.id}`);
      expect(user.body).toMatchObject({ login: 'crash.user', mfa_status: 'setup_required' });
      // And it keeps working after the recovery.
      const more = await api(again.info, tok2, 'PUT', `/tenants/${t.body.id}/mfa/status`, {
        enabled: false,
      });
      expect(more.status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot.tenants.find((x: { id: string }) => x.id === t.body.id).mfa_status).toBe(
      'disabled',
    );
  });

  it('refuses a corrupted state file clearly and leaves it alone', async () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{"format": "tenant-shell-emulator-state", "tenants": [');
    await expect(startEmulator({ state: file })).rejects.toThrow(/corrupted/);
    const { code, stdout, stderr } = await runCli(['--state', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/State file .*corrupt\.json is corrupted/);
    expect(readFileSync(file, 'utf8')).toBe(
      '{"format": "tenant-shell-emulator-state", "tenants": [',
    );

    // A valid snapshot with a damaged journal line in the middle is refused too.
    const good = join(dir, 'journal.json');
    const emu = await startEmulator({ state: good, tenants: 1 });
    await emu.close();
    writeFileSync(`${good}.journal`, 'garbage\n{"seq":1,"change":{}}\n');
    await expect(startEmulator({ state: good })).rejects.toThrow(/journal line 1 is corrupted/);
    // A snapshot with the wrong shape names the field.
    writeFileSync(
      file,
      JSON.stringify({ format: 'tenant-shell-emulator-state', format_version: 1, seq: 0 }),
    );
    await expect(startEmulator({ state: file })).rejects.toThrow(/corrupted \(meta: /);
  });
});
