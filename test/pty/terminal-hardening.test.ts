// Issue 11, in a real pseudo-terminal: a history path that is not a file (a named pipe used to
// hang the shell before its first prompt; /dev/full spun), Ctrl+Z at a question then `fg` (the
// question used to stay frozen), and Ctrl+C pressed three times during a tree-wide change (the
// third used to end the session). Each case checks the sentence and that the shell goes on.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { registerSecrets } from '../hardening/artifacts.ts';
import { PtySession } from '../helpers/pty-session.ts';

const PROMPT = /› $/;
let shell: PtySession | undefined;
let slow: RunningEmulator;

beforeAll(async () => {
  slow = await startEmulator({ tenants: 60, latency: 30 });
  registerSecrets(slow.client_secret, slow.admin.password);
});
afterAll(() => slow.close());
afterEach(() => {
  shell?.kill();
  shell = undefined;
});

describe('the terminal, from outside', () => {
  for (const [what, path] of [
    ['a named pipe', 'fifo'],
    ['/dev/full', '/dev/full'],
  ] as const) {
    it(`history at ${what}: one sentence before the first prompt, and the shell works`, async () => {
      shell = new PtySession(['--emulator']);
      const history = path === 'fifo' ? join(shell.home, 'fifo') : path;
      if (path === 'fifo') execFileSync('mkfifo', [history]);
      shell.kill();
      shell = new PtySession(['--emulator'], { TENANT_SHELL_HISTORY: history });
      const shown = await shell.waitFor('first prompt', PROMPT, 30_000);
      expect(shown).toMatch(
        new RegExp(
          `History is off: ${history.replace(/[/.]/g, '\\$&')} is a (named pipe|device), not a file; set TENANT_SHELL_HISTORY to a file you can write`,
        ),
      );
      shell.line('6*7');
      await shell.waitFor('works', /\n42\s*\n/);
      shell.line('.exit');
      expect(await shell.exit()).toBe(0);
    }, 40_000);
  }

  it('Ctrl+Z at a question, then fg: the question comes back and takes its answer', async () => {
    shell = new PtySession(['--emulator']);
    await shell.waitFor('first prompt', PROMPT, 30_000);
    shell.line("findTenant('Harbor')");
    await shell.waitFor('question', /Did you mean one of these\?/);
    shell.type('\u001a');
    // Stopped: its state is T until it is continued, as `fg` does.
    for (let i = 0; i < 40; i++) {
      const state = execFileSync('ps', ['-o', 'stat=', '-p', String(shell.pid)]).toString();
      if (state.startsWith('T')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(shell.pid, 'SIGCONT');
    await shell.waitFor('asked again', /Did you mean one of these\?/);
    shell.type('\r');
    await shell.waitFor('answered', /"name": "Harbor Bakery 0008"/);
    shell.line('6*7');
    await shell.waitFor('works', /\n42\s*\n/);
  }, 40_000);

  it('Ctrl+C three times during a tree-wide change: stopped with its summary, the session goes on', async () => {
    shell = new PtySession(['--url', slow.url, '--client-id', slow.client_id], {
      TENANT_SHELL_CLIENT_SECRET: slow.client_secret,
    });
    await shell.waitFor('first prompt', PROMPT, 30_000);
    shell.line('await setMfa(true, {subtree: true, yes: true, concurrency: 1})');
    await shell.waitFor('under way', /Enabling 2FA|Reading the tenants/, 15_000);
    await new Promise((r) => setTimeout(r, 400));
    for (let i = 0; i < 3; i++) {
      shell.type('\u0003');
      await new Promise((r) => setTimeout(r, 150));
    }
    await shell.waitFor('summary', /Interrupted: \d+ tenants? not started\./);
    shell.line('6*7');
    await shell.waitFor('still here', /\n42\s*\n/);
    shell.line('.exit');
    expect(await shell.exit()).toBe(0);
  }, 40_000);
});
