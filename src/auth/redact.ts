// Masks secrets in text the login shows: the values it knows are secret (the client secret,
// an admin's password, the access token) and anything that looks like one (a JWT, a Bearer or
// Basic credential, a long run of key-like characters). A UUID, the shape of client ids and
// tenant ids, is not a secret and stays readable.

export const MASK = '****';

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

function looksLikeKey(run: string): boolean {
  return !UUID.test(run) && run.split(/[-_]/).some((piece) => KEY_PIECE.test(piece));
}

// Secret-looking assignments in form bodies or query strings.
const ASSIGNMENT = /\b(client_secret|password|access_token|id_token|secret|token)=([^&\s]+)/gi;

export function redact(text: string, knownSecrets: Iterable<string | undefined> = []): string {
  let out = text;
  const secrets = [...knownSecrets].filter((s): s is string => typeof s === 'string' && s !== '');
  // Longest first, so a secret containing another is masked whole.
  secrets.sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  out = out.replace(JWT, MASK);
  out = out.replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${MASK}`);
  out = out.replace(ASSIGNMENT, (_m, key: string) => `${key}=${MASK}`);
  out = out.replace(KEY_LIKE, (match) => (looksLikeKey(match) ? MASK : match));
  return out;
}

/** A printer that masks what it prints. */
export class SecretKeeper {
  readonly #secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const value of values) if (value) this.#secrets.add(value);
  }

  redact(text: string): string {
    return redact(text, this.#secrets);
  }
}
