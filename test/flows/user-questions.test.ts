// The user helpers' questions in a terminal, driven key by key through @inquirer/testing's
// vitest entry, against the emulator: the user asked for by login, the password asked for
// masked (never on the screen), and a deletion declined sending nothing.
import { PassThrough } from 'node:stream';
import { screen } from '@inquirer/testing/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const { createTenant } = await import('../../src/steps/tenants.ts');
const { createUser, getUser } = await import('../../src/steps/users.ts');
const { setPassword } = await import('../../src/steps/user-passwords.ts');
const { deleteUser } = await import('../../src/steps/user-lifecycle.ts');
const { terminalAsker } = await import('../../src/ui/asker.ts');
const { startEmulator, stepSession } = await import('../helpers/step-session.ts');
const { registerSecrets } = await import('../hardening/artifacts.ts');

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emulator: Emulator;
let shell: Awaited<ReturnType<typeof stepSession>>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 2, seed: 9 });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

const asker = () => terminalAsker({ input: new PassThrough(), output: new PassThrough() });

async function question(text: string | RegExp, running: Promise<unknown>): Promise<void> {
  let settled = false;
  running.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = Date.now() + 10_000;
  const seen = () =>
    typeof text === 'string' ? screen.getScreen().includes(text) : text.test(screen.getScreen());
  while (!seen()) {
    if (settled || Date.now() > deadline) {
      throw new Error(`no question ${String(text)}; screen:\n${screen.getScreen()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function answer(keys: { type?: string; press?: string[] }) {
  if (keys.type) screen.type(keys.type);
  for (const key of keys.press ?? ['enter']) screen.keypress(key);
  await new Promise((r) => setTimeout(r, 10));
}

describe('the user helpers in a terminal', () => {
  it('asks for the user by login, then for the password twice, masked', async () => {
    shell = await stepSession(emulator, { ask: asker() });
    const tenant = await createTenant(shell.session, 'Questions Customer');
    await createUser(shell.session, 'asked.user', {
      email: 'asked@example.test',
      tenant: tenant.id,
    });
    const password = 'Masked-On-Screen-42';
    registerSecrets(password);

    const reading = getUser(shell.session);
    await question('Login or id of the user:', reading);
    await answer({ type: 'asked.user' });
    expect((await reading).login).toBe('asked.user');

    const setting = setPassword(shell.session, 'asked.user');
    await question(/New password for 'asked\.user' of 'Questions Customer'/, setting);
    screen.type(password);
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.getScreen()).not.toContain(password);
    expect(screen.getScreen()).toContain('*'.repeat(password.length));
    screen.keypress('enter');
    await question('The same password again:', setting);
    await answer({ type: password });
    const user = await setting;
    expect(user.activated).toBe(true);
    expect(JSON.stringify([shell.notes, shell.calls])).not.toContain(password);
  });

  it('a deletion answered no sends nothing; yes deletes', async () => {
    shell = await stepSession(emulator, { ask: asker() });
    const tenant = await createTenant(shell.session, 'Declined Delete Customer');
    const user = await createUser(shell.session, 'kept.user', {
      email: 'kept@example.test',
      tenant: tenant.id,
    });
    const before = shell.calls.length;
    const asking = /Delete 'kept\.user'\? It cannot be undone\. \(y\/N\)/;
    const declined = deleteUser(shell.session, user.id);
    await question(asking, declined);
    await answer({ type: 'n' });
    expect((await declined).deleted).toBe(false);
    expect(shell.notes.join('\n')).toMatch(/Deleting 'kept\.user' of 'Declined Delete Customer'/);
    expect(shell.notes.at(-1)).toBe('Nothing was sent.');
    expect(shell.calls.slice(before).filter((c) => c.method !== 'GET')).toEqual([]);

    const accepted = deleteUser(shell.session, user.id);
    await question(asking, accepted);
    await answer({ type: 'y' });
    expect((await accepted).deleted).toBe(true);
  });
});
