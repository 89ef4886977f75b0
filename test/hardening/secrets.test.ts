// Issue 7, secrets: `auth`, the client, credentials and errors print masked through
// util.inspect, JSON.stringify and string conversion alike; one-shot runs (whose stdout and
// stderr join the scanned artifacts) leak nothing; the scan itself finds a planted secret.
import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { login } from '../../src/auth/login.ts';
import { saveProfile } from '../../src/auth/profiles.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ROOT, SHELL } from '../helpers/shell-command.ts';
import { artifactDir, keepOutput, registerSecrets } from './artifacts.ts';
import { basicForm, scanForSecrets } from './secret-scan.ts';

const run = promisify(execFile);
let emulator: RunningEmulator;
let client: PlatformClient;
let dir: string;

beforeAll(async () => {
  dir = artifactDir('secrets');
  emulator = await startEmulator();
  client = await PlatformClient.connect({
    url: emulator.url,
    credentials: {
      kind: 'client',
      clientId: emulator.client_id,
      clientSecret: emulator.client_secret,
    },
  });
  registerSecrets(
    emulator.client_secret,
    basicForm(emulator.client_id, emulator.client_secret),
    ...client.redactor.secrets(),
  );
});

afterAll(async () => {
  registerSecrets(...client.redactor.secrets());
  await client.close();
  await emulator.close();
});

function secretsOf(): string[] {
  const token = client.auth.Authorization.slice('Bearer '.length);
  return [emulator.client_secret, token];
}

function expectMasked(label: string, text: string) {
  for (const secret of secretsOf()) expect(text, label).not.toContain(secret);
}

describe('masked however it is printed', () => {
  it('auth, the client, its credentials and errors', async () => {
    const auth = client.auth;
    const wrong = await PlatformClient.connect({
      url: emulator.url,
      credentials: {
        kind: 'client',
        clientId: emulator.client_id,
        clientSecret: `${emulator.client_secret}x`,
      },
    }).catch((e: unknown) => e);
    const api = await client
      .request('GET', `/tenants/${'0'.repeat(8)}-0000-4000-8000-000000000000`)
      .catch((e: unknown) => e);
    const network = await new PlatformClient({
      url: 'http://127.0.0.1:9',
      credentials: { kind: 'token', accessToken: client.auth.Authorization.slice(7) },
    })
      .request('GET', '/tenants')
      .catch((e: unknown) => e);
    const values: Record<string, unknown> = { auth, client, wrong, api, network };
    for (const [name, value] of Object.entries(values)) {
      expectMasked(`${name} inspect`, inspect(value, { depth: 10, showHidden: false }));
      expectMasked(`${name} JSON`, JSON.stringify(value) ?? '');
      expectMasked(`${name} String`, String(value));
      expectMasked(`${name} template`, `${value as string}`);
      if (value instanceof Error) {
        expectMasked(`${name} message`, value.message);
        expectMasked(`${name} stack`, value.stack ?? '');
        expectMasked(`${name} cause`, inspect(value.cause, { depth: 10 }));
      }
    }
    // The spread still carries the real value, as the page needs.
    expect({ ...auth }.Authorization).toMatch(/^Bearer eyJ.+\..+\..+/);
    expect(inspect(auth)).toMatch(/Bearer eyJ[^']*…/);
  });

  it('a session from login prints masked too', async () => {
    const session = await login({
      flags: { emulator: true },
      env: {},
      interactive: false,
      print: () => {},
    });
    registerSecrets(...session.client.redactor.secrets());
    const text = [inspect(session, { depth: 10 }), JSON.stringify(session), String(session)].join(
      '\n',
    );
    for (const secret of session.client.redactor.secrets()) {
      if (secret.length >= 12) expect(text).not.toContain(secret);
    }
    keepOutput(dir, 'session.txt', text);
    await session.client.close();
    await session.emulator?.close();
  });

  it('profiles are written with mode 0600', async () => {
    const env = { TENANT_SHELL_CONFIG_DIR: join(dir, 'config') };
    const saved = await saveProfile(
      'emu',
      { url: emulator.url, client_id: emulator.client_id },
      { env },
    );
    expect(statSync(saved.path).mode & 0o777).toBe(0o600);
  });
});

describe('one-shot runs', () => {
  it('print results and errors without a secret', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      NO_COLOR: '1',
      TENANT_SHELL_URL: emulator.url,
      TENANT_SHELL_CLIENT_ID: emulator.client_id,
      TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      TENANT_SHELL_CONFIG_DIR: join(dir, 'config'),
    };
    const codes = [
      'auth',
      '({...auth})',
      'JSON.stringify(auth)',
      "await get('/tenants/' + tenant_id)",
      "await setMfa('yes')",
      'process.env.TENANT_SHELL_CLIENT_SECRET',
    ];
    const runs = await Promise.all(
      codes.map((code, i) =>
        run(SHELL[0], [...SHELL.slice(1), '--no-input', '--verbose', '--json', '--eval', code], {
          cwd: ROOT,
          env,
        }).then(
          (r) => ({ i, code: 0, ...r }),
          (e: { stdout: string; stderr: string; code: number }) => ({ i, ...e }),
        ),
      ),
    );
    for (const r of runs) {
      keepOutput(dir, `one-shot-${r.i}.stdout`, r.stdout);
      keepOutput(dir, `one-shot-${r.i}.stderr`, r.stderr);
    }
    expect(runs[0]?.stdout).toMatch(/Bearer eyJ/);
    expect(runs[4]?.code).toBe(1);
  }, 40_000);
});

describe('the scan', () => {
  it('finds a planted secret and a whole JWT, and not their masked forms', () => {
    const planted = join(dir, 'planted');
    mkdirSync(planted);
    writeFileSync(join(planted, 'a.txt'), 'masked: Bearer eyJhbGciOiJIUzI1… and ****');
    expect(scanForSecrets(planted, ['sEcReT-planted-value']).hits).toEqual([]);
    writeFileSync(join(planted, 'b.txt'), 'oops sEcReT-planted-value');
    writeFileSync(
      join(planted, 'c.txt'),
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQifQ.c2lnbmF0dXJlc2lnbmF0dXJl',
    );
    const hits = scanForSecrets(planted, ['sEcReT-planted-value']).hits.map((h) => h.file);
    expect(hits.sort()).toEqual(['b.txt', 'c.txt']);
    // Leave nothing planted for the run's own scan.
    writeFileSync(join(planted, 'b.txt'), '');
    writeFileSync(join(planted, 'c.txt'), '');
  });
});
