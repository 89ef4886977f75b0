// Masking of credentials, in the spirit of stripe-cli's pkg/stripe/verbosetransport.go: the
// Authorization header keeps its scheme and a short, harmless prefix; everything else goes.
// Two nets over free text: `Redactor` (the shell's, by the live secrets it knows) and
// `redact`/`SecretKeeper` (the login's, which also masks whatever merely looks like a secret).

import { inspect } from 'node:util';

export const ELLIPSIS = '…';
export const MASK = '****';

const JWT_HEADER = /^eyJ[A-Za-z0-9_-]+$/;

/**
 * A secret shortened to a prefix that identifies it without giving it away: a JWT keeps its
 * first 16 characters (they encode the public header, `{"typ":"JWT"`), a long opaque token 12,
 * a medium one 4, a short one (a password) nothing.
 */
export function maskSecret(secret: string | undefined | null): string {
  if (!secret) return MASK;
  if (/^(Bearer|Basic) /i.test(secret)) return maskAuthorization(secret);
  const dot = secret.indexOf('.');
  let keep: number;
  if (dot > 16 && JWT_HEADER.test(secret.slice(0, dot))) keep = 16;
  // Anything else (a client secret, a password) shows at most 4 characters, enough to tell two apart.
  else if (secret.length >= 20) keep = 4;
  else keep = 0;
  return keep === 0 ? MASK : secret.slice(0, keep) + ELLIPSIS;
}

/** `Bearer eyJ0eXAiOiJKV1Qi…`, `Basic ****`. */
export function maskAuthorization(value: string): string {
  const space = value.indexOf(' ');
  if (space < 0) return MASK;
  const scheme = value.slice(0, space);
  if (scheme.toLowerCase() === 'bearer')
    return `${scheme} ${maskSecret(value.slice(space + 1).trim())}`;
  return `${scheme} ${MASK}`;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/** A copy of the headers with credentials masked (the input is left alone). */
export function redactHeaders<T extends Record<string, unknown>>(headers: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!SECRET_HEADERS.has(lower) || value === undefined) out[name] = value;
    else if (lower.endsWith('authorization') && typeof value === 'string') {
      out[name] = maskAuthorization(value);
    } else out[name] = MASK;
  }
  return out as T;
}

/** JSON keys whose values are secrets wherever they appear in a recorded body. */
export const SECRET_KEYS = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'registration_access_token',
  'client_secret',
  'secret',
  'password',
  'new_password',
  'old_password',
  'totp_code',
  'assertion',
  'ott',
  'code_verifier',
  'device_code',
]);

/**
 * Hands every secret-named value in a body (request or reply, however deep) to `learn`: a
 * client secret the platform answers with, a password the user sends. The session's redactor
 * then masks those values by value wherever they turn up later (a printed cell, an export),
 * while the live value stays usable in the session.
 */
export function collectSecrets(value: unknown, learn: (secret: string) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, learn);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(k) && typeof v === 'string' && v !== '') learn(v);
    else collectSecrets(v, learn);
  }
}

/** A copy of a JSON value with secret-named keys masked (deep). */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEYS.has(k) && typeof v === 'string' && v !== ''
        ? k.endsWith('token')
          ? maskSecret(v)
          : MASK
        : redactBody(v);
  }
  return out;
}

/**
 * `Basic authentication`, `Basic auth`: prose, not a credential. A Basic credential is base64
 * of `user:password`: padded to a multiple of 4 and holding a colon once decoded.
 */
function wordAfterBasic(match: string): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(match);
  if (!m?.[1]) return false;
  const token = m[1];
  return token.length % 4 !== 0 || !Buffer.from(token, 'base64').toString('latin1').includes(':');
}

// Not followed by more token characters or an ellipsis (already masked).
const AUTH_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*(?![A-Za-z0-9._~+/=…-])/g;
const ESCAPE = /[.*+?^${}()|[\]\\]/g;
/** Shorter values are not replaced in free text: masking "abc" everywhere would garble it. */
const MIN_SECRET_LENGTH = 6;
/** Tokens renew every few minutes and a session may create many clients: the newest are kept. */
const MAX_REMEMBERED = 256;

/**
 * Knows the live secrets (client secret, passwords, current and past tokens) and replaces any
 * occurrence in a string: the safety net for REPL output, logs and transcripts.
 */
export class Redactor {
  readonly #secrets = new Map<string, string>();
  /** The login's own credentials: never let go of, however many others come after. */
  readonly #pinned = new Set<string>();
  #pattern: RegExp | null = null;

  /** Remembers secrets; a token also in its URL-encoded and Basic forms is covered by callers. */
  add(...secrets: Array<string | undefined | null>): this {
    for (const secret of secrets) {
      if (!secret || secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) continue;
      this.#secrets.set(secret, maskSecret(secret));
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) this.#secrets.set(encoded, MASK);
      // Keep the newest: old tokens are still worth masking, but not forever.
      for (const key of this.#secrets.keys()) {
        if (this.#secrets.size <= MAX_REMEMBERED) break;
        if (!this.#pinned.has(key)) this.#secrets.delete(key);
      }
      this.#pattern = null;
    }
    return this;
  }

  /** Also masks `Basic <base64(user:secret)>` for this pair. */
  addBasic(user: string, secret: string): this {
    this.add(secret);
    const basic = Buffer.from(`${user}:${secret}`).toString('base64');
    this.#secrets.set(basic, MASK);
    for (const key of [secret, encodeURIComponent(secret), basic]) this.#pinned.add(key);
    this.#pattern = null;
    return this;
  }

  /** The secrets themselves (e.g. to keep a history line that contains one out of the file). */
  secrets(): string[] {
    return [...this.#secrets.keys()];
  }

  get size(): number {
    return this.#secrets.size;
  }

  redact(text: string): string {
    let out = text;
    if (this.#secrets.size > 0) {
      if (this.#pattern === null) {
        // Longest first, so a secret containing another is masked whole.
        const keys = [...this.#secrets.keys()].sort((a, b) => b.length - a.length);
        this.#pattern = new RegExp(keys.map((k) => k.replace(ESCAPE, '\\$&')).join('|'), 'g');
      }
      out = out.replace(this.#pattern, (m) => this.#secrets.get(m) ?? MASK);
    }
    return out.replace(AUTH_IN_TEXT, (m) => (wordAfterBasic(m) ? m : maskAuthorization(m)));
  }

  [inspect.custom](): string {
    return `Redactor { ${this.#secrets.size} secrets }`;
  }

  toJSON(): { secrets: number } {
    return { secrets: this.#secrets.size };
  }
}

// The login's net: it prints messages about what the user typed (a URL, a client id) before
// any client exists, so besides the secrets it was told about it masks anything that looks like
// one (a JWT, a Bearer or Basic credential, a long run of key-like characters). A UUID, the
// shape of client ids and tenant ids, is not a secret and stays readable.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// 24+ key-like characters, with at least one digit and one letter. Slashes and '=' end a run,
// so a request path with a UUID in it (`/tenants/<uuid>`) stays readable.
const KEY_LIKE =
  /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])/g;
// ...of which one dash- or underscore-free piece of 16+ mixes letters and digits: a hex or
// base64 key does, a hyphenated name (`tenant-shell-login-Xk3aBc`) or a UUID does not.
const KEY_PIECE = /^(?=.*\d)(?=.*[A-Za-z]).{16,}$/;
// Secret-looking assignments in form bodies or query strings.
const ASSIGNMENT = /\b(client_secret|password|access_token|id_token|secret|token)=([^&\s]+)/gi;

function looksLikeKey(run: string): boolean {
  return !UUID.test(run) && run.split(/[-_]/).some((piece) => KEY_PIECE.test(piece));
}

/** Masks, whole, whatever in `text` looks like a credential, known or not. */
export function maskLookalikes(text: string): string {
  return text
    .replace(JWT, MASK)
    .replace(AUTH_HEADER, (m, scheme: string) => (wordAfterBasic(m) ? m : `${scheme} ${MASK}`))
    .replace(ASSIGNMENT, (_m, key: string) => `${key}=${MASK}`)
    .replace(KEY_LIKE, (match) => (looksLikeKey(match) ? MASK : match));
}

/** `text` with the given secrets (any length, longest first) and every lookalike masked whole. */
export function redact(text: string, knownSecrets: Iterable<string | undefined> = []): string {
  let out = text;
  const secrets = [...knownSecrets].filter((s): s is string => typeof s === 'string' && s !== '');
  // Longest first, so a secret containing another is masked whole.
  secrets.sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return maskLookalikes(out);
}

/**
 * The login's memory of what it must never print. Unlike `Redactor` it masks secrets of any
 * length (an administrator's short password included) and keeps no prefix of any.
 */
export class SecretKeeper {
  readonly #secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const value of values) if (value) this.#secrets.add(value);
  }

  redact(text: string): string {
    return redact(text, this.#secrets);
  }
}
