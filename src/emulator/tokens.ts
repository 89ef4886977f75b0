// Access tokens shaped like the platform's (JWT: header.payload.signature), HMAC-SHA256
// signed with the world's key so they survive a restart with the same state file.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** client_id for client_credentials, user id for the password grant. */
  sub: string;
  sub_type: 'client' | 'user';
  /** The tenant the token acts in: its client's or user's, or the jwt-bearer scope. */
  tenant_id: string;
  scope?: string;
  iat: number;
  exp: number;
  jti: string;
  iss: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

// Verified signatures are remembered (bounded) so a busy client does not pay an HMAC per call.
const CACHE_LIMIT = 1024;

export class TokenSigner {
  readonly #key: Buffer;
  readonly #verified = new Map<string, TokenClaims>();

  constructor(keyHex: string) {
    this.#key = Buffer.from(keyHex, 'hex');
  }

  #sign(input: string): Buffer {
    return createHmac('sha256', this.#key).update(input).digest();
  }

  issue(
    claims: Omit<TokenClaims, 'iat' | 'exp' | 'jti' | 'iss'>,
    ttlSeconds: number,
    nowMs = Date.now(),
  ): { token: string; claims: TokenClaims } {
    const iat = Math.floor(nowMs / 1000);
    const full: TokenClaims = {
      ...claims,
      iat,
      // Rounded up, so a token lives at least the whole TTL (a 1 s TTL is not 0.05 s).
      exp: Math.ceil(nowMs / 1000 + ttlSeconds),
      jti: randomUUID(),
      iss: 'tenant-shell-emulator',
    };
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'emulator' }));
    const body = b64url(JSON.stringify(full));
    const sig = this.#sign(`${head}.${body}`).toString('base64url');
    return { token: `${head}.${body}.${sig}`, claims: full };
  }

  /** The claims of a well-signed token, or a reason it is refused. Expiry is checked here. */
  verify(
    token: string,
    nowMs = Date.now(),
  ): { ok: true; claims: TokenClaims } | { ok: false; reason: string } {
    const cached = this.#verified.get(token);
    if (cached) return expiryCheck(cached, nowMs);
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'Access token is malformed.' };
    const [head, body, sig] = parts as [string, string, string];
    const expected = this.#sign(`${head}.${body}`);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'Access token is invalid.' };
    }
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'Access token is malformed.' };
    }
    if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(token, claims);
    return expiryCheck(claims, nowMs);
  }
}

function expiryCheck(
  claims: TokenClaims,
  nowMs: number,
): { ok: true; claims: TokenClaims } | { ok: false; reason: string } {
  if (typeof claims.exp !== 'number' || Math.floor(nowMs / 1000) >= claims.exp) {
    return { ok: false, reason: 'Access token has expired.' };
  }
  return { ok: true, claims };
}
