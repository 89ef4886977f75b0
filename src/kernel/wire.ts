// The Jupyter messaging protocol's wire format (5.3): a connection file, and one message as
// multipart frames `[ids…, <IDS|MSG>, hmac, header, parent_header, metadata, content, buffers…]`,
// signed with HMAC-SHA256. Pure functions, no sockets: the kernel and the tests share them.

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { UsageError } from '../api/errors.ts';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface Connection {
  transport: 'tcp' | 'ipc';
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export type Channel = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message {
  /** The routing prefix: copied whole from a request into its reply (there may be several). */
  ids: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** Reads a connection file's JSON: one sentence saying what is wrong with it, if anything. */
export function parseConnection(text: string): Connection {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError('The connection file is not JSON: Jupyter writes it; pass its path.');
  }
  if (typeof raw !== 'object' || raw === null)
    throw new UsageError('The connection file is not a JSON object.');
  const transport = raw.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc')
    throw new UsageError(
      `The connection file's transport must be tcp or ipc, not ${JSON.stringify(transport)}.`,
    );
  const scheme = raw.signature_scheme ?? 'hmac-sha256';
  if (scheme !== 'hmac-sha256')
    throw new UsageError(`The kernel signs with hmac-sha256 only, not ${JSON.stringify(scheme)}.`);
  const ports = ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const;
  for (const port of ports) {
    const value = raw[port];
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535)
      throw new UsageError(`The connection file's ${port} must be a port number (0-65535).`);
  }
  return {
    transport,
    ip: typeof raw.ip === 'string' ? raw.ip : '127.0.0.1',
    key: typeof raw.key === 'string' ? raw.key : '',
    signature_scheme: scheme,
    shell_port: raw.shell_port as number,
    iopub_port: raw.iopub_port as number,
    stdin_port: raw.stdin_port as number,
    control_port: raw.control_port as number,
    hb_port: raw.hb_port as number,
  };
}

/** The address a socket binds (tcp: ip:port; ipc: the path Jupyter derives, `ip-port`). */
export function address(connection: Connection, port: number): string {
  return connection.transport === 'tcp'
    ? `tcp://${connection.ip}:${port}`
    : `ipc://${connection.ip}-${port}`;
}

/** HMAC-SHA256 over the four JSON frames, lowercase hex; an empty key means no signing. */
export function sign(key: string, frames: readonly Buffer[]): string {
  if (key === '') return '';
  const hmac = createHmac('sha256', key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest('hex');
}

export function newHeader(msgType: string, session: string, username = 'kernel'): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** A message's frames, signed. */
export function encode(key: string, message: Message): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => Buffer.from(JSON.stringify(part)),
  );
  return [
    ...message.ids,
    Buffer.from(DELIMITER),
    Buffer.from(sign(key, parts)),
    ...parts,
    ...message.buffers,
  ];
}

/**
 * A received message, or why it was dropped: no delimiter, a signature that does not match the
 * bytes received (compared in constant time), or frames that are not JSON objects.
 */
export function decode(
  key: string,
  frames: readonly Buffer[],
): { message: Message } | { dropped: string } {
  const at = frames.findIndex(
    (frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER,
  );
  if (at < 0) return { dropped: 'no <IDS|MSG> delimiter' };
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  if (signature === undefined || parts.length < 4) return { dropped: 'too few frames' };
  if (key !== '') {
    const expected = Buffer.from(sign(key, parts));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
      return { dropped: 'bad signature' };
  }
  try {
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString('utf8')));
    for (const part of [header, parent, metadata, content]) {
      if (typeof part !== 'object' || part === null || Array.isArray(part))
        return { dropped: 'a frame is not a JSON object' };
    }
    if (typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string')
      return { dropped: 'the header has no msg_type or msg_id' };
    return {
      message: {
        ids: frames.slice(0, at),
        header,
        parent_header: parent,
        metadata,
        content,
        buffers: frames.slice(at + 6),
      },
    };
  } catch {
    return { dropped: 'a frame is not JSON' };
  }
}

/** Every string in a JSON value passed through `redact` (bundles, metadata, tracebacks). */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
