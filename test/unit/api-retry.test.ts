import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isDroppedConnection,
  isRepeatableMethod,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  sleep,
} from '../../src/api/retry.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });
  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:05 GMT', now)).toBe(5000);
  });
  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
  });
  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000);
  });
  it('returns undefined for what it cannot read', () => {
    for (const v of [undefined, '', 'soon', '-1', '1.5', '12abc'])
      expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('stays within [0, min(cap, base * 2^retry))', () => {
    for (let retry = 0; retry < 8; retry++) {
      const ceiling = Math.min(1000, 100 * 2 ** retry);
      expect(backoffDelay(retry, { ...policy, random: () => 0 })).toBe(0);
      expect(backoffDelay(retry, { ...policy, random: () => 0.999999 })).toBe(
        Math.floor(0.999999 * ceiling),
      );
      const d = backoffDelay(retry, { ...policy, random: Math.random });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(ceiling);
    }
  });
  it('uses full jitter (the whole range, not just its top)', () => {
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(400);
  });
});

describe('retry policy', () => {
  it('defaults to 4 tries and 30 s of waiting', () => {
    const p = retryPolicy();
    expect(p.tries).toBe(4);
    expect(p.maxWaitMs).toBe(30_000);
  });
  it('refuses nonsense', () => {
    expect(() => retryPolicy({ tries: 0 })).toThrow(RangeError);
  });
  it('knows what is retryable', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 500].some(isRetryableStatus)).toBe(false);
    expect(['GET', 'PUT', 'HEAD'].every(isRepeatableMethod)).toBe(true);
    expect(['POST', 'PATCH', 'DELETE'].some(isRepeatableMethod)).toBe(false);
  });
  it('recognises dropped connections', () => {
    expect(
      isDroppedConnection(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ).toBe(true);
    expect(
      isDroppedConnection(
        Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      ),
    ).toBe(true);
    expect(
      isDroppedConnection(
        new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }),
      ),
    ).toBe(true);
    expect(isDroppedConnection(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      false,
    );
    expect(isDroppedConnection('ECONNRESET')).toBe(false);
  });
});

describe('sleep', () => {
  it('rejects with the reason as soon as the signal aborts', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const p = sleep(10_000, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await expect(p).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
