// Passwords and one-time tokens given to or answered by the user helpers, through the shell's
// one cell runner as typed at the prompt: never in what the cells print, in the session's
// cells (history), in any of its exports (.md, .ipynb, .py, .sh) or in an error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../src/auth/login.ts';
import { CellRunner } from '../../src/cell/runner.ts';
import { historyLines } from '../../src/notebook/history.ts';
import { saveNotebook } from '../../src/notebook/save.ts';
import { isSensitiveLine } from '../../src/repl/secret-filter.ts';
import { registerSecrets } from '../hardening/artifacts.ts';
import { scanForSecrets } from '../hardening/secret-scan.ts';
import { type Emulator, startEmulator } from '../helpers/step-session.ts';

let emulator: Emulator;
const received: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 2, seed: 5, log: (l) => received.push(l) });
});
afterAll(() => emulator.close());

describe('secrets of the user helpers', () => {
  it('a typed password, a refused one and a one-time token are masked in output, cells and exports', async () => {
    const session = await login({
      flags: { emulator: true },
      env: {},
      interactive: false,
      print: () => {},
      startEmulator: async () => ({ ...emulator, close: async () => {} }),
    });
    const printed: string[] = [];
    const runner = new CellRunner({ session, print: (t) => printed.push(t), asker: null });
    const passwords = ['Typed-In-A-Cell-0001', 'Changed-In-A-Cell-002', 'tooShrt'];
    registerSecrets(...passwords);
    try {
      const cells = [
        "await createTenant('Secret Helpers Customer')",
        "await createUser('secret.helpers', {email: 'secret.helpers@example.test', tenant: created_tenant_id})",
        `await activateUser(user_id, {password: '${passwords[0]}'})`,
        `await setPassword('secret.helpers', {password: '${passwords[1]}', yes: true})`,
        `await setPassword(user_id, {password: '${passwords[2]}'})`,
        `await setPassword(user_id, '${passwords[0]}')`,
        'token = await loginAs(user_id, {yes: true})',
        'token',
        'ott',
        'JSON.stringify(token)',
      ];
      const outcomes = [];
      for (const cell of cells) outcomes.push(await runner.run(cell, { complete: true }));
      expect(outcomes.map((o) => o.status)).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'error',
        'error',
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      const ott = (globalThis as Record<string, unknown>).ott;
      if (typeof ott !== 'string') throw new Error('loginAs sets ott');
      registerSecrets(ott);
      const secrets = [...passwords, ott];

      const dir = mkdtempSync(join(tmpdir(), 'user-secrets-'));
      for (const ext of ['md', 'ipynb', 'py', 'sh']) {
        await saveNotebook(join(dir, `session.${ext}`), runner.state.saveSource());
      }
      writeFileSync(join(dir, 'printed.txt'), printed.join(''));
      writeFileSync(
        join(dir, 'history.txt'),
        runner.state.redact(historyLines(runner.state.cells.cells).join('\n')),
      );
      writeFileSync(join(dir, 'emulator.log'), received.join('\n'));
      // Every line that held a password is one the REPL keeps out of its history file.
      const secretLines = cells.filter((c) => passwords.some((p) => c.includes(p)));
      expect(secretLines).toHaveLength(4);
      for (const line of secretLines) {
        expect(isSensitiveLine(line, session.client.redactor.secrets()), line).toBe(true);
      }
      const kept = runner.state.redact(JSON.stringify(runner.state.cells.cells));
      writeFileSync(join(dir, 'cells.json'), kept);
      // The errors as thrown, before any redactor: they must not carry a secret at all.
      const thrown = outcomes.map((o) => (o.status === 'error' ? String(o.error) : ''));
      writeFileSync(join(dir, 'errors.txt'), thrown.join('\n'));
      const scan = scanForSecrets(dir, secrets);
      expect(scan.files).toBe(9);
      expect(scan.hits).toEqual([]);
      // The cells did run with the real values: the refusal said, the token shown masked.
      expect(thrown.join('')).toMatch(/expects the password as a text of 8 to 256 characters/);
      const shown = runner.state.cells.cells.map((c) => c.output ?? '');
      expect(shown[8]).toMatch(/^'[A-Za-z0-9_-]{4}…'$/);
      expect(runner.state.redact(runner.state.cells.cells[4]?.input ?? '')).toBe(
        "await setPassword(user_id, {password: '****'})",
      );
    } finally {
      runner.dispose();
      await session.client.close();
    }
  });
});
