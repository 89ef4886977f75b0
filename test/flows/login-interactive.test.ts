// The login's questions driven key by key through @inquirer/testing's vitest entry (it swaps
// the streams of every @inquirer/prompts call for its own screen and keeps our signal), against
// the real emulator over loopback.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screen } from '@inquirer/testing/vitest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// Imported after @inquirer/testing/vitest so the prompts are its mocks.
const { login } = await import('../../src/auth/login.ts');
const { CancelledError } = await import('../../src/api/errors.ts');
const { startEmulator } = await import('../../src/emulator/index.ts');

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Session = Awaited<ReturnType<typeof login>>;

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

function start(options: { env?: Record<string, string>; signal?: AbortSignal } = {}) {
  const promise = login({
    flags: {},
    env: { TENANT_SHELL_CONFIG_DIR: configDir, ...options.env },
    interactive: true,
    context: options.signal ? { signal: options.signal } : {},
    print: (line) => printed.push(line),
  });
  // A failing login must fail the test at once, not leave `next()` waiting for a prompt.
  promise.catch(() => undefined);
  return promise;
}

/** Waits until a prompt showing `text` is on screen (or the login settles first). */
async function question(text: string | RegExp, login: Promise<unknown>): Promise<void> {
  const found = () =>
    typeof text === 'string' ? screen.getScreen().includes(text) : text.test(screen.getScreen());
  let done = false;
  void login.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const deadline = Date.now() + 10_000;
  while (!found()) {
    if (done)
      throw new Error(
        `the login ended before the question ${text}; screen:\n${screen.getScreen()}\nprinted:\n${printed.join('\n')}`,
      );
    if (Date.now() > deadline)
      throw new Error(`no question ${text}; screen:\n${screen.getScreen()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Answers the question on screen and waits for the next one (or the end of the login). */
async function answer(keys: { type?: string; press?: string[] }, login: Promise<unknown>) {
  if (keys.type) screen.type(keys.type);
  for (const key of keys.press ?? ['enter']) screen.keypress(key);
  await Promise.race([
    screen.next(),
    login.then(
      () => undefined,
      () => undefined,
    ),
  ]);
}

async function shown(): Promise<string> {
  return `${await screen.getFullOutput()}\n${printed.join('\n')}`;
}

function expectNoSecrets(text: string, secrets: Array<string | undefined>): void {
  for (const secret of secrets) {
    if (secret) expect(text.includes(secret), `a secret was shown:\n${text}`).toBe(false);
  }
}

function accessToken(session: Session): string {
  return session.client.auth.Authorization.replace(/^Bearer /, '');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('interactive login', () => {
  it('one Enter takes the embedded emulator and reaches a token and the right tenant', async () => {
    const pending = start();
    await question('Where to connect?', pending);
    expect(screen.getScreen()).toMatch(/❯ The embedded emulator/);
    await answer({}, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.dataCenter.label).toBe('emulator');
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(session.emulator).toBeDefined();
    expect(session.tenantName).toBeTruthy();
    const token = accessToken(session);
    expect(token).toBeTruthy();
    expectNoSecrets(await shown(), [token, emulator.client_secret]);
  });

  it('URL, client id and secret reach a token, then a profile is saved without the secret', async () => {
    const pending = start();
    await question('Where to connect?', pending);
    await answer({ press: ['down', 'enter'] }, pending);
    await question('Data center URL', pending);
    await answer({ type: emulator.url }, pending);
    await question('API client id', pending);
    await answer({ type: emulator.client_id }, pending);
    await question('API client secret', pending);
    await answer({ type: emulator.client_secret }, pending);
    // Masked while typed.
    await question('Save the URL and client id as a profile', pending);
    await answer({}, pending);
    await question('Profile name', pending);
    await answer({}, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(session.source).toBe('questions');
    const text = await shown();
    expect(text).toContain('API client secret: ****');
    expect(printed.join('\n')).toContain(join(configDir, 'profiles.json'));
    expectNoSecrets(text, [accessToken(session), emulator.client_secret]);

    const file = await readFile(join(configDir, 'profiles.json'), 'utf8');
    expect(file).not.toContain(emulator.client_secret);
    const saved = JSON.parse(file);
    const host = new URL(emulator.url).host.replace(':', '-');
    expect(saved.default).toBe(host);
    expect(saved.profiles[host]).toEqual({
      url: new URL(emulator.url).origin,
      client_id: emulator.client_id,
    });
  });

  it('a wrong secret prints one sentence and asks again; the right one then succeeds', async () => {
    const pending = start({
      env: {
        TENANT_SHELL_URL: emulator.url,
        TENANT_SHELL_CLIENT_ID: emulator.client_id,
        TENANT_SHELL_CLIENT_SECRET: 'wrong-secret-123',
      },
    });
    // The variables are complete: the first try needs no question; its failure asks again.
    await question('API client id', pending);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^[^\n]+$/);
    expect(printed[0]).not.toMatch(/\bat .*\.ts:\d+/);
    expect(screen.getScreen()).toContain(emulator.client_id);
    await answer({}, pending); // keep the client id (the default)
    await question('API client secret', pending);
    await answer({ type: emulator.client_secret }, pending);
    await question('Save the URL and client id as a profile', pending);
    await answer({ type: 'n' }, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(printed).toHaveLength(1);
    expectNoSecrets(await shown(), [
      accessToken(session),
      emulator.client_secret,
      'wrong-secret-123',
    ]);
  });

  it('stops after three wrong secrets with a sentence', async () => {
    const pending = start({
      env: { TENANT_SHELL_URL: emulator.url, TENANT_SHELL_CLIENT_ID: emulator.client_id },
    });
    for (let i = 0; i < 3; i += 1) {
      // The variables give the URL and client id: the first round asks only the secret.
      if (i > 0) {
        await question('API client id', pending);
        await answer({}, pending);
      }
      await question('API client secret', pending);
      await answer({ type: `wrong-secret-${i}` }, pending);
    }
    await expect(pending).rejects.toThrow('Login failed 3 times; stopping.');
    expect(printed).toHaveLength(3);
    expectNoSecrets(await shown(), ['wrong-secret-0', 'wrong-secret-1', 'wrong-secret-2']);
  });

  it('an unreachable host prints one sentence and asks for the URL again', async () => {
    const port = await closedPort();
    const pending = start({
      env: {
        TENANT_SHELL_URL: `http://127.0.0.1:${port}`,
        TENANT_SHELL_CLIENT_ID: emulator.client_id,
        TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      },
    });
    await question('Data center URL', pending);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(printed[0]).toMatch(/^[^\n]+$/);
    // The previous answer is the default.
    expect(screen.getScreen()).toContain(`http://127.0.0.1:${port}`);
    await answer({ type: emulator.url }, pending);
    await question('Save the URL and client id as a profile', pending);
    await answer({ type: 'n' }, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.tenantId).toBe(emulator.tenant_id);
    expectNoSecrets(await shown(), [accessToken(session), emulator.client_secret]);
  });

  it('a URL that is not the platform (an HTML 404) prints one sentence; Ctrl+C then cancels', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Not Found</title><h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const pending = start({
        env: {
          TENANT_SHELL_URL: `http://127.0.0.1:${port}`,
          TENANT_SHELL_CLIENT_ID: emulator.client_id,
          TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
        },
      });
      await question('Data center URL', pending);
      expect(printed).toEqual([expect.stringMatching(/check the data center URL\.$/)]);
      expect(printed[0]).not.toContain('<');
      screen.keypress({ name: 'c', ctrl: true });
      await expect(pending).rejects.toThrow(CancelledError);
      await expect(pending).rejects.toThrow('Login cancelled.');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('Ctrl+C in the first question rejects with CancelledError', async () => {
    const pending = start();
    await question('Where to connect?', pending);
    screen.keypress({ name: 'c', ctrl: true });
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('Login cancelled.');
  });

  it("the context's signal reaches the prompts: aborting it cancels the login", async () => {
    const controller = new AbortController();
    const pending = start({ signal: controller.signal });
    await question('Where to connect?', pending);
    controller.abort();
    await expect(pending).rejects.toThrow(CancelledError);
  });

  it("the admin's way creates an API client, shows its secret once, and logs in with it", async () => {
    const pending = start();
    await question('Where to connect?', pending);
    await answer({ press: ['down', 'down', 'enter'] }, pending);
    await question('Data center URL', pending);
    await answer({ type: `${emulator.url}/api/2/` }, pending);
    await question("Administrator's login", pending);
    await answer({ type: emulator.admin.login }, pending);
    await question("Administrator's password", pending);
    await answer({ type: 'not-the-password-9' }, pending);
    // One sentence, then the login again (the previous one as default) and the password.
    await question("Administrator's login", pending);
    expect(printed).toEqual([
      `${new URL(emulator.url).host} refused the administrator's login or password.`,
    ]);
    await answer({}, pending);
    await question("Administrator's password", pending);
    await answer({ type: emulator.admin.password }, pending);
    await question('Save the URL and client id as a profile', pending);
    await answer({}, pending);
    await question('Profile name', pending);
    await answer({ type: 'emu-admin' }, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.clientId).not.toBe(emulator.client_id);
    expect(session.tenantId).toBe(emulator.tenant_id);

    const secretLine = printed.find((line) => line.includes('client secret:'));
    const newSecret = secretLine?.split('client secret:')[1]?.trim();
    expect(newSecret).toBeTruthy();
    const text = await shown();
    expect(text.split(newSecret ?? '').length - 1).toBe(1);
    expect(printed.join('\n')).toContain(session.clientId);
    expect(printed.join('\n')).toMatch(/shown only this once/);
    expect(printed.join('\n')).toContain('TENANT_SHELL_CLIENT_SECRET');
    expectNoSecrets(text, [accessToken(session), emulator.admin.password, 'not-the-password-9']);

    const saved = JSON.parse(await readFile(join(configDir, 'profiles.json'), 'utf8'));
    expect(saved.profiles['emu-admin']).toEqual({
      url: new URL(emulator.url).origin,
      client_id: session.clientId,
    });
    expect(JSON.stringify(saved)).not.toContain(newSecret);
  });

  it('a saved profile in the first question asks only for the secret', async () => {
    const { saveProfile } = await import('../../src/auth/profiles.ts');
    await saveProfile(
      'emu',
      { url: emulator.url, client_id: emulator.client_id },
      { env: { TENANT_SHELL_CONFIG_DIR: configDir }, makeDefault: false },
    );
    const pending = start();
    await question('Where to connect?', pending);
    expect(screen.getScreen()).toContain('Profile "emu"');
    await answer({ press: ['down', 'enter'] }, pending);
    await question('API client secret', pending);
    await answer({ type: emulator.client_secret }, pending);

    const session = await pending;
    sessions.push(session);
    expect(session.tenantId).toBe(emulator.tenant_id);
    expect(session.source).toBe('profile "emu" + questions');
    // Already saved: no offer to save it again.
    expect(await screen.getFullOutput()).not.toContain('Save the URL');
    expectNoSecrets(await shown(), [accessToken(session), emulator.client_secret]);
  });

  it('a damaged profiles file is reported in one sentence and the questions go on', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(configDir, 'profiles.json'), '{"profiles": {"eu2": ');
    const pending = start();
    await question('Where to connect?', pending);
    expect(printed).toEqual([expect.stringContaining('is damaged')]);
    await answer({}, pending);
    const session = await pending;
    sessions.push(session);
    expect(await readFile(join(configDir, 'profiles.json'), 'utf8')).toBe('{"profiles": {"eu2": ');
  });
});
