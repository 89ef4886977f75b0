// The helpers' questions through Jupyter's stdin channel, against a real kernel process.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import { KernelClient } from '../helpers/kernel-client.ts';

describe('tenant-shell kernel: questions over stdin', () => {
  let kernel: KernelClient;
  beforeAll(async () => {
    kernel = await KernelClient.start();
  });
  afterAll(() => kernel?.close());

  it('a confirmation is an input_request; the answer reaches the helper', async () => {
    kernel.answer = () => 'y';
    const done = await kernel.execute('await setMfa(true)', { allow_stdin: true }).reply;
    expect(done.content.status).toBe('ok');
    const question = kernel.questions.at(-1);
    expect(question?.header.msg_type).toBe('input_request');
    expect(question?.content.password).toBe(false);
    expect(String(question?.content.prompt)).toMatch(
      /^Enable 2FA for 'Emulator Partner'\?.* \[y\/N\] $/s,
    );
    const state = kernel.execute('(await getMfa()).mfa_status');
    await state.reply;
    const value = (await kernel.outputs(state.msgId)).find(
      (m) => m.header.msg_type === 'execute_result',
    );
    expect(value?.content.data).toEqual({ 'text/plain': "'enabled'" });
  });

  it('a picker is a numbered list; a wrong answer asks again', async () => {
    const answers = ['seven', '1'];
    kernel.answer = () => answers.shift();
    const asked = kernel.questions.length;
    const done = await kernel.execute('await setMfa()', { allow_stdin: true }).reply;
    const prompts = kernel.questions.slice(asked).map((q) => String(q.content.prompt));
    expect(prompts[0]).toMatch(/Two-factor authentication:\n {2}1\) .*\n {2}2\) /);
    expect(prompts[1]).toContain('Answer with a number from 1-2');
    expect(done.content.status, String(done.content.evalue)).toBe('ok');
  });

  it("a helper's password is a masked input_request, never in an output", async () => {
    const password = 'Kernel-Masked-Pass-42';
    // A user of a sub-tenant: the platform sets passwords only there.
    const created = kernel.execute(
      "await createTenant('Kernel Masked Customer'); await createUser('kernel.masked', {email: 'k@example.test', tenant: created_tenant_id})",
    );
    expect((await created.reply).content.status).toBe('ok');
    const asked = kernel.questions.length;
    // Asked twice (typed, then again), masked; the new account is not activated, so no confirm.
    kernel.answer = () => password;
    const run = kernel.execute('await setPassword(user_id)', { allow_stdin: true });
    const done = await run.reply;
    expect(done.content.status, String(done.content.evalue)).toBe('ok');
    const masked = kernel.questions.slice(asked);
    expect(masked.length).toBeGreaterThan(0);
    expect(masked.every((q) => q.content.password === true)).toBe(true);
    const shown = JSON.stringify(await kernel.outputs(run.msgId));
    expect(shown).toContain('Password set');
    expect(shown).not.toContain(password);
  });

  it('without stdin (nbconvert, papermill) a helper fails at once, in its own sentence', async () => {
    const asked = kernel.questions.length;
    const started = Date.now();
    const done = await kernel.execute('await findTenant()', { allow_stdin: false }).reply;
    expect(done.content).toMatchObject({ status: 'error', ename: 'E_USAGE' });
    // The helper's own sentence (as in a one-shot run), not a generic one about stdin.
    expect(String(done.content.evalue)).toBe(
      "findTenant expects the tenant's name, e.g. findTenant('Northwind Dental').",
    );
    const confirm = kernel.execute('await setMfa(true, {subtree: true})', { allow_stdin: false });
    expect(String((await confirm.reply).content.evalue)).toBe(
      'setMfa(true) over many tenants needs a confirmation; without a terminal, pass {yes: true} (or {dryRun: true} to see the plan).',
    );
    // Refused before any call: nothing was sent.
    const shown = (await kernel.outputs(confirm.msgId)).map((m) => m.header.msg_type);
    expect(shown).not.toContain('display_data');
    // A wait for an answer never ends; two refusals take well under a second on an idle machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(kernel.questions.length).toBe(asked);
  });

  it('the stop button cancels a question left unanswered; the kernel goes on', async () => {
    kernel.answer = () => undefined;
    const pending = kernel.execute('await findTenant()', { allow_stdin: true });
    const deadline = Date.now() + 5000;
    const asked = kernel.questions.length;
    while (kernel.questions.length === asked && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(String(kernel.questions.at(-1)?.content.prompt)).toContain(
      'Name of the tenant to find:',
    );
    await kernel.request('control', 'interrupt_request', {}).reply;
    expect((await pending.reply).content).toMatchObject({ status: 'error', ename: 'E_CANCELLED' });
    expect((await kernel.execute('1').reply).content.status).toBe('ok');
  });
});

describe('tenant-shell kernel: the login over stdin', () => {
  let dataCenter: Awaited<ReturnType<typeof startEmulator>>;
  let kernel: KernelClient | undefined;
  beforeAll(async () => {
    dataCenter = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    kernel?.close();
    await dataCenter?.close();
  });

  it("the administrator's way: a masked password, and the new client's secret only in a prompt, never in an output", async () => {
    kernel = await KernelClient.start([]);
    const answers = new Map<RegExp, string>([
      [/^Where to connect\?/, '3'],
      [/^Data center URL:/, dataCenter.url],
      [/^Administrator's login:/, dataCenter.admin.login],
      [/^Administrator's password:/, dataCenter.admin.password],
      [/client secret: /, ''],
      [/^Save the URL/, 'n'],
    ]);
    kernel.answer = (prompt) => [...answers].find(([asked]) => asked.test(prompt))?.[1];
    const { msgId, reply } = kernel.execute('tenant_id', { allow_stdin: true });
    const done = await reply;
    expect(done.content.status, String(done.content.evalue)).toBe('ok');
    const prompts = kernel.questions.map((q) => ({
      prompt: String(q.content.prompt),
      password: q.content.password,
    }));
    expect(prompts.find((p) => p.prompt.startsWith("Administrator's password"))?.password).toBe(
      true,
    );
    const shown = prompts.find((p) => p.prompt.includes('client secret: '))?.prompt ?? '';
    const secret = /client secret: (\S+)/.exec(shown)?.[1] ?? '';
    expect(secret.length).toBeGreaterThan(8);
    expect(shown).toContain('it is not kept in the notebook');
    const outputs = JSON.stringify(await kernel.outputs(msgId));
    expect(outputs).toContain('Created the API client');
    expect(outputs).toContain(dataCenter.tenant_id);
    expect(outputs).not.toContain(secret);
    expect(outputs).not.toContain(dataCenter.admin.password);
  });
});
