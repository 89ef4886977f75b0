// The guided walk of a tutorial file (tutorials/toggling-tenant-2fa.md, as the old code-built
// guide walked the page) and setMfa's confirmation, driven key by key through
// @inquirer/testing's vitest entry (it replaces the prompts' streams with its own screen),
// against the emulator, every cell through the one cell runner.
import { PassThrough } from 'node:stream';
import { screen } from '@inquirer/testing/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const { setMfa, getMfa } = await import('../../src/steps/mfa.ts');
const { createTenant } = await import('../../src/steps/tenants.ts');
const { terminalAsker } = await import('../../src/ui/asker.ts');
const { login } = await import('../../src/auth/login.ts');
const { CellRunner } = await import('../../src/cell/runner.ts');
const { TutorialGuide } = await import('../../src/tutorial/guide.ts');
const { startEmulator, stepSession } = await import('../helpers/step-session.ts');

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emulator: Emulator;
let shell: Awaited<ReturnType<typeof stepSession>>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 6, seed: 3 });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

const asker = () => terminalAsker({ input: new PassThrough(), output: new PassThrough() });
const g = globalThis as Record<string, unknown>;

/** The shell's own runner, logged in to the test's emulator (its closing is the test's). */
async function shellRunner(printed: string[]) {
  const session = await login({
    flags: { emulator: true },
    env: {},
    interactive: false,
    print: () => {},
    startEmulator: async () => ({ ...emulator, close: async () => {} }),
  });
  const runner = new CellRunner({
    session,
    print: (text) => printed.push(text),
    asker: asker(),
  });
  return {
    runner,
    io: { runner, asker: runner.steps.ask as never, write: (t: string) => printed.push(t) },
    close: async () => {
      runner.dispose();
      await session.client.close();
    },
  };
}
/** Waits for `text` on the prompt screen, failing with the screen when it never comes. */
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

describe('.guide toggling-tenant-2fa', () => {
  it("walks the page's six steps: create a sub-tenant, enable, send, explain", async () => {
    const printed: string[] = [];
    const shellish = await shellRunner(printed);
    try {
      const guide = new TutorialGuide();
      const walk = guide.walk('toggling-tenant-2fa', shellish.io);
      walk.catch(() => undefined);

      await question('Name of the new tenant', walk);
      await answer({ type: 'Guided Customer' });
      await question('Which sub-tenant?', walk);
      await answer({});
      await question('Two-factor authentication', walk);
      await answer({});
      await question('Send it?', walk);
      await answer({ type: 'y' });
      expect(await walk).toBe('done');

      const text = printed.join('\n');
      for (let step = 1; step <= 6; step++) expect(text).toContain(`Step ${step} of 6`);
      expect(text).toContain("tenant_name = 'Guided Customer'");
      expect(text).toMatch(/In \[\d+\]: response\.status_code\n200/);
      expect(text).toContain('"mfa_status": "enabled"');
      expect(text).toContain('`users_count`: active users');
      expect(text).not.toContain(emulator.client_secret);
      const created = g.created_tenant_id as string;
      expect(shellish.runner.state.tenantId).toBe(created);
      expect(g.mfa_status).toBe('{\n    "enabled": true\n}');
      expect((g.response as { status_code: number }).status_code).toBe(200);
      shell = await stepSession(emulator);
      expect((await getMfa(shell.session, created)).mfa_status).toBe('enabled');
      expect(guide.listing()).toMatch(/✔ toggling-tenant-2fa/);
      // Every cell it ran is a cell of the session, as typed ones are (.save exports them).
      expect(shellish.runner.state.cells.cells.map((c) => c.input)).toContain(
        'response.status_code',
      );
    } finally {
      await shellish.close();
    }
  });

  it('Ctrl+C leaves it with what was set; .guide NAME again goes on where it stopped', async () => {
    const printed: string[] = [];
    const shellish = await shellRunner(printed);
    try {
      delete g.response;
      const guide = new TutorialGuide();
      const walk = guide.walk('toggling-tenant-2fa', shellish.io);
      walk.catch(() => undefined);
      await question('Name of the new tenant', walk);
      await answer({});
      await question('Which sub-tenant?', walk);
      await answer({});
      await question('Two-factor authentication', walk);
      await answer({ press: ['down', 'enter'] }); // disable
      await question('Send it?', walk);
      screen.keypress({ name: 'c', ctrl: true });
      expect(await walk).toBe('left');
      expect(g.mfa_status).toBe('{\n    "enabled": false\n}');
      expect(g.response).toBeUndefined();
      expect(printed.join('\n')).toContain(
        '.guide toggling-tenant-2fa goes on from here; the variables set so far stay.',
      );
      expect(guide.listing()).toMatch(/… toggling-tenant-2fa/);

      const again = guide.walk('toggling-tenant-2fa', shellish.io);
      again.catch(() => undefined);
      await question('Go on from there?', again);
      await answer({});
      await question('Send it?', again);
      await answer({ type: 'y' });
      expect(await again).toBe('done');
      expect((g.response as { status_code: number }).status_code).toBe(200);
      // It went on from step 5: the tenant was created once, by the first walk.
      const inputs = shellish.runner.state.cells.cells.map((c) => c.input);
      expect(inputs.filter((i) => i.includes('createTenant('))).toHaveLength(1);
    } finally {
      await shellish.close();
    }
  });

  it('a name that is no tutorial is one sentence, naming the close ones', async () => {
    const guide = new TutorialGuide();
    expect(guide.find('2fa')).toMatch(
      /^No tutorial '2fa': \.guide lists them \(Tab completes the names\)\. Did you mean .*toggling-tenant-2fa/,
    );
  });
});

describe("setMfa's confirmation", () => {
  it("shows the page's warning with this tenant's numbers; No sends nothing, Yes sends the PUT", async () => {
    shell = await stepSession(emulator, { ask: asker() });
    const tenant = await createTenant(shell.session, 'Confirm Customer');
    shell.variables.tenant_id = tenant.id;

    const declined = setMfa(shell.session, true);
    const asking = /Enable 2FA for 'Confirm Customer'\? \(y\/N\)/;
    await question(asking, declined);
    await answer({ type: 'n' });
    await declined;
    expect(shell.notes.join('\n')).toMatch(/0 of 0 users will be unable to log in until they do/);
    expect(shell.notes.at(-1)).toBe('Nothing was sent.');
    expect(shell.calls.some((c) => c.method === 'PUT')).toBe(false);

    const accepted = setMfa(shell.session, true);
    await question(asking, accepted);
    await answer({ type: 'y' });
    expect((await accepted).mfa_status).toBe('enabled');
    expect(shell.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });
});
