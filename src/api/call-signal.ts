// The abort signal of one call and what waits on it: a deadline, Ctrl+C, and the dispatcher's
// answer raced against both.
import type { Dispatcher } from 'undici';

export class CallDeadline extends Error {}

/**
 * The abort signal of one call, in the shape undici accepts (`addEventListener` or `on`).
 * An AbortController is an EventTarget, and passing one to undici costs several microseconds a
 * call (measured: about 10% of a warm loopback request); this costs next to nothing.
 */
export class CallSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Array<() => void> | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listeners === undefined) this.#listeners = [listener];
    else this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const list = this.#listeners;
    if (list === undefined) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  on(type: 'abort', listener: () => void): this {
    this.addEventListener(type, listener);
    return this;
  }

  once(type: 'abort', listener: () => void): this {
    this.addEventListener(type, listener);
    return this;
  }

  removeListener(type: 'abort', listener: () => void): this {
    this.removeEventListener(type, listener);
    return this;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.#listeners;
    this.#listeners = undefined;
    if (list) for (const listener of list) listener();
  }
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The dispatcher's answer, or the signal's reason as soon as it aborts. undici honours the
 * signal once a connection is up, but a request still waiting for its connection (a TLS
 * handshake that never completes) stays until the connect timeout, 10 s: Ctrl+C must not.
 */
export function untilAborted(
  pending: Promise<Dispatcher.ResponseData>,
  signal: CallSignal,
): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      // Whatever comes later is not read: free its connection.
      pending.then(
        (late) => late.body.destroy(),
        () => undefined,
      );
    };
    signal.addEventListener('abort', onAbort);
    pending.then(
      (res) => {
        signal.removeEventListener('abort', onAbort);
        resolve(res);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function onDeadline(signal: CallSignal): void {
  signal.abort(new CallDeadline('deadline'));
}
