import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PtySession } from '../helpers/pty-session.ts';

// `[3] emulator · Pty Test Customer › `: the next cell's number, where, and the current tenant.
const PROMPT = /\[\d+\] emulator · [^\n]*› $/;

describe('a whole session in a pseudo-terminal', () => {
  let shell: PtySession | undefined;
  afterEach(() => shell?.kill());

  it('follows the page: variables, setMfa(true) with its confirmation, then plain JS', async () => {
    shell = new PtySession(['--emulator']);
    await shell.waitFor('login to the emulator', /\[1\] emulator · Emulator Partner › $/, 30_000);

    shell.line('tenant_id');
    const tenantId = await shell.waitFor(
      'read tenant_id',
      /'([0-9a-f-]{36})'[\s\S]*\[2\] emulator/,
    );
    expect(tenantId).toMatch(/'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'/);

    shell.line('base_url');
    expect(await shell.waitFor('read base_url', /\/api\/2'/)).toMatch(
      /'http:\/\/127\.0\.0\.1:\d+\/api\/2'/,
    );

    shell.line('auth');
    const auth = await shell.waitFor('read auth', /Authorization/);
    expect(auth).toMatch(/Bearer eyJ[^']*…/);

    shell.line("const t = await createTenant('Pty Test Customer', {kind: 'customer'})");
    await shell.waitFor('create a tenant', /created_tenant_id = '/);
    shell.line('tenant_id = created_tenant_id');
    await shell.waitFor('make it current', /Pty Test Customer › $/);

    shell.line('await setMfa(true)');
    await shell.waitFor('confirmation', /Enable 2FA for 'Pty Test Customer'\?/);
    shell.line('y');
    const result = await shell.waitFor('the page answer', /"update_allowed": true\s*\}/);
    expect(result).toContain('"mfa_status": "enabled"');
    expect(result).toContain('Undo with: await setMfa(false');

    // The keystroke hand-off: the answer 'y' must not have been evaluated as code.
    shell.line('1+1');
    const two = await shell.waitFor('plain JS after a prompt', /\n2\s*\n/);
    expect(two).not.toMatch(/y is not defined/);

    // The session as cells: listed, and saved as a notebook without the token.
    shell.line('.history');
    const history = await shell.waitFor('the cells', /\[7\] +1\+1 +→ 2/);
    expect(history).toMatch(
      /\[6\] +await setMfa\(true\) +→ \{ "mfa_status": "enabled".* · 3 calls/,
    );
    const notebook = join(shell.home, 'session.md');
    shell.line(`.save ${notebook}`);
    await shell.waitFor('saved', /Saved 7 cells as a Markdown notebook/);
    const text = readFileSync(notebook, 'utf8');
    expect(text).toContain('### In [6]\n\n```ts\nawait setMfa(true)\n```');
    expect(text).toContain('Undo with: await setMfa(false');
    expect(text).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/);

    shell.line('.exit');
    expect(await shell.exit()).toBe(0);
  });

  it('Ctrl+C inside a question cancels only the question', async () => {
    shell = new PtySession(['--emulator']);
    await shell.waitFor('login', PROMPT, 30_000);
    shell.line('await setMfa()');
    await shell.waitFor('the question', /Two-factor authentication/);
    shell.type('\x03');
    await shell.waitFor('cancelled', /Cancelled\./);
    shell.line('40+2');
    await shell.waitFor('the shell goes on', /\n42\s*\n/);
    shell.line("setMfa('yes')");
    await shell.waitFor('a wrong input', /setMfa expects its first argument to be true or false/);
    shell.line('.exit');
    expect(await shell.exit()).toBe(0);
    const history = readFileSync(join(shell.home, 'history'), 'utf8');
    expect(history).toContain('40+2');
  });
});
