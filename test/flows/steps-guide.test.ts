// The guided walk and setMfa's confirmation, driven key by key through @inquirer/testing's
// vitest entry (it replaces the prompts' streams with its own screen), against the emulator.
import { PassThrough } from 'node:stream';
import { screen } from '@inquirer/testing/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const { runGuide } = await import('../../src/steps/guide.ts');
const { setMfa, getMfa } = await import('../../src/steps/mfa.ts');
const { createTenant } = await import('../../src/steps/tenants.ts');
const { terminalAsker, QuestionCancelled } = await import('../../src/ui/asker.ts');
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

describe('.guide', () => {
  it("walks the page's six steps: create a sub-tenant, enable, send, explain", async () => {
    shell = await stepSession(emulator, { ask: asker() });
    const printed: string[] = [];
    const walk = runGuide(shell.session, shell.session.ask as never, (t) => printed.push(t));
    walk.catch(() => undefined);

    await question('Which sub-tenant?', walk);
    await answer({});
    await question('Name of the new tenant', walk);
    await answer({ type: 'Guided Customer' });
    await question('Kind', walk);
    await answer({});
    await question('Two-factor authentication', walk);
    await answer({});
    await question('Send it?', walk);
    await answer({ type: 'y' });
    await walk;

    const text = printed.join('\n');
    for (let step = 1; step <= 6; step++) expect(text).toContain(`Step ${step} of 6`);
    expect(text).toContain('>>> response.status_code\n200');
    expect(text).toContain('"mfa_status": "enabled"');
    expect(text).toContain('users_count = 0: active users');
    expect(text).not.toContain(emulator.client_secret);
    const created = shell.variables.created_tenant_id as string;
    expect(shell.variables.tenant_id).toBe(created);
    expect(shell.variables.mfa_status).toBe('{\n    "enabled": true\n}');
    expect((shell.variables.response as { status_code: number }).status_code).toBe(200);
    expect((await getMfa(shell.session, created)).mfa_status).toBe('enabled');
  });

  it('Ctrl+C leaves the guide with the variables it has set so far', async () => {
    shell = await stepSession(emulator, { ask: asker() });
    const walk = runGuide(shell.session, shell.session.ask as never, () => undefined);
    walk.catch(() => undefined);
    await question('Which sub-tenant?', walk);
    await answer({ press: ['down', 'down', 'down', 'enter'] }); // keep the current tenant_id
    await question('Two-factor authentication', walk);
    await answer({ press: ['down', 'enter'] }); // disable
    await question('Send it?', walk);
    screen.keypress({ name: 'c', ctrl: true });
    await expect(walk).rejects.toBeInstanceOf(QuestionCancelled);
    expect(shell.variables.mfa_status).toBe('{\n    "enabled": false\n}');
    expect(shell.variables.response).toBeUndefined();
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
