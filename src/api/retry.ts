// When and how long to wait before repeating a call. Pure functions plus a cancellable sleep;
// the client's request loop decides with them.

/** What waiting needs of a signal: AbortSignal has it, and so does the client's lighter CallSignal. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  tries?: number;
  /** Upper bound of all waits of one call added up (default 30 000 ms). */
  maxWaitMs?: number;
  /** Backoff base: the first wait is up to this long (default 500 ms). */
  baseDelayMs?: number;
  /** Cap of one backoff wait (default 8 000 ms); a server's Retry-After is honoured as given. */
  maxDelayMs?: number;
  /** How to wait; tests pass one that records and returns at once. */
  sleep?: (ms: number, signal: CancelSignal) => Promise<void>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export type RetryPolicy = Required<RetryOptions>;

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const tries = options.tries ?? 4;
  if (!Number.isInteger(tries) || tries < 1)
    throw new RangeError('retry.tries must be an integer >= 1');
  return {
    tries,
    maxWaitMs: Math.max(0, options.maxWaitMs ?? 30_000),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 8_000),
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
  };
}

/**
 * `Retry-After` in milliseconds from now: delta-seconds (`"120"`) or an HTTP date. A date in the
 * past is 0; anything unreadable is undefined (the caller then backs off on its own).
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** A Retry-After the client did not wait for: longer than all the waits of one call may be. */
export function longWait(
  ms: number | undefined,
  policy: Pick<RetryPolicy, 'maxWaitMs'>,
): number | undefined {
  return ms !== undefined && ms > policy.maxWaitMs ? ms : undefined;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^retry)). */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(policy.random() * ceiling);
}

/** Statuses worth repeating: rate limited or the service in trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Methods a repeat cannot do harm with (the token POST is flagged by its caller). */
export function isRepeatableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'OPTIONS';
}

const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** A connection that was dropped under the request (reset, closed by the other side). */
export function isDroppedConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DROPPED.has(code)) return true;
  if (/other side closed|socket hang up/i.test(error.message)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDroppedConnection(cause);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
