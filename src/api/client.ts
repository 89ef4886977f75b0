// The HTTP client of the platform's account-management API, on undici: one pooled keep-alive
// connection per data center, a deadline and a signal on every call, retries for what is safe to
// repeat, the token renewed before it expires (and once on a 401), every reply parsed once and
// validated once, every failure one of the errors in errors.ts, every call one CallRecord.

import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import type { ZodMiniType } from 'zod/mini';
import { monotonicMs } from '../clock.ts';
import { ErrorEnvelope, OAuthError, TokenResponse } from '../schemas/index.ts';
import { CallDeadline, CallSignal, nextTurn, onDeadline, untilAborted } from './call-signal.ts';
import type { CallState } from './call-state.ts';
import {
  ApiError,
  CancelledError,
  NotJsonError,
  SchemaError,
  TenantShellError,
  TimeoutError,
  UsageError,
} from './errors.ts';
import { explain } from './explain.ts';
import { mergeHeaders } from './headers.ts';
import { networkError, plainHttpToTls } from './network-error.ts';
import { authError } from './oauth-error.ts';
import { acquirePool, type PoolLease } from './pool.ts';
import { collectSecrets, maskAuthorization, maskSecret, Redactor, redactBody } from './redact.ts';
import {
  contentTypeOf,
  type Exchange,
  flatHeaders,
  NOT_JSON,
  parseText,
  RawResponse,
  readBody,
  safeBody,
} from './reply.ts';
import type { CallListener, CallRecord } from './request-log.ts';
import {
  backoffDelay,
  isDroppedConnection,
  isRepeatableMethod,
  isRetryableStatus,
  longWait,
  parseRetryAfter,
  type RetryOptions,
  type RetryPolicy,
  retryPolicy,
} from './retry.ts';
import {
  type Credentials,
  defineCredentials,
  describeCredentials,
  type IssuedToken,
  TokenManager,
} from './token.ts';
import { API_PATH, normaliseDataCenterUrl } from './url.ts';
import { describeIssues } from './validate.ts';

export { RawResponse } from './reply.ts';
export type { Credentials } from './token.ts';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `tenant-shell/<version>`: the docs ask integrators to name themselves. */
export const DEFAULT_USER_AGENT = `tenant-shell/${readVersion()}`;

export interface ClientOptions {
  /** The data center URL as users paste it (with or without /api/2). */
  url: string;
  /** Optional: without them only calls with their own Basic auth (getMe, createApiClient) work. */
  credentials?: Credentials;
  userAgent?: string;
  /** Connecting, TLS included (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** The whole call, retries and waits included (default 60 000 ms). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Use this dispatcher instead of the shared pool (tests: MockAgent). Not closed by close(). */
  dispatcher?: Dispatcher;
  /** Milliseconds "now" for the token's freshness (default Date.now); tests freeze it. */
  clock?: () => number;
  /** Largest reply body read, in bytes (default 32 MiB); a bigger one is E_TOO_LARGE. */
  maxResponseBytes?: number;
}

/** No reply of the platform comes near this (a page of 1000 tenants is about 1 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export type Query = Record<string, string | number | boolean | undefined | null>;

export type RequestAuth = 'bearer' | 'none' | { username: string; password: string };

export interface RequestOptions<T = unknown> {
  query?: Query;
  /** A value sent as JSON (`Content-Type: application/json`). */
  json?: unknown;
  /** Form fields (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /** A body sent as is, with only the headers you give (the tutorial's `data=`). */
  body?: string | Uint8Array;
  /** Same as `body`, for text (e.g. the page's `json.dumps(...)`). */
  text?: string;
  headers?: Record<string, string>;
  /** Validates the reply; its output is the returned body. */
  schema?: ZodMiniType<T>;
  signal?: AbortSignal;
  /** Statuses that count as success (default any 2xx). */
  expect?: readonly number[];
  /** Default: the access token. */
  auth?: RequestAuth;
  /** Safe to repeat after a dropped connection or a 50x even though the method is not GET/PUT. */
  idempotent?: boolean;
  /** The reply holds secrets: masked in the record, not echoed by schema errors. */
  sensitive?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: T;
}

export interface ClientStats {
  calls: number;
  retries: number;
  renewals: number;
  /** Connections the pool opened (with a custom dispatcher: 0). */
  connections: number;
}

const EMPTY_OPTIONS: RequestOptions = Object.freeze({});
const TOKEN_PATH = `${API_PATH}/idp/token`;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** `{ Authorization: 'Bearer <token>' }` that spreads with the real value but prints masked. */
export class AuthHeader {
  declare readonly Authorization: string;

  constructor(read: () => string) {
    Object.defineProperty(this, 'Authorization', { get: read, enumerable: true });
  }

  [inspect.custom](): string {
    return `{ Authorization: '${maskAuthorization(this.Authorization)}' }`;
  }

  toJSON(): { Authorization: string } {
    return { Authorization: maskAuthorization(this.Authorization) };
  }

  toString(): string {
    return maskAuthorization(this.Authorization);
  }
}

export class PlatformClient {
  readonly baseUrl: string;
  readonly origin: string;
  readonly host: string;
  /** Knows every secret this client has seen: mask REPL output and logs with it. */
  readonly redactor = new Redactor();
  readonly #credentials: Readonly<Credentials> | undefined;
  readonly #tokens: TokenManager | undefined;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #retry: RetryPolicy;
  readonly #clock: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #lease: PoolLease | undefined;
  readonly #listeners = new Set<CallListener>();
  readonly #baseHeaders: Record<string, string>;
  #headerCache:
    | { token: string; plain: Record<string, string>; json: Record<string, string> }
    | undefined;
  #authHeader: AuthHeader | undefined;
  readonly #notices: string[] = [];
  #nextId = 1;
  #calls = 0;
  #retries = 0;
  #closed = false;

  /** Normalises the URL and gets a first token (for an API client or a password login). */
  static async connect(options: ClientOptions, signal?: AbortSignal): Promise<PlatformClient> {
    const client = new PlatformClient(options);
    try {
      await client.ensureToken(signal);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  constructor(options: ClientOptions) {
    const dc = normaliseDataCenterUrl(options.url);
    this.baseUrl = dc.baseUrl;
    this.origin = dc.origin;
    this.host = dc.host;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#timeoutMs = positive(options.timeoutMs, 60_000, 'timeoutMs');
    this.#connectTimeoutMs = positive(options.connectTimeoutMs, 10_000, 'connectTimeoutMs');
    this.#maxResponseBytes = positive(
      options.maxResponseBytes,
      DEFAULT_MAX_RESPONSE_BYTES,
      'maxResponseBytes',
      'bytes',
    );
    this.#retry = retryPolicy(options.retry);
    this.#clock = options.clock ?? Date.now;
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
    } else {
      this.#lease = acquirePool(dc.origin, dc.loopback, this.#connectTimeoutMs);
      this.#dispatcher = this.#lease.dispatcher;
    }
    this.#baseHeaders = { 'user-agent': this.#userAgent, accept: JSON_TYPE };
    if (options.credentials) {
      const c = defineCredentials(options.credentials);
      this.#credentials = c;
      if (c.kind === 'client') this.redactor.addBasic(c.clientId, c.clientSecret);
      else if (c.kind === 'password') this.redactor.addBasic(c.username, c.password);
      else this.redactor.add(c.accessToken);
      this.#tokens = new TokenManager(
        c,
        (form, basic) => this.#fetchToken(form, basic),
        options.clock,
        (message) => this.#notices.push(message),
      );
    }
  }

  /** The API client's id, when the credentials are an API client's. */
  get clientId(): string | undefined {
    return this.#credentials?.kind === 'client' ? this.#credentials.clientId : undefined;
  }

  get credentialsKind(): Credentials['kind'] | undefined {
    return this.#credentials?.kind;
  }

  /** `{Authorization: 'Bearer …'}`, always the current token; prints masked. */
  get auth(): AuthHeader {
    if (!this.#tokens?.current) {
      throw new UsageError(
        'There is no access token yet: log in first.',
        'Use .login, or connect().',
      );
    }
    this.#authHeader ??= new AuthHeader(() => `Bearer ${this.#tokens?.current?.accessToken ?? ''}`);
    return this.#authHeader;
  }

  /** Unix seconds (0 without a token or when unknown). */
  get tokenExpiresOn(): number {
    return this.#tokens?.current?.expiresOn ?? 0;
  }

  get stats(): ClientStats {
    return {
      calls: this.#calls,
      retries: this.#retries,
      renewals: this.#tokens?.renewals ?? 0,
      connections: this.#lease?.connections() ?? 0,
    };
  }

  /** Makes sure a token is at hand (renewing it when due). */
  async ensureToken(signal?: AbortSignal): Promise<void> {
    if (this.#tokens) await this.#tokens.get(signal);
  }

  /** What the user should be told about this client (each once), emptied by reading it. */
  takeNotices(): string[] {
    return this.#notices.splice(0);
  }

  /** Subscribes to call records; returns the unsubscribe function. */
  onCall(listener: CallListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A call whose reply is validated; throws on any status outside `expect` (default 2xx). */
  request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions<T> = EMPTY_OPTIONS as RequestOptions<T>,
  ): Promise<ApiResponse<T>> {
    return this.#call(method, path, options, false) as Promise<ApiResponse<T>>;
  }

  /** The tutorial's literal style: answers every status; `parse()` validates on demand. */
  raw<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions<T> = EMPTY_OPTIONS as RequestOptions<T>,
  ): Promise<RawResponse<T>> {
    return this.#call(method, path, options, true) as Promise<RawResponse<T>>;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease?.release();
  }

  /** `GET /api/2/...` from what callers give: a relative path, `/api/2/...` or a full URL of this data center. */
  target(path: string, query?: Query): string {
    let p: string;
    if (
      path.startsWith(API_PATH) &&
      (path.length === API_PATH.length ||
        path[API_PATH.length] === '/' ||
        path[API_PATH.length] === '?')
    ) {
      p = path;
    } else if (path.startsWith('/')) {
      p = API_PATH + path;
    } else if (/^https?:\/\//i.test(path)) {
      if (!path.startsWith(`${this.origin}/`)) {
        throw new UsageError(
          `Refusing to send the token to ${safeOrigin(path)}: this client talks to ${this.origin} only.`,
          'Use a path relative to base_url, e.g. /tenants/{id}.',
        );
      }
      p = path.slice(this.origin.length);
      if (!p.startsWith(`${API_PATH}/`)) p = API_PATH + p;
    } else {
      p = `${API_PATH}/${path}`;
    }
    if (query) {
      let sep = p.includes('?') ? '&' : '?';
      for (const key in query) {
        const value = query[key];
        if (value === undefined || value === null) continue;
        p += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
        sep = '&';
      }
    }
    return p;
  }

  async #fetchToken(
    form: Record<string, string>,
    basic: { user: string; password: string } | undefined,
  ): Promise<{ reply: TokenResponse; serverDateMs: number | undefined }> {
    const res = await this.request('POST', TOKEN_PATH, {
      form,
      auth: basic ? { username: basic.user, password: basic.password } : 'none',
      schema: TokenResponse,
      idempotent: true,
      sensitive: true,
    });
    this.redactor.add(res.body.access_token, res.body.id_token);
    const date = res.headers.date;
    const serverDateMs = typeof date === 'string' ? Date.parse(date) : undefined;
    return { reply: res.body, serverDateMs: Number.isNaN(serverDateMs) ? undefined : serverDateMs };
  }

  #bearerHeaders(token: IssuedToken, contentType: string | undefined): Record<string, string> {
    let cache = this.#headerCache;
    if (cache === undefined || cache.token !== token.accessToken) {
      const authorization = `Bearer ${token.accessToken}`;
      const plain = { ...this.#baseHeaders, authorization };
      cache = { token: token.accessToken, plain, json: { ...plain, 'content-type': JSON_TYPE } };
      this.#headerCache = cache;
    }
    if (contentType === undefined) return cache.plain;
    if (contentType === JSON_TYPE) return cache.json;
    return { ...cache.plain, 'content-type': contentType };
  }

  async #call<T>(
    methodIn: string,
    pathIn: string,
    opts: RequestOptions<T>,
    raw: boolean,
  ): Promise<ApiResponse<T> | RawResponse<T>> {
    const method = methodIn.toUpperCase();
    const path = this.target(pathIn, opts.query);
    const started = monotonicMs();
    const state: CallState = {
      method,
      path,
      tries: 0,
      retries: 0,
      auth: 'bearer',
      requestBody: undefined,
      contentType: undefined,
      responseBody: undefined,
      startedAt: Date.now(),
      emitted: false,
    };
    this.#calls++;
    const signal = new CallSignal();
    const timer = setTimeout(onDeadline, this.#timeoutMs, signal);
    const userSignal = opts.signal;
    let onAbort: (() => void) | undefined;
    let status: number | undefined;
    try {
      if (this.#closed) throw new UsageError('This client is closed; log in again.');
      if (userSignal) {
        if (userSignal.aborted) throw new CancelledError();
        onAbort = () => signal.abort(new CancelledError());
        userSignal.addEventListener('abort', onAbort, { once: true });
      }
      const exchange = await this.#exchange(path, opts, state, signal);
      status = exchange.status;
      if (raw) {
        const response = new RawResponse<T>(method, this.origin + path, exchange, (parsed) =>
          this.#interpret(exchange, parsed, opts, state),
        );
        if (this.#listeners.size > 0) {
          state.responseBody = safeBody(
            response.text,
            opts.sensitive === true || path === TOKEN_PATH,
          );
        }
        return response;
      }
      const parsed = parseText(exchange.text);
      if (this.#listeners.size > 0) {
        state.responseBody =
          parsed === NOT_JSON ? exchange.text : opts.sensitive ? redactBody(parsed) : parsed;
      }
      const body = this.#interpret(exchange, parsed, opts, state);
      return { status: exchange.status, headers: exchange.headers, body };
    } catch (error) {
      let failure = this.#toError(error, signal, state);
      if (status === undefined) failure = await plainHttpToTls(failure, this.origin);
      if (this.#listeners.size > 0) this.#emit(state, started, status, failure);
      throw failure;
    } finally {
      clearTimeout(timer);
      if (onAbort) userSignal?.removeEventListener('abort', onAbort);
      this.#retries += state.retries;
      // Failures were emitted with their error above; this emits the successes.
      if (!state.emitted && this.#listeners.size > 0) this.#emit(state, started, status, undefined);
    }
  }

  /**
   * One exchange: the body encoded, the authorization chosen, then sent with retries. Only a
   * token that must be fetched first is awaited: the usual call takes no extra turn.
   */
  #exchange<T>(
    path: string,
    opts: RequestOptions<T>,
    state: CallState,
    signal: CallSignal,
  ): Promise<Exchange> {
    const { body, contentType } = encodeBody(opts, state);
    const send = (authorized: Authorized) =>
      this.#send(path, opts, state, signal, body, contentType, authorized);
    const ours = this.#needsToken(opts);
    const fresh = ours ? this.#tokens?.fresh(this.#clock()) : undefined;
    if (ours && fresh === undefined && this.#tokens) {
      return this.#tokens
        .get(signal)
        .then((token) => send(this.#authorize(opts, contentType, state, ours, token)));
    }
    return send(this.#authorize(opts, contentType, state, ours, fresh));
  }

  /** Whether the call goes out with our token (ours by default, or the caller passed ours). */
  #needsToken<T>(opts: RequestOptions<T>): boolean {
    const userAuthorization = authorizationOf(opts.headers);
    if (userAuthorization === undefined) return (opts.auth ?? 'bearer') === 'bearer';
    const given = /^Bearer\s+(.+)$/i.exec(userAuthorization)?.[1];
    return given !== undefined && this.#tokens?.isOurs(given) === true;
  }

  /** Authorization: ours (`token`, renewed as needed), the caller's own, Basic, or none. */
  #authorize<T>(
    opts: RequestOptions<T>,
    contentType: string | undefined,
    state: CallState,
    ours: boolean,
    current: IssuedToken | undefined,
  ): Authorized {
    const auth = opts.auth ?? 'bearer';
    let token: IssuedToken | undefined;
    let headers: Record<string, string>;
    const userAuthorization = authorizationOf(opts.headers);
    if (userAuthorization !== undefined) {
      state.auth = userAuthorization.toLowerCase().startsWith('basic') ? 'basic' : 'bearer';
    }
    const managed = ours;
    if (managed) {
      if (!this.#tokens || current === undefined) {
        throw new UsageError(
          'This client has no credentials: log in first.',
          'Use .login, or connect() with credentials.',
        );
      }
      token = current;
      headers = this.#bearerHeaders(token, contentType);
      state.auth = 'bearer';
    } else if (auth === 'none' || userAuthorization !== undefined) {
      headers = contentType
        ? { ...this.#baseHeaders, 'content-type': contentType }
        : this.#baseHeaders;
      if (auth === 'none' && userAuthorization === undefined) state.auth = 'none';
    } else {
      const basic = auth as { username: string; password: string };
      this.redactor.addBasic(basic.username, basic.password);
      headers = {
        ...this.#baseHeaders,
        authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`,
      };
      if (contentType) headers['content-type'] = contentType;
      state.auth =
        this.#credentials?.kind === 'client' && basic.username === this.#credentials.clientId
          ? 'client'
          : 'basic';
    }
    if (opts.headers) headers = mergeHeaders(headers, opts.headers, managed);

    return { headers, managed, token };
  }

  /** Sends, repeating what is safe to repeat (dropped connections, 429/503, one 401 renewal). */
  async #send<T>(
    path: string,
    opts: RequestOptions<T>,
    state: CallState,
    signal: CallSignal,
    body: string | Uint8Array | undefined,
    contentType: string | undefined,
    authorized: Authorized,
  ): Promise<Exchange> {
    const method = state.method;
    let { headers, token } = authorized;
    const { managed } = authorized;
    const policy = this.#retry;
    const repeatable = opts.idempotent ?? isRepeatableMethod(method);
    let waited = 0;
    let renewed = false;
    for (;;) {
      state.tries++;
      let statusCode: number;
      let responseHeaders: Record<string, string>;
      let text: string;
      try {
        const res = await untilAborted(
          this.#dispatcher.request({
            origin: this.origin,
            path,
            method: method as Dispatcher.HttpMethod,
            headers,
            body,
            // undici takes an EventEmitter-shaped signal too; see CallSignal.
            signal: signal as unknown as AbortSignal,
          }),
          signal,
        );
        statusCode = res.statusCode;
        responseHeaders = flatHeaders(res.headers);
        text = await readBody(res, this.#maxResponseBytes, method, path);
        // undici frees a keep-alive socket one event-loop turn after the response ends
        // (setImmediate(client[kResume]) in lib/dispatcher/client-h1.js, onMessageComplete), so
        // a call made right after this one would open a second connection. Waiting that turn
        // (about 3 µs) keeps sequential calls on one connection.
        await nextTurn();
      } catch (error) {
        if (signal.aborted) throw error;
        if (repeatable && state.tries < policy.tries && isDroppedConnection(error)) {
          const wait = backoffDelay(state.retries, policy);
          if (waited + wait <= policy.maxWaitMs) {
            waited += wait;
            state.retries++;
            await policy.sleep(wait, signal);
            continue;
          }
        }
        throw error;
      }

      if (
        isRetryableStatus(statusCode) &&
        (repeatable || statusCode === 429) &&
        state.tries < policy.tries
      ) {
        const wait =
          parseRetryAfter(responseHeaders['retry-after']) ?? backoffDelay(state.retries, policy);
        if (waited + wait <= policy.maxWaitMs) {
          waited += wait;
          state.retries++;
          await policy.sleep(wait, signal);
          continue;
        }
      }
      if (statusCode === 401 && managed && !renewed && token && this.#tokens?.canRenew) {
        // The token may have been revoked or expired early: renew once and repeat once.
        renewed = true;
        token = await this.#tokens.renew(token.accessToken, signal);
        headers = this.#bearerHeaders(token, contentType);
        if (opts.headers) headers = mergeHeaders(headers, opts.headers, true);
        continue;
      }
      return { status: statusCode, headers: responseHeaders, text, token };
    }
  }

  #interpret<T>(exchange: Exchange, parsed: unknown, opts: RequestOptions<T>, state: CallState): T {
    const { status } = exchange;
    const ok = opts.expect ? opts.expect.includes(status) : status >= 200 && status < 300;
    const tokenEndpoint = state.path === TOKEN_PATH;
    if (!ok) throw this.#errorFor(exchange, parsed, state, tokenEndpoint);
    if (parsed === NOT_JSON) {
      throw new NotJsonError(
        state.method,
        state.path,
        status,
        contentTypeOf(exchange),
        exchange.text,
      );
    }
    const schema = opts.schema;
    if (!schema) return parsed as T;
    const result = schema.safeParse(parsed);
    if (result.success) return result.data;
    // Failure path only: parse again with the inputs kept, to say what was there instead.
    const detailed = schema.safeParse(parsed, { reportInput: true });
    const issues =
      parsed === undefined
        ? [{ path: '', problem: 'the reply is empty, expected a JSON body' }]
        : describeIssues(
            (detailed.error ?? result.error).issues,
            !(opts.sensitive || tokenEndpoint),
          );
    throw new SchemaError(state.method, state.path, status, issues);
  }

  #errorFor(
    exchange: Exchange,
    parsed: unknown,
    state: CallState,
    tokenEndpoint: boolean,
  ): TenantShellError {
    const { status } = exchange;
    if (parsed === NOT_JSON) {
      return new NotJsonError(
        state.method,
        state.path,
        status,
        contentTypeOf(exchange),
        exchange.text,
      );
    }
    if (tokenEndpoint) {
      const oauth = OAuthError.safeParse(parsed);
      if (oauth.success)
        return authError(status, oauth.data.error, oauth.data.error_description, this.host);
    }
    const envelope = ErrorEnvelope.safeParse(parsed);
    const e = envelope.success ? envelope.data.error : undefined;
    const platformCode = e?.code;
    const tokenAgeMs = exchange.token ? this.#clock() - exchange.token.issuedAtMs : undefined;
    return new ApiError({
      method: state.method,
      path: state.path,
      status,
      platformCode,
      platformMessage: e?.message,
      domain: e?.domain ?? undefined,
      context: e?.context ?? undefined,
      details: e?.details ?? undefined,
      explanation: explain({
        status,
        method: state.method,
        path: state.path,
        platformCode,
        platformMessage: e?.message,
        tokenAgeMs,
        basicAuth: state.auth === 'basic' || state.auth === 'client',
        location: exchange.headers.location,
        retryAfterMs: longWait(parseRetryAfter(exchange.headers['retry-after']), this.#retry),
      }),
      retries: state.retries,
    });
  }

  #toError(error: unknown, signal: CallSignal, state: CallState): TenantShellError {
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof CancelledError) return reason;
      if (reason instanceof CallDeadline) {
        const proxy = this.#lease?.proxy;
        const where = proxy
          ? `${this.host} (through the proxy ${proxy.host}, ${proxy.variable})`
          : this.host;
        return new TimeoutError('call', this.#timeoutMs, where);
      }
    }
    if (error instanceof TenantShellError) return error;
    return networkError(
      error,
      this.host,
      this.#connectTimeoutMs,
      this.#timeoutMs,
      state.method,
      this.#lease?.proxy,
    );
  }

  #kept(body: unknown): unknown {
    if (typeof body === 'string') {
      // A body sent as JSON text (the page's `json.dumps`) holds secret-named fields too.
      collectSecrets(parsedJson(body), (secret) => this.redactor.add(secret));
      return this.redactor.redact(body);
    }
    collectSecrets(body, (secret) => this.redactor.add(secret));
    return redactBody(body);
  }

  #emit(
    state: CallState,
    started: number,
    status: number | undefined,
    error: TenantShellError | undefined,
  ): void {
    if (state.emitted) return;
    state.emitted = true;
    const record: CallRecord = {
      id: this.#nextId++,
      method: state.method,
      path: state.path,
      url: this.origin + state.path,
      durationMs: Math.round((monotonicMs() - started) * 100) / 100,
      tries: state.tries,
      retries: state.retries,
      auth: state.auth,
      startedAt: new Date(state.startedAt).toISOString(),
    };
    if (status !== undefined) record.status = status;
    if (state.contentType !== undefined) record.contentType = state.contentType;
    // A secret in a body (a new client's secret, a password sent) is learnt, then masked in the
    // record and, by value, everywhere the session prints or keeps it afterwards.
    if (state.requestBody !== undefined) record.requestBody = this.#kept(state.requestBody);
    if (state.responseBody !== undefined) record.responseBody = this.#kept(state.responseBody);
    if (error) record.error = { code: error.code, message: this.redactor.redact(error.message) };
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A failing subscriber must not break the call it observes.
      }
    }
  }

  [inspect.custom](): string {
    const c = this.#credentials;
    const t = this.#tokens?.current;
    const shown = {
      baseUrl: this.baseUrl,
      credentials: c ? describeCredentials(c) : undefined,
      token: t ? maskSecret(t.accessToken) : undefined,
      tokenExpiresOn: t?.expiresOn,
      stats: this.stats,
    };
    return `PlatformClient ${inspect(shown)}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      credentials: this.#credentials?.kind,
      tokenExpiresOn: this.tokenExpiresOn,
    };
  }
}

/**
 * The request body and its Content-Type from the options (JSON, form or as given), with what
 * the call record keeps of it (form fields redacted).
 */
function encodeBody(
  opts: RequestOptions<unknown>,
  state: CallState,
): { body: string | Uint8Array | undefined; contentType: string | undefined } {
  let body: string | Uint8Array | undefined;
  let contentType: string | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    contentType = JSON_TYPE;
    state.requestBody = opts.json;
  } else if (opts.form !== undefined) {
    body = new URLSearchParams(opts.form).toString();
    contentType = FORM;
    state.requestBody = redactBody(opts.form);
  } else if (opts.body !== undefined || opts.text !== undefined) {
    body = opts.body ?? opts.text;
    state.requestBody = typeof body === 'string' ? body : `<${body?.byteLength} bytes>`;
  }
  state.contentType = contentType;

  return { body, contentType };
}

/** The caller's own Authorization header, whatever its spelling. */
function authorizationOf(headers: Record<string, string> | undefined): string | undefined {
  let found: string | undefined;
  if (headers) {
    for (const key in headers) {
      if (key.toLowerCase() === 'authorization') found = headers[key];
    }
  }
  return found;
}

/** The headers a call goes out with, whether the token is ours to renew, and which one. */
interface Authorized {
  headers: Record<string, string>;
  managed: boolean;
  token: IssuedToken | undefined;
}

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
  unit = 'milliseconds',
): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`${name} must be a positive number of ${unit}.`);
  return value;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'another host';
  }
}

/** A JSON text's value, or undefined when the text is not JSON. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
