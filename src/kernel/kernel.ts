// tenant-shell as a Jupyter kernel: requests from the shell and control sockets answered by the
// one cell runner (src/cell/runner.ts). What the kernel adds is the protocol around it: busy and
// idle around every request, the runner's cell number as execution_count, stop_on_error, and
// the lifecycle (interrupt, shutdown, exit when the parent process is gone). Everything sent
// passes the session's redactor, bundles and metadata included.

import { randomUUID } from 'node:crypto';
import { UsageError } from '../api/errors.ts';
import type { Env, LoginAsker, Session } from '../auth/login.ts';
import { CellRunner } from '../cell/runner.ts';
import { callsDisplay } from '../notebook/render-ipynb.ts';
import { toolVersion } from '../notebook/version.ts';
import { QuestionCancelled } from '../ui/asker.ts';
import { renderError } from '../ui/render-error.ts';
import { resultBundle } from './bundle.ts';
import {
  completeRequest,
  historyRequest,
  inspectRequest,
  isCompleteRequest,
} from './introspect.ts';
import { bindSockets, type Sockets } from './sockets.ts';
import { StdinAsker } from './stdin-asker.ts';
import {
  type Connection,
  decode,
  encode,
  type Header,
  type Message,
  newHeader,
  PROTOCOL_VERSION,
  redactDeep,
} from './wire.ts';

export interface KernelOptions {
  connection: Connection;
  /**
   * Logs in (the kernel does so at the first cell, so starting never waits or fails on it).
   * `asker` is there when that cell's front end takes answers: the login may ask its questions.
   */
  login(io: { print(line: string): void; asker: LoginAsker | undefined }): Promise<Session>;
  env: Env;
  /** The kernel's own diagnostics (the process's stderr before the runner captures it). */
  log(line: string): void;
}

/** How long kernel_info_reply waits for a client's first IOPub subscription at most. */
const SUBSCRIPTION_CAP_MS = 2000;
const PARENT_POLL_MS = 1000;

type Content = Record<string, unknown>;

/** What a helper's question meets where the front end takes no input (nbconvert, papermill). */
const NO_STDIN =
  'This front end answers no questions (allow_stdin is false, as in nbconvert and papermill): pass {yes: true} to confirm, and the names or values a helper would ask for as its arguments.';

export class Kernel {
  readonly #options: KernelOptions;
  readonly #session = randomUUID();
  readonly #queue: Message[] = [];
  readonly #toAbort = new Set<Message>();
  #sockets!: Sockets;
  readonly #asker = new StdinAsker((prompt, password) => this.#askLine(prompt, password));
  #runner: CellRunner | undefined;
  #loggedIn: Session | undefined;
  /** The execute request whose cell runs now: what it prints is streamed under it. */
  #executing: { request: Message; silent: boolean } | undefined;
  /** The question the front end is answering, if any. */
  #question: { msgId: string; answer(value: string): void; cancel(error: Error): void } | undefined;
  #wake: () => void = () => {};
  #ended = false;
  #exit: (code: number) => void = () => {};
  readonly exited = new Promise<number>((resolve) => {
    this.#exit = resolve;
  });

  constructor(options: KernelOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#sockets = await bindSockets(this.#options.connection);
    this.#sockets.onSubscribe((topic) => {
      this.#publish('iopub_welcome', { subscription: topic.toString('utf8') }, undefined);
    });
    this.#publish('status', { execution_state: 'starting' }, undefined);
    void this.#receive(this.#sockets.shell, (message) => {
      this.#queue.push(message);
      this.#wake();
    });
    void this.#receive(this.#sockets.control, (message) => void this.#handle(message, 'control'));
    void this.#receive(this.#sockets.stdin, (message) => this.#onInputReply(message));
    void this.#serveShell();
    this.#watchParent();
    // jupyter_client interrupts with SIGINT in signal mode and before a shutdown: never fatal.
    process.on('SIGINT', () => this.#interrupt());
  }

  /** Reads one socket, dropping what does not verify. */
  async #receive(socket: AsyncIterable<Buffer[]>, take: (message: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decode(this.#options.connection.key, frames);
        if ('dropped' in decoded)
          this.#options.log(`tenant-shell kernel: message dropped (${decoded.dropped}).`);
        else take(decoded.message);
      }
    } catch {
      // closed at shutdown
    }
  }

  /** Shell requests, one at a time, in the order they came. */
  async #serveShell(): Promise<void> {
    while (!this.#ended) {
      const next = this.#queue.shift();
      if (!next) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      await this.#handle(next, 'shell');
    }
  }

  async #handle(request: Message, channel: 'shell' | 'control'): Promise<void> {
    // A client's first request comes as its SUB subscribes: its busy must not go out before.
    await this.#sockets.subscribed(SUBSCRIPTION_CAP_MS);
    this.#publish('status', { execution_state: 'busy' }, request);
    try {
      await this.#dispatch(request, channel);
    } catch (error) {
      this.#options.log(`tenant-shell kernel: ${request.header.msg_type} failed: ${String(error)}`);
    }
    this.#publish('status', { execution_state: 'idle' }, request);
  }

  async #dispatch(request: Message, channel: 'shell' | 'control'): Promise<void> {
    const content = request.content;
    const reply = (type: string, body: Content, metadata: Content = {}) =>
      this.#reply(channel, request, type, body, metadata);
    switch (request.header.msg_type) {
      case 'kernel_info_request':
        // Held (in #handle) until the client's SUB is subscribed: it sends nothing before this.
        return reply('kernel_info_reply', kernelInfo());
      case 'execute_request':
        if (this.#toAbort.delete(request)) {
          return reply(
            'execute_reply',
            { status: 'aborted', execution_count: this.#lastCount() },
            { status: 'aborted' },
          );
        }
        return this.#execute(request, reply);
      case 'is_complete_request':
        return reply('is_complete_reply', isCompleteRequest(content));
      case 'complete_request':
        return reply('complete_reply', completeRequest(content, this.#runner));
      case 'inspect_request':
        return reply('inspect_reply', inspectRequest(content));
      case 'history_request':
        return reply('history_reply', historyRequest(content, this.#runner));
      case 'comm_info_request':
        return reply('comm_info_reply', { status: 'ok', comms: {} });
      case 'comm_open':
        // No comm targets here: the spec says close it, on IOPub.
        this.#publish('comm_close', { comm_id: content.comm_id, data: {} }, request);
        return;
      case 'comm_msg':
      case 'comm_close':
        return;
      case 'interrupt_request':
        this.#interrupt();
        return reply('interrupt_reply', { status: 'ok' });
      case 'shutdown_request': {
        const restart = content.restart === true;
        await reply('shutdown_reply', { status: 'ok', restart });
        this.#publish('shutdown_reply', { status: 'ok', restart }, request);
        void this.shutdown(0);
        return;
      }
      default:
        this.#options.log(`tenant-shell kernel: no handler for ${request.header.msg_type}.`);
    }
  }

  async #execute(
    request: Message,
    reply: (type: string, body: Content, metadata?: Content) => Promise<void>,
  ): Promise<void> {
    const content = request.content;
    const code = typeof content.code === 'string' ? content.code : '';
    const silent = content.silent === true;
    // What front ends send for themselves (silent, or store_history false) makes no cell.
    const record = !silent && content.store_history !== false;
    this.#executing = { request, silent };
    try {
      if (!silent)
        this.#publish('execute_input', { code, execution_count: this.#nextCount() }, request);
      const runner = await this.#ensureRunner();
      const outcome = await runner.run(code, { complete: true, record });
      if (outcome.status === 'incomplete') throw outcome.error;
      const n = outcome.cell.n;
      const count = record ? n : this.#lastCount();
      // The cell's calls, as a saved .ipynb shows them: --run --check reads them back.
      if (!silent && outcome.cell.calls.length > 0)
        this.#publish(
          'display_data',
          { ...callsDisplay(outcome.cell.calls), transient: {} },
          request,
        );
      if (outcome.status === 'ok') {
        if (!silent && outcome.value !== undefined) {
          this.#publish(
            'execute_result',
            {
              execution_count: count,
              data: resultBundle(outcome.value),
              metadata: {},
            },
            request,
          );
        }
        await reply(
          'execute_reply',
          { status: 'ok', execution_count: count, user_expressions: {}, payload: [] },
          { status: 'ok' },
        );
        return;
      }
      const error = outcome.cell.error ?? {
        name: 'Error',
        message: String(outcome.error),
        text: String(outcome.error),
      };
      await this.#failed(request, reply, count, silent, content, {
        ename: error.name,
        evalue: error.message,
        traceback: error.text.split('\n'),
      });
    } catch (error) {
      // No cell ran (the login failed): the shell's own explanation, and nothing numbered.
      const code = (error as { code?: unknown } | null)?.code;
      await this.#failed(request, reply, this.#lastCount(), silent, content, {
        ename: typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error',
        evalue: error instanceof Error ? error.message : String(error),
        traceback: renderError(error).split('\n'),
      });
    } finally {
      this.#executing = undefined;
    }
  }

  async #failed(
    request: Message,
    reply: (type: string, body: Content, metadata?: Content) => Promise<void>,
    count: number,
    silent: boolean,
    content: Content,
    error: { ename: string; evalue: string; traceback: string[] },
  ): Promise<void> {
    if (!silent) this.#publish('error', error, request);
    if (!silent && content.stop_on_error !== false) {
      // "Run All" sends every cell at once: those queued are answered "aborted". Chosen before
      // the reply goes out (after reading what has arrived), so every one of them was sent
      // before the client could know of the error: a cell sent after the reply must run.
      await new Promise((resolve) => setImmediate(resolve));
      for (const queued of this.#queue) {
        if (queued.header.msg_type === 'execute_request') this.#toAbort.add(queued);
      }
    }
    await reply(
      'execute_reply',
      { status: 'error', execution_count: count, ...error },
      { status: 'error' },
    );
  }

  /** The questions of the request running, if its front end takes answers (allow_stdin). */
  #stdinAsker(): StdinAsker | null {
    return this.#executing?.request.content.allow_stdin === true ? this.#asker : null;
  }

  async #ensureRunner(): Promise<CellRunner> {
    if (this.#runner) return this.#runner;
    // The login's lines are a display, not the first cell's printed output: a notebook run
    // here checks (--run --check) against one run in the terminal, which prints them before.
    const say = (line: string) => this.#display(line);
    const session = await this.#options.login({
      print: say,
      asker: this.#stdinAsker() ?? undefined,
    });
    this.#loggedIn = session;
    const kernel = this;
    this.#runner = new CellRunner({
      session,
      print: (text, stream) => this.#stream(text, stream),
      // Without stdin (nbconvert) a helper sees no asker and says, in its own sentence, which
      // argument it needs ({yes: true}, a name), as it does in a one-shot run.
      get asker() {
        return kernel.#stdinAsker();
      },
      stdio: 'capture',
    });
    if (session.tenantName)
      say(
        `Logged in to ${session.dataCenter.label}: tenant '${session.tenantName}' (${session.tenantKind}).`,
      );
    return this.#runner;
  }

  /** The stop button or SIGINT: a pending question is cancelled, and the cell as Ctrl+C does. */
  #interrupt(): void {
    this.#question?.cancel(new QuestionCancelled());
    this.#runner?.interrupt();
  }

  /**
   * One question to the front end: input_request on stdin, routed with the execute request's
   * identities (the client's stdin socket shares its shell socket's), answered by input_reply.
   */
  #askLine(prompt: string, password: boolean): Promise<string> {
    const request = this.#executing?.request;
    if (request?.content.allow_stdin !== true || this.#question)
      return Promise.reject(
        new UsageError(NO_STDIN, 'For example: await setMfa(true, {yes: true})'),
      );
    const message = this.#message('input_request', { prompt, password }, request);
    message.ids = request.ids;
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        this.#question = undefined;
      };
      this.#question = {
        msgId: message.header.msg_id,
        answer: (value) => {
          done();
          resolve(value);
        },
        cancel: (error) => {
          done();
          reject(error);
        },
      };
      this.#sockets.send.stdin.send(encode(this.#options.connection.key, message)).catch(() => {});
    });
  }

  #onInputReply(reply: Message): void {
    const question = this.#question;
    if (!question || reply.header.msg_type !== 'input_reply') return;
    const parent = (reply.parent_header as { msg_id?: string }).msg_id;
    // Some front ends leave the parent out; a reply to another question is stale.
    if (parent !== undefined && parent !== question.msgId) return;
    const value = reply.content.value;
    question.answer(typeof value === 'string' ? value : '');
  }

  /** One line shown under the request running, outside what its cell printed. */
  #display(line: string): void {
    const running = this.#executing;
    if (!running || running.silent) return;
    this.#publish(
      'display_data',
      { data: { 'text/plain': line }, metadata: {}, transient: {} },
      running.request,
    );
  }

  #stream(text: string, name: 'stdout' | 'stderr'): void {
    const running = this.#executing;
    if (!running || running.silent) return;
    this.#publish('stream', { name, text }, running.request);
  }

  #nextCount(): number {
    return this.#runner?.state.cells.next ?? 1;
  }

  #lastCount(): number {
    return this.#nextCount() - 1;
  }

  #redact<T>(value: T): T {
    const runner = this.#runner;
    return runner ? redactDeep(value, (text) => runner.state.redact(text)) : value;
  }

  #message(
    type: string,
    content: Content,
    parent: Message | undefined,
    metadata: Content = {},
  ): Message {
    return {
      ids: [],
      header: newHeader(type, this.#session),
      parent_header: parent ? (parent.header as Header) : {},
      metadata: this.#redact(metadata),
      content: this.#redact(content),
      buffers: [],
    };
  }

  #publish(type: string, content: Content, parent: Message | undefined): void {
    const message = this.#message(type, content, parent);
    // IOPub's routing frame is the topic: the message type, as ipykernel sends it.
    message.ids = [Buffer.from(type)];
    this.#sockets.send.iopub.send(encode(this.#options.connection.key, message)).catch(() => {});
  }

  #reply(
    channel: 'shell' | 'control',
    request: Message,
    type: string,
    content: Content,
    metadata: Content,
  ): Promise<void> {
    const message = this.#message(type, content, request, metadata);
    message.ids = request.ids;
    return this.#sockets.send[channel]
      .send(encode(this.#options.connection.key, message))
      .catch(() => {});
  }

  /** Like ipykernel's parent poller: a kernel whose client died (or never says shutdown) leaves. */
  #watchParent(): void {
    const parent = Number(this.#options.env.JPY_PARENT_PID);
    if (!Number.isInteger(parent) || parent <= 1 || parent !== process.ppid) return;
    const timer = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(timer);
        this.#options.log('tenant-shell kernel: the parent process is gone; exiting.');
        void this.shutdown(0);
      }
    }, PARENT_POLL_MS);
    timer.unref();
  }

  async shutdown(code: number): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#interrupt();
    this.#wake();
    await Promise.race([
      Promise.all(Object.values(this.#sockets.send).map((s) => s.flushed())),
      new Promise((resolve) => setTimeout(resolve, 500)),
    ]);
    this.#sockets.close();
    this.#runner?.dispose();
    const session = this.#loggedIn;
    await session?.client.close().catch(() => {});
    await session?.emulator?.close().catch(() => {});
    this.#exit(code);
  }
}

function kernelInfo(): Content {
  const version = toolVersion();
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'tenant-shell',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: '5',
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      codemirror_mode: 'typescript',
      nbconvert_exporter: 'script',
    },
    banner: `tenant-shell ${version}: the platform's account-management API, cell by cell. Type setMfa(true) and the like; helpers are listed with Tab.`,
    help_links: [],
    debugger: false,
  };
}
