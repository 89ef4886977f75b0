// The kernel's five ZeroMQ sockets. zeromq is an optional dependency loaded here, when a kernel
// starts, so the shell itself never needs the native addon. Two fixes any Node kernel needs:
// - zeromq.js allows one pending send per socket (a second rejects with EBUSY): every socket
//   sends through a promise chain, one message at a time;
// - a client's SUB subscribes a moment after it connects, so IOPub is an XPUB that reports the
//   subscription: the kernel greets it (`iopub_welcome`) and holds kernel_info_reply until then.

import { createRequire } from 'node:module';
import { UsageError } from '../api/errors.ts';
import { address, type Connection } from './wire.ts';

type Zmq = typeof import('zeromq');

async function loadZmq(): Promise<Zmq> {
  try {
    // Required as the CommonJS package it is (its loader finds the addon through __dirname).
    return createRequire(import.meta.url)('zeromq') as Zmq;
  } catch (error) {
    throw new UsageError(
      `The Jupyter kernel needs the optional zeromq package, which did not load (${(error as Error).message.split('\n')[0]}).`,
      "Run npm install in tenant-shell's folder on a platform zeromq ships a binary for.",
    );
  }
}

/** One socket's sends, in order, never two pending at once. */
class SerialSender {
  #chain: Promise<void> = Promise.resolve();
  /**
   * `unroutableMs`: how long a ROUTER in mandatory mode retries a peer it does not know yet.
   * A client's stdin socket connects when it starts, but its handshake can land after the first
   * cell asks (the login's first question): without the retry ZeroMQ drops that input_request
   * silently, and the cell waits for an answer to a question never shown.
   */
  constructor(
    private readonly socket: { send(frames: Buffer[]): Promise<void> },
    private readonly unroutableMs = 0,
  ) {}
  send(frames: Buffer[]): Promise<void> {
    const next = this.#chain.then(() => this.#sendOnce(frames, Date.now() + this.unroutableMs));
    // A send that fails (the socket closed at shutdown) must not stop the ones after it.
    this.#chain = next.catch(() => {});
    return next;
  }
  async #sendOnce(frames: Buffer[], deadline: number): Promise<void> {
    for (;;) {
      try {
        return await this.socket.send(frames);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EHOSTUNREACH' || Date.now() > deadline)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Resolves when everything queued so far has gone out. */
  flushed(): Promise<void> {
    return this.#chain;
  }
}

export interface Sockets {
  shell: import('zeromq').Router;
  control: import('zeromq').Router;
  stdin: import('zeromq').Router;
  iopub: import('zeromq').XPublisher;
  hb: import('zeromq').Reply;
  send: Record<'shell' | 'control' | 'stdin' | 'iopub', SerialSender>;
  /** Resolves at the first IOPub subscription (or after `capMs`, for a client that never does). */
  subscribed(capMs: number): Promise<void>;
  /** Called with each new subscription's topic, to greet it. */
  onSubscribe(listener: (topic: Buffer) => void): void;
  close(): void;
}

export async function bindSockets(connection: Connection): Promise<Sockets> {
  const zmq = await loadZmq();
  const shell = new zmq.Router({ linger: 0 });
  const control = new zmq.Router({ linger: 0 });
  const stdin = new zmq.Router({ linger: 0, mandatory: true });
  const iopub = new zmq.XPublisher({ linger: 0 });
  iopub.verbosity = 'allSubs';
  const hb = new zmq.Reply({ linger: 0 });
  await Promise.all([
    shell.bind(address(connection, connection.shell_port)),
    control.bind(address(connection, connection.control_port)),
    stdin.bind(address(connection, connection.stdin_port)),
    iopub.bind(address(connection, connection.iopub_port)),
    hb.bind(address(connection, connection.hb_port)),
  ]);

  let firstSubscription: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    firstSubscription = resolve;
  });
  const listeners: Array<(topic: Buffer) => void> = [];
  // Subscription frames: 0x01 + topic subscribes, 0x00 + topic unsubscribes.
  void (async () => {
    try {
      for await (const [frame] of iopub) {
        if (frame?.[0] !== 1) continue;
        firstSubscription();
        for (const listener of listeners) listener(frame.subarray(1));
      }
    } catch {
      // closed
    }
  })();
  // The heartbeat echoes whatever it gets, at once.
  void (async () => {
    try {
      for await (const frames of hb) await hb.send(frames);
    } catch {
      // closed
    }
  })();

  return {
    shell,
    control,
    stdin,
    iopub,
    hb,
    send: {
      shell: new SerialSender(shell),
      control: new SerialSender(control),
      stdin: new SerialSender(stdin, 5000),
      iopub: new SerialSender(iopub),
    },
    subscribed: (capMs) =>
      Promise.race([first, new Promise<void>((resolve) => setTimeout(resolve, capMs).unref())]),
    onSubscribe: (listener) => {
      listeners.push(listener);
    },
    close: () => {
      for (const socket of [shell, control, stdin, iopub, hb]) socket.close();
    },
  };
}
