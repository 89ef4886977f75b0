// The access token's life: where it comes from (an API client, a user's password, or a fixed
// bearer token), when to renew it, and one renewal shared by every caller that needs it.

import { inspect } from 'node:util';
import type { TokenResponse } from '../schemas/index.ts';
import { CancelledError } from './errors.ts';
import { MASK, maskSecret } from './redact.ts';
import type { CancelSignal } from './retry.ts';

export type TotpSource = string | (() => string | Promise<string>);

export type Credentials =
  | { kind: 'client'; clientId: string; clientSecret: string }
  | { kind: 'password'; username: string; password: string; totpCode?: TotpSource }
  | { kind: 'token'; accessToken: string; expiresOn?: number };

const kind = Symbol('credentials');

/**
 * The same credentials in an object that prints masked (util.inspect, JSON.stringify, String),
 * so a REPL variable or a log line holding it never shows the secret. The fields stay readable.
 */
export function defineCredentials<C extends Credentials>(credentials: C): Readonly<C> {
  if ((credentials as { [kind]?: true })[kind]) return credentials;
  const safe = { ...credentials };
  const shown = describeCredentials(credentials);
  Object.defineProperties(safe, {
    [kind]: { value: true },
    [inspect.custom]: { value: () => `Credentials ${inspect(shown)}` },
    toJSON: { value: () => shown },
    toString: { value: () => `[Credentials ${credentials.kind}]` },
  });
  return Object.freeze(safe);
}

/** What may be shown of credentials: the kind and the non-secret name. */
export function describeCredentials(c: Credentials): Record<string, string | number> {
  switch (c.kind) {
    case 'client':
      return { kind: c.kind, clientId: c.clientId, clientSecret: MASK };
    case 'password':
      return { kind: c.kind, username: c.username, password: MASK };
    case 'token':
      return {
        kind: c.kind,
        accessToken: maskSecret(c.accessToken),
        ...(c.expiresOn === undefined ? {} : { expiresOn: c.expiresOn }),
      };
  }
}

export interface IssuedToken {
  readonly accessToken: string;
  /** Unix seconds, as the platform gave it (0 when unknown). */
  readonly expiresOn: number;
  /** Local clock: when it was received. */
  readonly issuedAtMs: number;
  /** Local clock: when to renew it. */
  readonly renewAtMs: number;
}

/** Seconds before expiry to renew: 900 for the platform's 2-hour tokens (as the official
 * examples do), an eighth of the lifetime for shorter ones (an emulator with --token-ttl 5). */
export function renewalLeadSeconds(lifetimeS: number): number {
  return Math.min(900, Math.max(0, lifetimeS) * 0.125);
}

/**
 * The lifetime assumed for a token whose expires_on is no time at all (0, negative, or a day
 * and more in the past, e.g. a lifetime sent where a time belongs): short, so a token that does
 * expire soon is renewed in time, and long enough not to renew before every call (a 401 renews
 * it early anyway).
 */
export const UNKNOWN_LIFETIME_S = 300;
const A_DAY_S = 86_400;

/** expires_on that cannot be a time this token expires at, by either clock. */
export function meaninglessExpiry(
  expiresOn: number,
  nowMs: number,
  serverDateMs?: number,
): boolean {
  const latest = Math.max(nowMs, serverDateMs ?? nowMs) / 1000;
  return !(expiresOn > 0) || expiresOn < latest - A_DAY_S;
}

/** Builds a token record from the token endpoint's answer. `serverDateMs` (the Date header)
 * corrects a local clock that is behind; a Date header has whole seconds only, so the later of
 * the two clocks is the reference (renewing a little early rather than late). */
export function issuedToken(
  reply: Pick<TokenResponse, 'access_token' | 'expires_on'>,
  nowMs: number,
  serverDateMs?: number,
): IssuedToken {
  const server =
    serverDateMs !== undefined && Number.isFinite(serverDateMs) ? serverDateMs : undefined;
  let lifetimeS = reply.expires_on - Math.max(nowMs, server ?? nowMs) / 1000;
  // A local clock far ahead would make every token look expired: trust the server's then.
  if (lifetimeS <= 0 && server !== undefined) lifetimeS = reply.expires_on - server / 1000;
  lifetimeS = meaninglessExpiry(reply.expires_on, nowMs, server)
    ? UNKNOWN_LIFETIME_S
    : Math.max(0, lifetimeS);
  return {
    accessToken: reply.access_token,
    expiresOn: reply.expires_on,
    issuedAtMs: nowMs,
    renewAtMs: nowMs + (lifetimeS - renewalLeadSeconds(lifetimeS)) * 1000,
  };
}

/** Fetches a token: the form to post and, for an API client, the Basic credentials. */
export type TokenFetcher = (
  form: Record<string, string>,
  basic: { user: string; password: string } | undefined,
) => Promise<{ reply: TokenResponse; serverDateMs: number | undefined }>;

export class TokenManager {
  readonly #credentials: Credentials;
  readonly #fetch: TokenFetcher;
  readonly #now: () => number;
  #token: IssuedToken | undefined;
  #inflight: Promise<IssuedToken> | undefined;
  /** Every token this manager has held, so a caller's stale copy can be recognised. */
  readonly #known = new Set<string>();
  readonly #notice: (message: string) => void;
  #toldLifetime = false;
  renewals = 0;

  constructor(
    credentials: Credentials,
    fetch: TokenFetcher,
    now: () => number = Date.now,
    /** Something the user should know, said once (e.g. a token without a usable lifetime). */
    notice: (message: string) => void = () => {},
  ) {
    this.#credentials = credentials;
    this.#fetch = fetch;
    this.#now = now;
    this.#notice = notice;
    if (credentials.kind === 'token') {
      const issuedAtMs = now();
      this.#token = {
        accessToken: credentials.accessToken,
        expiresOn: credentials.expiresOn ?? 0,
        issuedAtMs,
        renewAtMs: Number.POSITIVE_INFINITY,
      };
      this.#known.add(credentials.accessToken);
    }
  }

  get canRenew(): boolean {
    return this.#credentials.kind !== 'token';
  }

  /** The token when it is present and not due for renewal: the hot path, synchronous. */
  fresh(nowMs: number): IssuedToken | undefined {
    const t = this.#token;
    return t !== undefined && nowMs < t.renewAtMs ? t : undefined;
  }

  get current(): IssuedToken | undefined {
    return this.#token;
  }

  isOurs(accessToken: string): boolean {
    return this.#known.has(accessToken);
  }

  /** A usable token: the current one, or a renewal (shared with concurrent callers). */
  get(signal?: CancelSignal): Promise<IssuedToken> {
    const t = this.fresh(this.#now());
    if (t) return Promise.resolve(t);
    if (!this.canRenew && this.#token) return Promise.resolve(this.#token);
    return this.renew(undefined, signal);
  }

  /**
   * Renews now, unless `stale` is given and another caller has already replaced it (then the
   * newer token is the answer). One fetch serves every caller waiting meanwhile; a caller's
   * signal only stops that caller waiting.
   */
  renew(stale?: string, signal?: CancelSignal): Promise<IssuedToken> {
    if (stale !== undefined && this.#token && this.#token.accessToken !== stale) {
      return Promise.resolve(this.#token);
    }
    if (!this.canRenew) {
      // Nothing to renew a fixed token with: hand it back; the call's 401 tells the user.
      return this.#token ? Promise.resolve(this.#token) : Promise.reject(new Error('no token'));
    }
    if (!this.#inflight) {
      const p = this.#renewOnce().finally(() => {
        if (this.#inflight === p) this.#inflight = undefined;
      });
      // Nobody may be waiting when it fails (every caller cancelled): not an unhandled rejection.
      p.catch(() => {});
      this.#inflight = p;
    }
    return untilAborted(this.#inflight, signal);
  }

  async #renewOnce(): Promise<IssuedToken> {
    const c = this.#credentials;
    let form: Record<string, string>;
    let basic: { user: string; password: string } | undefined;
    if (c.kind === 'client') {
      form = { grant_type: 'client_credentials' };
      basic = { user: c.clientId, password: c.clientSecret };
    } else if (c.kind === 'password') {
      form = { grant_type: 'password', username: c.username, password: c.password };
      const totp = typeof c.totpCode === 'function' ? await c.totpCode() : c.totpCode;
      if (totp) form.totp_code = totp;
    } else {
      throw new Error('a fixed token cannot be renewed');
    }
    const { reply, serverDateMs } = await this.#fetch(form, basic);
    const renewed = this.#token !== undefined;
    const now = this.#now();
    const token = issuedToken(reply, now, serverDateMs);
    if (!this.#toldLifetime && meaninglessExpiry(reply.expires_on, now, serverDateMs)) {
      this.#toldLifetime = true;
      this.#notice(
        `The token endpoint gave expires_on = ${reply.expires_on}, which is no expiry time: tokens are taken as good for ${UNKNOWN_LIFETIME_S / 60} minutes and renewed then (or at once on a 401).`,
      );
    }
    this.#token = token;
    this.#known.add(token.accessToken);
    if (renewed) this.renewals++;
    return token;
  }

  [inspect.custom](): string {
    const t = this.#token;
    return `TokenManager { kind: '${this.#credentials.kind}', token: ${t ? `'${maskSecret(t.accessToken)}'` : 'none'}, expiresOn: ${t?.expiresOn ?? 0} }`;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.#credentials.kind, expiresOn: this.#token?.expiresOn ?? 0 };
  }
}

/** The promise, or a CancelledError as soon as the signal aborts (the work itself goes on). */
export function untilAborted<T>(promise: Promise<T>, signal: CancelSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelled(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function cancelled(signal: CancelSignal): Error {
  return signal.reason instanceof CancelledError ? signal.reason : new CancelledError();
}
