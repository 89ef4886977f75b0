// Reading a reply: the body within a size limit, flat headers, JSON parsed once, and the
// tutorial-style response object that answers every status.
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { decodeBody } from './decode-body.ts';
import { ResponseTooLargeError } from './errors.ts';
import { redactBody } from './redact.ts';
import type { IssuedToken } from './token.ts';

/** What parseText answers for a body that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not json');

export function parseText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** What came back for one call: status, flat headers, the text, and the token it was sent with. */
export interface Exchange {
  status: number;
  headers: Record<string, string>;
  text: string;
  token: IssuedToken | undefined;
}

/** The tutorial's `response`: no throw on 4xx/5xx. `parse()` throws what request() would. */
export class RawResponse<T = unknown> {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly #parse: (parsed: unknown) => T;
  #json: unknown = NOT_JSON;
  #parsed = false;

  constructor(method: string, url: string, exchange: Exchange, parse: (parsed: unknown) => T) {
    this.method = method;
    this.url = url;
    this.status = exchange.status;
    this.headers = exchange.headers;
    this.text = exchange.text;
    this.#parse = parse;
  }

  /** The Python requests spelling, as on the seed page. */
  get status_code(): number {
    return this.status;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The body as JSON (parsed once). Throws SyntaxError on a body that is not JSON. */
  json(): unknown {
    if (!this.#parsed) {
      this.#json = parseText(this.text);
      this.#parsed = true;
    }
    if (this.#json === NOT_JSON)
      throw new SyntaxError(`The body is not JSON: ${this.text.slice(0, 80)}`);
    return this.#json;
  }

  /** Validated body, or the error request() would have thrown (ApiError, SchemaError, ...). */
  parse(): T {
    if (!this.#parsed) {
      this.#json = parseText(this.text);
      this.#parsed = true;
    }
    return this.#parse(this.#json);
  }

  [inspect.custom](): string {
    return `<Response [${this.status}]>`;
  }
}

/**
 * The reply's text, refusing more than `limit` bytes: a declared length over the limit is refused
 * before reading; a body without one (chunked) is counted as it comes. Either way the connection
 * is dropped rather than drained.
 */
export async function readBody(
  res: Dispatcher.ResponseData,
  limit: number,
  method: string,
  path: string,
): Promise<string> {
  const declared = res.headers['content-length'];
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const encoded = encoding !== '' && encoding !== 'identity';
  if (typeof declared === 'string' && !encoded) {
    if (Number(declared) > limit) {
      res.body.destroy();
      throw new ResponseTooLargeError(method, path, res.statusCode, limit);
    }
    // undici stops at the declared length: the body cannot grow past it.
    return res.body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw new ResponseTooLargeError(method, path, res.statusCode, limit);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  return (
    encoded ? decodeBody(bytes, encoding, limit, method, path, res.statusCode) : bytes
  ).toString('utf8');
}

export function contentTypeOf(exchange: Exchange): string | undefined {
  return exchange.headers['content-type'];
}

/** undici's headers, as is when no header repeats (the usual case: no copy), else joined. */
export function flatHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  for (const key in headers) {
    if (typeof headers[key] !== 'string') {
      const out: Record<string, string> = {};
      for (const k in headers) {
        const v = headers[k];
        if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return out;
    }
  }
  return headers as Record<string, string>;
}

export function safeBody(text: string, sensitive: boolean): unknown {
  const parsed = parseText(text);
  if (parsed === NOT_JSON) return text;
  return sensitive ? redactBody(parsed) : parsed;
}
