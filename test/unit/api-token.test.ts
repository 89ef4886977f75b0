import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/api/errors.ts';
import {
  issuedToken,
  renewalLeadSeconds,
  TokenManager,
  untilAborted,
} from '../../src/api/token.ts';

describe('when to renew', () => {
  it('900 s before expiry for the platform’s 2-hour tokens', () => {
    expect(renewalLeadSeconds(7200)).toBe(900);
    expect(renewalLeadSeconds(86_400)).toBe(900);
  });
  it('an eighth of the lifetime for short ones, never every call', () => {
    expect(renewalLeadSeconds(5)).toBe(0.625);
    expect(renewalLeadSeconds(0)).toBe(0);
    const t = issuedToken({ access_token: 'a', expires_on: 1005 }, 1_000_000);
    expect(t.renewAtMs).toBe(1_000_000 + 4375);
  });
  it('uses the later of the local clock and the Date header', () => {
    // Local clock 60 s behind the server: the server's Date is the reference.
    const behind = issuedToken(
      { access_token: 'a', expires_on: 10_000 + 7200 },
      9_940_000,
      10_000_000,
    );
    expect(behind.renewAtMs).toBe(9_940_000 + (7200 - 900) * 1000);
    // Date header truncated to the second: the local clock (later) wins.
    const truncated = issuedToken({ access_token: 'a', expires_on: 102 }, 100_900, 100_000);
    expect(truncated.renewAtMs).toBeCloseTo(100_900 + (1.1 - 1.1 / 8) * 1000, 6);
    // Local clock far ahead: trust the server rather than renew on every call.
    const ahead = issuedToken(
      { access_token: 'a', expires_on: 10_000 + 7200 },
      30_000_000,
      10_000_000,
    );
    expect(ahead.renewAtMs).toBe(30_000_000 + (7200 - 900) * 1000);
  });
});

describe('TokenManager', () => {
  function manager(now: { t: number }, ttlS = 7200) {
    let n = 0;
    const calls: Array<Record<string, string>> = [];
    const m = new TokenManager(
      { kind: 'client', clientId: 'id', clientSecret: 'secret' },
      async (form) => {
        calls.push(form);
        await new Promise<void>((r) => setTimeout(r, 5));
        n++;
        return {
          reply: { access_token: `t${n}`, expires_on: now.t / 1000 + ttlS, token_type: 'bearer' },
          serverDateMs: undefined,
        };
      },
      () => now.t,
    );
    return { m, calls };
  }

  it('shares one renewal among concurrent callers', async () => {
    const now = { t: 1_000_000 };
    const { m, calls } = manager(now);
    const tokens = await Promise.all([m.get(), m.get(), m.get()]);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['t1']));
    expect(calls).toEqual([{ grant_type: 'client_credentials' }]);
    expect(m.renewals).toBe(0);
  });

  it('renews when due, and only then', async () => {
    const now = { t: 1_000_000 };
    const { m, calls } = manager(now);
    await m.get();
    now.t += (7200 - 901) * 1000;
    expect((await m.get()).accessToken).toBe('t1');
    now.t += 2000;
    expect((await m.get()).accessToken).toBe('t2');
    expect(calls).toHaveLength(2);
    expect(m.renewals).toBe(1);
  });

  it('does not renew twice for a stale token another caller already replaced', async () => {
    const now = { t: 1_000_000 };
    const { m, calls } = manager(now);
    const first = await m.get();
    await Promise.all([m.renew(first.accessToken), m.renew(first.accessToken)]);
    expect((await m.renew(first.accessToken)).accessToken).toBe('t2');
    expect(calls).toHaveLength(2);
    expect(m.isOurs('t1') && m.isOurs('t2')).toBe(true);
  });

  it('a password login sends the 2FA code it is given', async () => {
    const forms: Array<Record<string, string>> = [];
    const m = new TokenManager(
      { kind: 'password', username: 'u', password: 'p', totpCode: () => '123456' },
      async (form, basic) => {
        forms.push(form);
        expect(basic).toBeUndefined();
        return {
          reply: { access_token: 'x', expires_on: Date.now() / 1000 + 60, token_type: 'bearer' },
          serverDateMs: undefined,
        };
      },
    );
    await m.get();
    expect(forms).toEqual([
      { grant_type: 'password', username: 'u', password: 'p', totp_code: '123456' },
    ]);
  });

  it('a fixed token is never renewed', async () => {
    const m = new TokenManager({ kind: 'token', accessToken: 'fixed' }, async () => {
      throw new Error('must not fetch');
    });
    expect(m.canRenew).toBe(false);
    expect((await m.get()).accessToken).toBe('fixed');
    expect((await m.renew('fixed')).accessToken).toBe('fixed');
  });
});

describe('untilAborted', () => {
  it('stops waiting on abort, as CancelledError', async () => {
    const ac = new AbortController();
    const p = untilAborted(new Promise(() => {}), ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
  });
});
