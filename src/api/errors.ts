// One error model for everything the client can fail with. Modelled on undici's
// lib/core/errors.js: a base class with a stable `code`, the cause kept, and a subclass only
// where a caller branches on it. Messages are one line and never carry a secret; `hint` says
// what to do next.

import type { Explanation } from './explain.ts';

export type ErrorCode =
  | 'E_API'
  | 'E_AUTH'
  | 'E_NETWORK'
  | 'E_TIMEOUT'
  | 'E_SCHEMA'
  | 'E_NOT_JSON'
  | 'E_TOO_LARGE'
  | 'E_USAGE'
  | 'E_CANCELLED';

export interface ErrorOptions {
  cause?: unknown;
}

export class TenantShellError extends Error {
  readonly code: ErrorCode;
  /** What to do next, one sentence (may be empty). */
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint = '', options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    // Non-enumerable, like Error's own `name`, so util.inspect shows `ApiError: ...` only once.
    Object.defineProperty(this, 'name', {
      value: new.target.name,
      configurable: true,
      writable: true,
    });
    this.code = code;
    this.hint = hint;
  }

  /** What a notebook or `--json` output records: no stack, no cause. */
  toJSON(): { name: string; code: ErrorCode; message: string; hint: string } {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint };
  }
}

/** Bad arguments to a helper or an option; also a URL the client refuses (http to a remote host). */
export class UsageError extends TenantShellError {
  constructor(message: string, hint = '', options?: ErrorOptions) {
    super('E_USAGE', message, hint, options);
  }
}

/** The caller aborted (Ctrl+C): not a failure of the platform. */
export class CancelledError extends TenantShellError {
  constructor(message = 'Cancelled.', hint = '', options?: ErrorOptions) {
    super('E_CANCELLED', message, hint, options);
  }
}

export interface ApiErrorInit {
  method: string;
  /** Path without the host, query kept. */
  path: string;
  status: number;
  platformCode?: string | undefined;
  platformMessage?: string | undefined;
  domain?: string | undefined;
  context?: Record<string, unknown> | undefined;
  details?: Record<string, unknown> | undefined;
  explanation: Explanation;
  /** Retries made before giving up (429/50x). */
  retries?: number;
}

/** The platform answered with an error status. */
export class ApiError extends TenantShellError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly platformCode: string | undefined;
  readonly platformMessage: string | undefined;
  readonly domain: string | undefined;
  readonly context: Record<string, unknown> | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** What it means, the likely cause and what to do next, in plain words. */
  readonly explanation: Explanation;
  readonly retries: number;

  constructor(init: ApiErrorInit, options?: ErrorOptions) {
    const code =
      init.platformCode && init.platformCode !== String(init.status)
        ? ` (code ${init.platformCode})`
        : '';
    const said = init.platformMessage ? `: ${shorten(oneLine(init.platformMessage), 300)}` : '';
    super(
      'E_API',
      `${init.method} ${init.path} answered ${init.status} ${init.explanation.title}${code}${said}`,
      init.explanation.next,
      options,
    );
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.platformCode = init.platformCode;
    this.platformMessage = init.platformMessage;
    this.domain = init.domain;
    this.context = init.context;
    this.details = init.details;
    this.explanation = init.explanation;
    this.retries = init.retries ?? 0;
  }
}

/** The token endpoint refused to issue a token (OAuth error shape). */
export class AuthError extends TenantShellError {
  readonly status: number;
  /** The OAuth `error` value, e.g. `invalid_client`. */
  readonly oauthError: string;
  readonly description: string | undefined;

  constructor(
    status: number,
    oauthError: string,
    description: string | undefined,
    message: string,
    hint: string,
    options?: ErrorOptions,
  ) {
    super('E_AUTH', message, hint, options);
    this.status = status;
    this.oauthError = oauthError;
    this.description = description;
  }
}

/** DNS failure, refused, reset, TLS trouble: the request did not get an HTTP answer. */
export class NetworkError extends TenantShellError {
  readonly host: string;
  /** The system or undici code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly networkCode: string | undefined;

  constructor(
    host: string,
    networkCode: string | undefined,
    message: string,
    hint: string,
    options?: ErrorOptions,
  ) {
    super('E_NETWORK', message, hint, options);
    this.host = host;
    this.networkCode = networkCode;
  }
}

export type TimeoutPhase = 'connect' | 'call';

export class TimeoutError extends TenantShellError {
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;
  readonly host: string;

  constructor(phase: TimeoutPhase, timeoutMs: number, host: string, options?: ErrorOptions) {
    const message =
      phase === 'connect'
        ? `Could not connect to ${host} within ${timeoutMs} ms.`
        : `The call to ${host} did not finish within ${timeoutMs} ms.`;
    const hint =
      phase === 'connect'
        ? 'Check the data center URL and your network or proxy (HTTPS_PROXY); a firewall may drop the connection.'
        : 'The platform is slow or the network stalls; try again, or allow more time with --timeout SECONDS (or TENANT_SHELL_TIMEOUT).';
    super('E_TIMEOUT', message, hint, options);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
    this.host = host;
  }
}

export interface SchemaIssue {
  /** `items[3].mfa_status`; empty for the whole body. */
  path: string;
  /** `expected one of enabled|disabled|disable_in_progress (got "on")`. */
  problem: string;
}

/** A reply that does not fit the contract: names the field and what was expected. */
export class SchemaError extends TenantShellError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly issues: readonly SchemaIssue[];

  constructor(method: string, path: string, status: number, issues: SchemaIssue[]) {
    const first = issues[0];
    const what = first
      ? first.path
        ? `${first.path}: ${first.problem}`
        : first.problem
      : 'unknown';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      'E_SCHEMA',
      `${method} ${path} answered ${status} with a reply that does not fit the API contract: ${what}${more}`,
      'The platform may have changed, or the URL leads to something else; report it with the request log (--verbose).',
    );
    this.method = method;
    this.path = path;
    this.status = status;
    this.issues = issues;
  }
}

/** The answer is not JSON: typically a proxy's or a load balancer's HTML page. */
export class NotJsonError extends TenantShellError {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The first ~200 characters of the body, on one line. */
  readonly bodyStart: string;

  constructor(
    method: string,
    path: string,
    status: number,
    contentType: string | undefined,
    body: string,
  ) {
    const bodyStart = describeBody(body);
    super(
      'E_NOT_JSON',
      `${method} ${path} answered ${status} with ${contentType ?? 'no content type'}, not JSON: this does not look like the platform's API. Body starts: ${bodyStart || '(empty)'}`,
      'Check the data center URL (it should be the address you log in to, e.g. https://eu2-cloud.acronis.com) and any proxy between you and it.',
    );
    this.status = status;
    this.contentType = contentType;
    this.bodyStart = bodyStart;
  }
}

/**
 * The start of a body that is not JSON, fit to print: text on one line, or what the bytes are
 * (compressed data, binary) rather than the bytes themselves.
 */
export function describeBody(body: string): string {
  const size = Buffer.byteLength(body);
  // 1f 8b, the gzip magic, read as UTF-8: a control character and a replacement character.
  if (body.startsWith('\x1f\ufffd')) return `(${size} bytes of gzip-compressed data, not text)`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: counting control characters
  const strange = body.slice(0, 400).match(/[\x00-\x08\x0e-\x1f\x7f\ufffd]/g)?.length ?? 0;
  if (strange > 0 && strange * 10 >= Math.min(body.length, 400)) {
    return `(${size} bytes of binary data, not text)`;
  }
  return oneLine(body).slice(0, 200);
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, an ellipsis marking a cut (the whole text stays on the error). */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A reply bigger than the client accepts (a runaway page, a download, not the platform's API). */
export class ResponseTooLargeError extends TenantShellError {
  readonly status: number;
  readonly limitBytes: number;

  constructor(method: string, path: string, status: number, limitBytes: number) {
    super(
      'E_TOO_LARGE',
      `${method} ${path} answered ${status} with more than ${Math.round(limitBytes / 1024 / 1024)} MiB: far larger than any reply of the platform's API, so it was not read.`,
      'Check the data center URL and any proxy between you and it; for a long list, ask for fewer items per page (limit).',
    );
    this.status = status;
    this.limitBytes = limitBytes;
  }
}
