import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import type { Session } from '../../src/auth/login.ts';
import { startShell } from '../../src/repl/shell.ts';

function fakeSession(tenantId: string, close: () => Promise<void>): Session {
  const client = new PlatformClient({
    url: 'http://127.0.0.1:9',
    credentials: { kind: 'token', accessToken: `token-${tenantId}-0123456789abcdef` },
  });
  return {
    client,
    dataCenter: { url: 'http://127.0.0.1:9', baseUrl: client.baseUrl, label: 'emulator' },
    clientId: '7c1f2a44-3b1e-4d8e-9f00-1a2b3c4d5e6f',
    tenantId,
    source: 'test',
    emulator: { close },
  };
}

describe('.login', () => {
  it('stops the emulator of the session it replaces', async () => {
    const firstClose = vi.fn(async () => {});
    const secondClose = vi.fn(async () => {});
    const first = fakeSession('11111111-1111-4111-8111-111111111111', firstClose);
    const second = fakeSession('22222222-2222-4222-8222-222222222222', secondClose);
    const input = new PassThrough();
    const output = new PassThrough();
    let transcript = '';
    output.on('data', (chunk) => {
      transcript += String(chunk);
    });
    const { server, state } = startShell({
      session: first,
      input,
      output,
      terminal: false,
      historyFile: null,
      relogin: async () => second,
    });
    input.write('.login\n');
    await vi.waitFor(() => expect(transcript).toContain('Logged in: emulator'));
    expect(state.session).toBe(second);
    expect(firstClose).toHaveBeenCalledTimes(1);
    expect(secondClose).not.toHaveBeenCalled();
    input.end();
    await once(server, 'exit');
  });
});
