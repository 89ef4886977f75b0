// Misbehaviour on purpose, for testing clients: injected faults and a per-client rate limit.
import { mulberry32 } from './seed.ts';

export type Fault = 'unavailable' | 'throttled' | 'drop';
const FAULTS: readonly Fault[] = ['unavailable', 'throttled', 'drop'];

/** Picks which requests fail; seeded so a run with the same seed fails the same requests. */
export class FaultInjector {
  readonly #rate: number;
  readonly #rand: () => number;

  constructor(rate: number, seed: number) {
    this.#rate = rate;
    this.#rand = mulberry32(seed ^ 0x5eed_fa17);
  }

  next(): Fault | null {
    if (this.#rate <= 0 || this.#rand() >= this.#rate) return null;
    return FAULTS[Math.floor(this.#rand() * FAULTS.length)] ?? 'unavailable';
  }
}

/** Fixed one-second windows per key: beyond `perSecond` in the current second, refuse. */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #windows = new Map<string, { second: number; count: number }>();

  constructor(perSecond: number) {
    this.#perSecond = perSecond;
  }

  /** Seconds to wait (for Retry-After), or 0 when the request may go ahead. */
  take(key: string, nowMs = Date.now()): number {
    const second = Math.floor(nowMs / 1000);
    let w = this.#windows.get(key);
    if (!w || w.second !== second) {
      // Old windows are useless; drop them so the map stays as small as the active clients.
      if (this.#windows.size > 10_000) this.#windows.clear();
      w = { second, count: 0 };
      this.#windows.set(key, w);
    }
    w.count++;
    return w.count > this.#perSecond ? 1 : 0;
  }
}
