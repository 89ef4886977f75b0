// Tier A of the kernel's tests: a real `tenant-shell kernel --emulator` process, driven over
// zeromq by a small client (test/helpers/kernel-client.ts). No Python needed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelClient } from '../helpers/kernel-client.ts';

const types = (messages: { header: { msg_type: string } }[]) =>
  messages.map((m) => m.header.msg_type);

describe('tenant-shell kernel, over the Jupyter protocol', () => {
  let kernel: KernelClient;
  beforeAll(async () => {
    kernel = await KernelClient.start();
  });
  afterAll(() => kernel?.close());

  it('answers kernel_info on shell and on control, with busy and idle around it', async () => {
    const { msgId, reply } = kernel.request('shell', 'kernel_info_request', {});
    const info = await reply;
    expect(info.header.msg_type).toBe('kernel_info_reply');
    expect(info.content).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'tenant-shell',
    });
    expect(info.content.language_info).toMatchObject({ name: 'typescript', file_extension: '.ts' });
    const out = await kernel.outputs(msgId);
    expect(types(out)).toEqual(['status', 'status']);
    expect(out.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    const onControl = await kernel.request('control', 'kernel_info_request', {}).reply;
    expect(onControl.content.implementation).toBe('tenant-shell');
  });

  it('runs a cell through the runner: its number, what it prints, its value', async () => {
    const { msgId, reply } = kernel.execute("console.log('printed line'); 6 * 7");
    const done = await reply;
    expect(done.content).toMatchObject({ status: 'ok', execution_count: 1 });
    const out = await kernel.outputs(msgId);
    expect(types(out)).toEqual([
      'status',
      'execute_input',
      'display_data',
      'stream',
      'execute_result',
      'status',
    ]);
    // The login's line is a display, apart from what the cell printed (as in the terminal).
    const login = out.find((m) => m.header.msg_type === 'display_data');
    expect(login?.content.data).toEqual({
      'text/plain': expect.stringMatching(/^Logged in to emulator/),
    });
    const text = out
      .filter((m) => m.header.msg_type === 'stream')
      .map((m) => m.content.text)
      .join('');
    expect(text).toBe('printed line\n');
    const result = out.find((m) => m.header.msg_type === 'execute_result');
    expect(result?.content).toMatchObject({ execution_count: 1, data: { 'text/plain': '42' } });
    // The preloaded variables and the helpers are there, and the count goes on.
    const second = kernel.execute('typeof setMfa + " " + (tenant_id.length > 0)');
    expect((await second.reply).content.execution_count).toBe(2);
    const value = (await kernel.outputs(second.msgId)).find(
      (m) => m.header.msg_type === 'execute_result',
    );
    expect(value?.content.data).toEqual({ 'text/plain': "'function true'" });
  });

  it('a silent request and one without history make no cell', async () => {
    const silent = kernel.execute('1 + 1', { silent: true });
    expect((await silent.reply).content).toMatchObject({ status: 'ok', execution_count: 2 });
    expect(types(await kernel.outputs(silent.msgId))).toEqual(['status', 'status']);
    const unstored = kernel.execute('2 + 2', { store_history: false });
    expect((await unstored.reply).content.execution_count).toBe(2);
    const next = kernel.execute('Object.keys(Out).join(",")');
    expect((await next.reply).content.execution_count).toBe(3);
    const result = (await kernel.outputs(next.msgId)).find(
      (m) => m.header.msg_type === 'execute_result',
    );
    expect(result?.content.data).toEqual({ 'text/plain': "'1,2'" });
  });

  it('an error: ename, evalue and a traceback, on the reply and on IOPub', async () => {
    const { msgId, reply } = kernel.execute('undefinedName + 1');
    const done = await reply;
    expect(done.content).toMatchObject({
      status: 'error',
      execution_count: 4,
      ename: 'ReferenceError',
    });
    expect(String(done.content.evalue)).toContain('undefinedName');
    const error = (await kernel.outputs(msgId)).find((m) => m.header.msg_type === 'error');
    expect(error?.content.ename).toBe('ReferenceError');
    expect(((error?.content.traceback ?? []) as string[]).join('\n')).toContain(
      'undefinedName is not defined',
    );
    // The shell's own error model: a helper's wrong argument says what is expected.
    const usage = await kernel.execute('await setMfa("yes")').reply;
    expect(usage.content).toMatchObject({ status: 'error', ename: 'E_USAGE' });
    expect(String(usage.content.evalue)).toContain(
      'setMfa expects its first argument to be true or false',
    );
  });

  it('stop_on_error: the queued cells are aborted, other requests are not, then it goes on', async () => {
    const failing = kernel.execute(
      "await new Promise((r) => setTimeout(r, 300)); throw new Error('boom')",
    );
    const queued1 = kernel.execute('"never 1"');
    const inspect = kernel.request('shell', 'is_complete_request', { code: 'if (x) {' });
    const queued2 = kernel.execute('"never 2"');
    expect((await failing.reply).content.status).toBe('error');
    expect((await queued1.reply).content.status).toBe('aborted');
    expect((await inspect.reply).content).toEqual({ status: 'incomplete', indent: '  ' });
    expect((await queued2.reply).content.status).toBe('aborted');
    const after = await kernel.execute('"runs again"').reply;
    expect(after.content.status).toBe('ok');
    // stop_on_error false: the next cell runs.
    const lenient = kernel.execute('throw new Error("x")', { stop_on_error: false });
    const follows = kernel.execute('"follows"');
    expect((await lenient.reply).content.status).toBe('error');
    expect((await follows.reply).content.status).toBe('ok');
  });

  it('a cell sent once the error reply came is not aborted (only those queued before it)', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await kernel.execute('throw new Error("again")').reply).content.status).toBe('error');
      expect((await kernel.execute('"sent after the error"').reply).content.status).toBe('ok');
    }
  });

  it('drops a message with a forged signature, and answers the next good one', async () => {
    const forged = kernel.request('shell', 'kernel_info_request', {}, { forge: true });
    const nothing = await Promise.race([
      forged.reply.then(
        () => 'replied',
        () => 'replied',
      ),
      new Promise((r) => setTimeout(() => r('silence'), 1000)),
    ]);
    expect(nothing).toBe('silence');
    expect(
      kernel.iopub.some((m) => (m.parent_header as { msg_id?: string }).msg_id === forged.msgId),
    ).toBe(false);
    expect((await kernel.request('shell', 'kernel_info_request', {}).reply).content.status).toBe(
      'ok',
    );
    forged.reply.catch(() => {});
  });

  it('complete, inspect, history and comm_info', async () => {
    const complete = await kernel.request('shell', 'complete_request', {
      code: 'x = setM',
      cursor_pos: 8,
    }).reply;
    expect(complete.content).toMatchObject({ status: 'ok', cursor_start: 4, cursor_end: 8 });
    expect(complete.content.matches).toContain('setMfa');
    // Positions are codepoints (protocol 5.2): an astral character before the cursor counts once.
    const astral = await kernel.request('shell', 'complete_request', {
      code: "'😀'; setM",
      cursor_pos: 9,
    }).reply;
    expect(astral.content).toMatchObject({ cursor_start: 5, cursor_end: 9 });
    expect(astral.content.matches).toContain('setMfa');
    // Inside a string: the tenants the session has seen, here the home tenant.
    const named = await kernel.request('shell', 'complete_request', {
      code: "await findTenant('Emu",
      cursor_pos: 21,
    }).reply;
    expect(named.content).toMatchObject({
      matches: ['Emulator Partner'],
      cursor_start: 18,
      cursor_end: 21,
    });
    const inspect = await kernel.request('shell', 'inspect_request', {
      code: 'setMfa(true)',
      cursor_pos: 3,
      detail_level: 0,
    }).reply;
    expect(inspect.content.found).toBe(true);
    expect(String((inspect.content.data as Record<string, string>)['text/plain'])).toContain(
      'setMfa',
    );
    const history = await kernel.request('shell', 'history_request', {
      hist_access_type: 'tail',
      n: 2,
      output: false,
      raw: true,
    }).reply;
    const entries = history.content.history as [number, number, string][];
    expect(entries).toHaveLength(2);
    expect(entries.at(-1)?.[2]).toBe('"sent after the error"');
    const comms = await kernel.request('shell', 'comm_info_request', {}).reply;
    expect(comms.content).toEqual({ status: 'ok', comms: {} });
  });

  it('interrupt_request cancels an awaited call; the state is kept', async () => {
    await kernel.execute('const kept = "still here"').reply;
    const long = kernel.execute('await new Promise((r) => setTimeout(r, 30_000))');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const interrupted = await kernel.request('control', 'interrupt_request', {}).reply;
    expect(interrupted.content.status).toBe('ok');
    const done = await long.reply;
    expect(done.content.status).toBe('error');
    expect(done.content.ename).toBe('E_CANCELLED');
    expect(Date.now() - started).toBeLessThan(5000);
    const after = kernel.execute('kept');
    expect((await after.reply).content.status).toBe('ok');
    const value = (await kernel.outputs(after.msgId)).find(
      (m) => m.header.msg_type === 'execute_result',
    );
    expect(value?.content.data).toEqual({ 'text/plain': "'still here'" });
  });

  it('SIGINT (signal-mode clients, and before a shutdown) cancels the cell, never the kernel', async () => {
    const long = kernel.execute('await new Promise((r) => setTimeout(r, 30_000))');
    await new Promise((r) => setTimeout(r, 300));
    kernel.process.kill('SIGINT');
    expect((await long.reply).content.ename).toBe('E_CANCELLED');
    expect((await kernel.execute('kept').reply).content.status).toBe('ok');
  });

  it('SIGINT stops a synchronous loop (V8 breaks the cell), and the kernel goes on', async () => {
    const loop = kernel.execute('while (true) {}');
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    kernel.process.kill('SIGINT');
    const done = await loop.reply;
    expect(done.content).toMatchObject({
      status: 'error',
      ename: 'ERR_SCRIPT_EXECUTION_INTERRUPTED',
    });
    expect(done.content.traceback).toEqual(['Cancelled.']);
    // The loop never ends by itself: any bound below the test's timeout tells a break from none.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await kernel.execute('kept').reply).content.status).toBe('ok');
  });

  it('masks the session token in everything it sends', async () => {
    const { msgId, reply } = kernel.execute(
      'console.log(auth.Authorization); ({token: auth.Authorization})',
    );
    await reply;
    const sent = JSON.stringify(await kernel.outputs(msgId));
    // JSON bundles too: the object's own strings are masked.
    const result = JSON.parse(sent).find(
      (m: { header: { msg_type: string } }) => m.header.msg_type === 'execute_result',
    );
    expect(result.content.data['application/json'].token).toMatch(/^Bearer [A-Za-z0-9_-]{1,16}…$/);
    // The prefix that tells tokens apart, then the ellipsis: never the whole token.
    expect(sent).toMatch(/Bearer [A-Za-z0-9_-]{1,16}…/);
    expect(sent).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}/);
  });

  it("a cell's HTTP calls travel in a display's metadata, masked, as a saved .ipynb keeps them", async () => {
    const { msgId, reply } = kernel.execute('(await getMfa()).mfa_status');
    expect((await reply).content.status).toBe('ok');
    const out = await kernel.outputs(msgId);
    const shown = out.filter((m) => m.header.msg_type === 'display_data');
    expect(shown).toHaveLength(1);
    const content = shown[0]?.content as {
      data: Record<string, unknown>;
      metadata: { tenant_shell: { calls: { method: string; path: string; status: number }[] } };
    };
    const calls = content.metadata.tenant_shell.calls;
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(['GET 200']);
    expect(calls[0]?.path).toMatch(/^\/api\/2\/tenants\/[0-9a-f-]{36}\/mfa\/status$/);
    expect(String(content.data['text/plain'])).toContain('/mfa/status → 200');
    expect(JSON.stringify(content)).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
    // Before the value, as a saved notebook orders them.
    expect(types(out).indexOf('display_data')).toBeLessThan(types(out).indexOf('execute_result'));
  });

  it('shutdown_request: a reply, then the process is gone', async () => {
    const reply = await kernel.request('control', 'shutdown_request', { restart: false }).reply;
    expect(reply.content).toEqual({ status: 'ok', restart: false });
    expect(await kernel.exited()).toBe(0);
  });
});
