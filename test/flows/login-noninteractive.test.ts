// The login without a terminal (no TTY, or --no-input): never a question; a complete set of
// flags, variables and profile logs in, anything else is one sentence naming what to set.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, CancelledError, UsageError } from '../../src/api/errors.ts';
import { login, type Session } from '../../src/auth/login.ts';
import { saveProfile } from '../../src/auth/profiles.ts';
import { startEmulator } from '../../src/emulator/index.ts';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

let emulator: Emulator;
let configDir: string;
let printed: string[];
const sessions: Session[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'tenant-shell-login-'));
  printed = [];
});

afterEach(async () => {
  for (const session of sessions.splice(0)) {
    await session.client.close();
    await session.emulator?.close();
  }
  await rm(configDir, { recursive: true, force: true });
});

async function run(flags: Parameters<typeof login>[0]['flags'], env: Record<string, string> = {}) {
  const session = await login({
    flags,
    env: { TENANT_SHELL_CONFIG_DIR: configDir, ...env },
    interactive: false,
    print: (line) => printed.push(line),
  });
  sessions.push(session);
  return session;
}

function accessToken(session: Session): string {
  return session.client.auth.Authorization.replace(/^Bearer /, '');
}

describe('non-interactive login', () => {
  it('logs in from the environment without any prompt', async () => {
    const session = await run(
      {},
      {
        TENANT_SHELL_URL: emulator.url,
        TENANT_SHELL_CLIENT_ID: emulator.client_id,
        TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      },
    );
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(session.clientId).toBe(emulator.client_id);
    expect(session.dataCenter.baseUrl).toBe(`${new URL(emulator.url).origin}/api/2`);
    expect(session.source).toBe(
      'TENANT_SHELL_URL + TENANT_SHELL_CLIENT_ID + TENANT_SHELL_CLIENT_SECRET',
    );
    expect(accessToken(session)).toBeTruthy();
    expect(printed).toEqual([]);
  });

  it('combines a saved profile with the secret from the environment', async () => {
    await saveProfile(
      'emu',
      { url: `${emulator.url}/api/2/`, client_id: emulator.client_id },
      { env: { TENANT_SHELL_CONFIG_DIR: configDir } },
    );
    const session = await run(
      { profile: 'emu' },
      { TENANT_SHELL_CLIENT_SECRET: emulator.client_secret },
    );
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(session.source).toBe('profile "emu" + TENANT_SHELL_CLIENT_SECRET');
  });

  it('--emulator starts the embedded emulator and logs in without asking', async () => {
    const session = await run({ emulator: true });
    expect(session.dataCenter.label).toBe('emulator');
    expect(session.emulator).toBeDefined();
    expect(session.tenantName).toBeTruthy();
    expect(session.tenantKind).toBeTruthy();
  });

  it('names the flags and variables to set when credentials are missing', async () => {
    await expect(run({})).rejects.toThrow(
      'No credentials: pass --url and --client-id and set TENANT_SHELL_CLIENT_SECRET, use --profile NAME, or --emulator.',
    );
    await expect(run({ url: emulator.url, clientId: emulator.client_id })).rejects.toThrow(
      /also set TENANT_SHELL_CLIENT_SECRET/,
    );
  });

  it('refuses a secret on the command line', async () => {
    const error = await run({ clientSecret: 'from-the-command-line' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('TENANT_SHELL_CLIENT_SECRET');
    expect((error as Error).message).not.toContain('from-the-command-line');
  });

  it('an unknown profile is one sentence listing the known ones', async () => {
    await saveProfile(
      'emu',
      { url: emulator.url, client_id: emulator.client_id },
      { env: { TENANT_SHELL_CONFIG_DIR: configDir } },
    );
    await expect(run({ profile: 'nope' })).rejects.toThrow(
      'No profile named "nope" (known profiles: "emu").',
    );
  });

  it('a wrong secret fails at once with an AuthError that does not quote it', async () => {
    const error = await run(
      {},
      {
        TENANT_SHELL_URL: emulator.url,
        TENANT_SHELL_CLIENT_ID: emulator.client_id,
        TENANT_SHELL_CLIENT_SECRET: 'not-the-secret-42',
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String((error as Error).message)).not.toContain('not-the-secret-42');
    expect(printed).toEqual([]);
  });

  it('an aborted signal cancels the network calls', async () => {
    const controller = new AbortController();
    controller.abort();
    const pending = login({
      flags: {},
      env: {
        TENANT_SHELL_CONFIG_DIR: configDir,
        TENANT_SHELL_URL: emulator.url,
        TENANT_SHELL_CLIENT_ID: emulator.client_id,
        TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      },
      interactive: false,
      context: { signal: controller.signal },
      print: (line) => printed.push(line),
    });
    await expect(pending).rejects.toThrow(CancelledError);
  });
});
