// The questions on our own streams, passed through the Inquirer context: the same seam the
// REPL uses to lend its terminal. Keys are written as a terminal would send them.

import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/api/errors.ts';
import {
  askClientSecret,
  askDataCenterUrl,
  askSaveProfile,
  askWhereToConnect,
  type PromptContext,
  promptAsker,
  validateDataCenterUrl,
} from '../../src/auth/login-questions.ts';

function terminal() {
  const input = new PassThrough();
  let written = '';
  const output = new Writable({
    write(chunk, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  Object.assign(output, { columns: 120, rows: 40 });
  const context: PromptContext = { input, output };
  return {
    context,
    /** Sends keys after the prompt has drawn itself. */
    keys: (text: string) => setImmediate(() => input.write(text)),
    screen: () => stripVTControlCharacters(written),
  };
}

describe('login questions', () => {
  it('Where to connect? takes the embedded emulator on one Enter', async () => {
    const t = terminal();
    const pending = askWhereToConnect(promptAsker(t.context), {
      eu2: { url: 'https://eu2-cloud.acronis.com', client_id: 'x' },
    });
    t.keys('\r');
    await expect(pending).resolves.toEqual({ kind: 'emulator' });
    const screen = t.screen();
    expect(screen).toContain('Where to connect?');
    expect(screen).toContain('Profile "eu2" (eu2-cloud.acronis.com)');
    expect(screen).toContain('A data center URL (API client id and secret)');
    expect(screen).toContain(
      "A data center URL with an administrator's login and password (creates an API client)",
    );
  });

  it('picks a saved profile with the arrow keys', async () => {
    const t = terminal();
    const pending = askWhereToConnect(promptAsker(t.context), {
      eu2: { url: 'https://eu2-cloud.acronis.com', client_id: 'x' },
    });
    t.keys('\x1b[B\r');
    await expect(pending).resolves.toEqual({ kind: 'profile', name: 'eu2' });
  });

  it('masks the secret with * while it is typed', async () => {
    const t = terminal();
    const pending = askClientSecret(promptAsker(t.context));
    t.keys('s3cr3t-value\r');
    await expect(pending).resolves.toBe('s3cr3t-value');
    expect(t.screen()).toContain('************');
    expect(t.screen()).not.toContain('s3cr3t-value');
  });

  it('keeps the previous URL as the default', async () => {
    const t = terminal();
    const pending = askDataCenterUrl(promptAsker(t.context), 'https://eu2-cloud.acronis.com');
    t.keys('\r');
    await expect(pending).resolves.toBe('https://eu2-cloud.acronis.com');
  });

  it('refuses a bad URL with one sentence and takes a good one', async () => {
    const t = terminal();
    const pending = askDataCenterUrl(promptAsker(t.context));
    t.keys('http://eu2-cloud.acronis.com\r');
    setTimeout(() => {
      // Clear the line (Ctrl+U) and type a good one.
      (t.context.input as PassThrough).write('\x15https://eu2-cloud.acronis.com/api/2/\r');
    }, 50);
    await expect(pending).resolves.toBe('https://eu2-cloud.acronis.com/api/2/');
    expect(t.screen()).toContain('Plain http:// is refused for eu2-cloud.acronis.com');
  });

  it('Ctrl+C becomes CancelledError("Login cancelled.")', async () => {
    const t = terminal();
    const pending = askDataCenterUrl(promptAsker(t.context));
    t.keys('\x03');
    await expect(pending).rejects.toThrow(CancelledError);
    await expect(pending).rejects.toThrow('Login cancelled.');
  });

  it('offers to save a profile under the host name by default', async () => {
    const t = terminal();
    const pending = askSaveProfile(promptAsker(t.context), 'eu2-cloud.acronis.com');
    t.keys('\r');
    setTimeout(() => (t.context.input as PassThrough).write('\r'), 50);
    await expect(pending).resolves.toBe('eu2-cloud.acronis.com');
  });

  it('validateDataCenterUrl accepts the usual spellings and masks what looks secret', () => {
    for (const ok of [
      'https://eu2-cloud.acronis.com',
      'https://eu2-cloud.acronis.com/',
      'https://eu2-cloud.acronis.com/api/2',
      'eu2-cloud.acronis.com',
      'http://127.0.0.1:8080/api/2/',
    ]) {
      expect(validateDataCenterUrl(ok), ok).toBe(true);
    }
    expect(validateDataCenterUrl('')).toMatch(/^Type the data center URL/);
    const pasted = validateDataCenterUrl(
      'https://eu2-cloud.acronis.com/9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    );
    expect(pasted).not.toBe(true);
    expect(String(pasted)).not.toContain('9f8e7d6c5b4a39281706f5e4d3c2b1a0');
  });
});
