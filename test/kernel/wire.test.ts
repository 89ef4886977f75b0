import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import {
  decode,
  encode,
  type Message,
  newHeader,
  parseConnection,
  redactDeep,
} from '../../src/kernel/wire.ts';

const KEY = 'a0b1c2d3-secret-key';

function message(ids: Buffer[] = []): Message {
  return {
    ids,
    header: newHeader('execute_request', 'session-1', 'user'),
    parent_header: {},
    metadata: {},
    content: { code: '1 + 1' },
    buffers: [],
  };
}

describe('the kernel wire format', () => {
  it('signs the four JSON frames with HMAC-SHA256, as jupyter_client does', () => {
    const frames = encode(KEY, message());
    expect(frames[0]?.toString()).toBe('<IDS|MSG>');
    const expected = createHmac('sha256', KEY);
    for (const part of frames.slice(2, 6)) expected.update(part);
    expect(frames[1]?.toString()).toBe(expected.digest('hex'));
  });

  it('keeps a routing prefix of several identities whole, and round-trips the message', () => {
    const ids = [Buffer.from([0, 1, 2]), Buffer.from('second-hop')];
    const decoded = decode(KEY, encode(KEY, message(ids)));
    if (!('message' in decoded)) throw new Error(decoded.dropped);
    expect(decoded.message.ids).toEqual(ids);
    expect(decoded.message.content).toEqual({ code: '1 + 1' });
  });

  it('drops a forged signature, a changed byte, a missing delimiter, and non-JSON frames', () => {
    expect(decode(KEY, encode(`${KEY}x`, message()))).toEqual({ dropped: 'bad signature' });
    const tampered = encode(KEY, message());
    tampered[5] = Buffer.from('{"code":"rm -rf"}');
    expect(decode(KEY, tampered)).toEqual({ dropped: 'bad signature' });
    expect(decode(KEY, encode(KEY, message()).slice(1))).toEqual({
      dropped: 'no <IDS|MSG> delimiter',
    });
    const short = encode(KEY, message());
    short[1] = Buffer.from('abc');
    expect(decode(KEY, short)).toEqual({ dropped: 'bad signature' });
    expect(
      decode('', [
        Buffer.from('<IDS|MSG>'),
        Buffer.from(''),
        ...['x', '{}', '{}', '{}'].map((s) => Buffer.from(s)),
      ]),
    ).toEqual({ dropped: 'a frame is not JSON' });
  });

  it('masks every string of a bundle, keys included, leaving its shape', () => {
    const redact = (text: string) => text.replaceAll('tok-123', '****');
    expect(
      redactDeep(
        { data: { 'application/json': { token: 'tok-123', n: 1, list: ['a tok-123'] } } },
        redact,
      ),
    ).toEqual({ data: { 'application/json': { token: '****', n: 1, list: ['a ****'] } } });
  });

  it('reads a connection file, and says in one sentence what is wrong with a bad one', () => {
    const good = {
      ip: '127.0.0.1',
      key: 'k',
      shell_port: 1,
      iopub_port: 2,
      stdin_port: 3,
      control_port: 4,
      hb_port: 5,
    };
    expect(parseConnection(JSON.stringify(good))).toMatchObject({
      transport: 'tcp',
      signature_scheme: 'hmac-sha256',
    });
    expect(() => parseConnection('nope')).toThrow(UsageError);
    expect(() => parseConnection(JSON.stringify({ ...good, hb_port: 'x' }))).toThrow(
      /hb_port must be a port number/,
    );
    expect(() =>
      parseConnection(JSON.stringify({ ...good, signature_scheme: 'hmac-md5' })),
    ).toThrow(/hmac-sha256 only/);
  });
});
