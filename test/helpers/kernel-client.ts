// A small Jupyter client over zeromq (Dealer for shell and control, Sub for IOPub, Req for the
// heartbeat) driving a real `tenant-shell kernel` process, for the kernel's protocol tests.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { type Connection, decode, encode, type Message, newHeader } from '../../src/kernel/wire.ts';
import { ROOT, SHELL } from './shell-command.ts';

const REPLY_TIMEOUT_MS = 10_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export class KernelClient {
  readonly session = randomUUID();
  readonly iopub: Message[] = [];
  stderr = '';
  #waiters: Array<() => void> = [];
  readonly #pending = new Map<string, (m: Message) => void>();
  /** The input_requests the kernel sent, in order. */
  readonly questions: Message[] = [];
  /** Answers an input_request (undefined: leave it unanswered). */
  answer: (prompt: string) => string | undefined = () => undefined;

  private constructor(
    readonly connection: Connection,
    readonly process: ChildProcess,
    readonly dir: string,
    readonly shell: zmq.Dealer,
    readonly control: zmq.Dealer,
    readonly sub: zmq.Subscriber,
    readonly hb: zmq.Request,
    readonly stdin: zmq.Dealer,
  ) {}

  static async start(args: string[] = ['--emulator'], env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'ts-kernel-'));
    const connection: Connection = {
      transport: 'tcp',
      ip: '127.0.0.1',
      key: randomBytes(16).toString('hex'),
      signature_scheme: 'hmac-sha256',
      shell_port: await freePort(),
      iopub_port: await freePort(),
      stdin_port: await freePort(),
      control_port: await freePort(),
      hb_port: await freePort(),
    };
    const file = join(dir, 'kernel.json');
    writeFileSync(file, JSON.stringify(connection));
    const [command, ...before] = SHELL;
    const child = spawn(command, [...before, 'kernel', ...args, '--connection-file', file], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        NO_COLOR: '1',
        JPY_PARENT_PID: String(process.pid),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = (port: number) => `tcp://127.0.0.1:${port}`;
    const routingId = randomUUID();
    const shell = new zmq.Dealer({ routingId, linger: 0 });
    const control = new zmq.Dealer({ routingId, linger: 0 });
    const sub = new zmq.Subscriber({ linger: 0 });
    const hb = new zmq.Request({ linger: 0, receiveTimeout: 5000 });
    // The stdin socket shares the shell socket's identity: the kernel routes questions by it.
    const stdin = new zmq.Dealer({ routingId, linger: 0 });
    stdin.connect(url(connection.stdin_port));
    shell.connect(url(connection.shell_port));
    control.connect(url(connection.control_port));
    sub.connect(url(connection.iopub_port));
    sub.subscribe('');
    hb.connect(url(connection.hb_port));
    const client = new KernelClient(connection, child, dir, shell, control, sub, hb, stdin);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      client.stderr += d;
    });
    child.stdout?.resume();
    void client.#read(shell);
    void client.#read(control);
    void client.#readIopub();
    void client.#readStdin();
    return client;
  }

  async #read(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decode(this.connection.key, frames);
        if ('dropped' in decoded) throw new Error(`reply dropped: ${decoded.dropped}`);
        const parent = (decoded.message.parent_header as { msg_id?: string }).msg_id ?? '';
        this.#pending.get(parent)?.(decoded.message);
        this.#pending.delete(parent);
      }
    } catch {
      // closed
    }
  }

  async #readStdin(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        const decoded = decode(this.connection.key, frames);
        if ('dropped' in decoded) throw new Error(`input_request dropped: ${decoded.dropped}`);
        const question = decoded.message;
        this.questions.push(question);
        const value = this.answer(String(question.content.prompt));
        if (value === undefined) continue;
        const reply: Message = {
          ids: [],
          header: newHeader('input_reply', this.session, 'test'),
          parent_header: question.header,
          metadata: {},
          content: { value },
          buffers: [],
        };
        await this.stdin.send(encode(this.connection.key, reply));
      }
    } catch {
      // closed
    }
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.sub) {
        const decoded = decode(this.connection.key, frames);
        if ('dropped' in decoded) continue;
        this.iopub.push(decoded.message);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    } catch {
      // closed
    }
  }

  /** A signed request; `forge` signs it with the wrong key. */
  request(
    channel: 'shell' | 'control',
    msgType: string,
    content: Record<string, unknown>,
    opts: { forge?: boolean } = {},
  ): { msgId: string; reply: Promise<Message> } {
    const header = newHeader(msgType, this.session, 'test');
    const message: Message = {
      ids: [],
      header,
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
    const key = opts.forge ? `${this.connection.key}x` : this.connection.key;
    const reply = new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${msgType} reply in ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      this.#pending.set(header.msg_id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    // Dealer frames: no routing prefix of our own.
    void (channel === 'shell' ? this.shell : this.control).send(encode(key, message));
    return { msgId: header.msg_id, reply };
  }

  execute(code: string, extra: Record<string, unknown> = {}) {
    return this.request('shell', 'execute_request', {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
      ...extra,
    });
  }

  /** The IOPub messages caused by one request, once its `idle` came. */
  async outputs(msgId: string, timeoutMs = REPLY_TIMEOUT_MS): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.iopub.filter(
        (m) => (m.parent_header as { msg_id?: string }).msg_id === msgId,
      );
      if (mine.some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'idle'))
        return mine;
      if (Date.now() > deadline) throw new Error(`no idle for ${msgId}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Resolves with the exit code once the kernel process is gone. */
  exited(timeoutMs = 5000): Promise<number | null> {
    if (this.process.exitCode !== null) return Promise.resolve(this.process.exitCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the kernel did not exit')), timeoutMs);
      this.process.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Closes the sockets; kills the kernel if it still runs (a failed test leaves no process). */
  close(): void {
    for (const socket of [this.shell, this.control, this.sub, this.hb, this.stdin]) socket.close();
    if (this.process.exitCode === null && this.process.signalCode === null)
      this.process.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
