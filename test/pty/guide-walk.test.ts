// `.guide` as a user walks it, in a real pseudo-terminal: the list, Tab completing a name, three
// tutorials answered question by question, Ctrl+C in the middle of one and going on afterwards,
// and the walked cells saved as any session's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PtySession } from '../helpers/pty-session.ts';

const PROMPT = /\[\d+\] emulator · [^\n]*› $/;

describe('.guide in a pseudo-terminal', () => {
  let shell: PtySession | undefined;
  afterEach(() => shell?.kill());

  it('lists, completes, walks three tutorials, leaves one with Ctrl+C and goes on', async () => {
    shell = new PtySession(['--emulator']);
    await shell.waitFor('login', PROMPT, 30_000);

    shell.line('.guide');
    const listing = await shell.waitFor('the list', /logging-in-on-behalf-of-user[\s\S]*› $/);
    expect(listing).toMatch(/Two-factor authentication\r?\n {4}toggling-tenant-2fa +Toggling/);
    expect(listing).toMatch(/Users\r?\n/);

    // Tab completes the name; the walk then asks the 2FA page's questions.
    shell.type('.guide toggling-te\t');
    await shell.waitFor('completed', 'toggling-tenant-2fa');
    shell.type('\r');
    await shell.waitFor('step 2 question', /Name of the new tenant/);
    shell.line('Pty Guided Customer');
    await shell.waitFor('pick it', /Which sub-tenant\?/);
    shell.type('\r');
    await shell.waitFor('enable or disable', /Two-factor authentication:/);
    shell.type('\r');
    await shell.waitFor('the confirmation', /Send it\?/);
    shell.line('y');
    const end = await shell.waitFor(
      'the end',
      /That is the whole of 'toggling-tenant-2fa'[\s\S]*Pty Guided Customer › $/,
    );
    expect(end).toMatch(/In \[\d+\]: response\.status_code\r?\n200/);
    expect(end).toContain('"mfa_status": "enabled"');

    // Ctrl+C in the middle of the second: it leaves with what was set.
    shell.line('.guide checking-tenant-2fa-status');
    await shell.waitFor('its first question', /Name of the new tenant/);
    shell.type('\r');
    await shell.waitFor('its second question', /Which tenant\?/);
    shell.type('\x03');
    await shell.waitFor('left', /\.guide checking-tenant-2fa-status goes on from here[\s\S]*› $/);
    shell.line('tenant_name');
    await shell.waitFor('the variable stays', /'Checking MFA Customer'/);
    shell.line('.guide checking-tenant-2fa-status');
    await shell.waitFor(
      'offer to go on',
      /You left 'checking-tenant-2fa-status' at step 1 of 3\. Go on from there\?/,
    );
    shell.type('\r');
    await shell.waitFor('the question it stopped at', /Which tenant\?/);
    shell.type('\r');
    const second = await shell.waitFor(
      'its end',
      /That is the whole of 'checking-tenant-2fa-status'/,
    );
    expect(second).toContain('"users_with_totp_enabled_count": 0');

    // A third, answering only its questions; the tenant one from the whole tree (its last
    // choice, one arrow up from the first), where the home tenant heads the list.
    shell.line('.guide creating-user-account');
    await shell.waitFor('its first question', /Name of the new customer/);
    shell.type('\r');
    await shell.waitFor('the tenant question', /Another tenant: browse the tree/);
    shell.type('\x1b[A');
    await shell.waitFor('on the last choice', /❯ Another tenant: browse the tree/);
    shell.type('\r');
    await shell.waitFor('the tree', /Tenants under 'Emulator Partner'[\s\S]*use this one/);
    shell.type('\r');
    // One wait for both: the next question may come in the same chunk as the cell.
    const picked = await shell.waitFor(
      'the answer in the cell, then the next question',
      /customer_tenant_id = '[\w-]+'[\s\S]*Login of the new user/,
    );
    const home = /customer_tenant_id = '([\w-]+)'/.exec(picked)?.[1];
    shell.type('\r');
    await shell.waitFor('the e-mail question', /The user's e-mail/);
    shell.type('\r');
    const third = await shell.waitFor(
      'the third end',
      /That is the whole of 'creating-user-account'/,
    );
    // A user of the partner picked from the tree gets no personal tenant; a customer's would.
    expect(third).toMatch(/\[ false, 1, false \]/);

    shell.line('.guide');
    const after = await shell.waitFor(
      'the list again',
      /Reports\r?\n[^\n]*creating-billing-report[\s\S]*› $/,
    );
    for (const name of [
      'toggling-tenant-2fa',
      'checking-tenant-2fa-status',
      'creating-user-account',
    ]) {
      expect(after).toMatch(new RegExp(`✔ ${name} `));
    }

    const notebook = join(shell.home, 'walked.md');
    shell.line(`.save ${notebook}`);
    await shell.waitFor('saved', /Saved \d+ cells as a Markdown notebook/);
    const text = readFileSync(notebook, 'utf8');
    expect(text).toContain("tenant_name = 'Pty Guided Customer'");
    // The tenant picked from the tree is the home tenant, not the one the tutorial created.
    expect(text).toContain(`customer_tenant_id = '${home}'`);
    expect(text).toMatch(new RegExp(`"tenant_id": "${home}"[\\s\\S]*"login": "new.user"`));
    expect(text).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own code
      'response = await put(`${base_url}/tenants/${tenant_id}/mfa/status`, mfa_status)',
    );
    expect(text).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/);
    shell.line('.exit');
    expect(await shell.exit()).toBe(0);
  }, 90_000);
});
