// One record per call, with credentials masked: the shell prints them with --verbose, a
// notebook stores them, `.curl` turns one into a command to paste.

/** How the call authenticated; decides what `toCurl` puts in place of the credentials. */
export type CallAuth = 'bearer' | 'client' | 'basic' | 'none';

export interface CallRecord {
  /** 1, 2, 3... per client. */
  id: number;
  method: string;
  /** Without the host, query kept: `/api/2/tenants?parent_id=...`. */
  path: string;
  url: string;
  status?: number;
  durationMs: number;
  /** HTTP attempts made (1 without retries; a renewal after a 401 adds one). */
  tries: number;
  /** Waits-and-repeats after 429/50x or a dropped connection. */
  retries: number;
  auth: CallAuth;
  /** `application/json` or `application/x-www-form-urlencoded`, when a body was sent. */
  contentType?: string;
  /** JSON value, form fields (secrets masked) or text, as sent. */
  requestBody?: unknown;
  /** The parsed reply (secrets masked on the token endpoint), or its text when not JSON. */
  responseBody?: unknown;
  error?: { code: string; message: string };
  /** ISO time the call started. */
  startedAt: string;
}

export type CallListener = (record: CallRecord) => void;

/** `> PUT /api/2/tenants/…/mfa/status`. */
export function formatRequestLine(record: CallRecord): string {
  return `> ${record.method} ${record.path}`;
}

/** `< 200 (34 ms)`, `< 200 (812 ms, 2 retries)`, `< E_NETWORK Connection refused… (3 ms)`. */
export function formatResponseLine(record: CallRecord): string {
  const ms = `${Math.round(record.durationMs)} ms`;
  const retries =
    record.retries === 1 ? ', 1 retry' : record.retries > 1 ? `, ${record.retries} retries` : '';
  if (record.status === undefined) {
    return `< ${record.error?.code ?? 'E_UNKNOWN'} ${record.error?.message ?? ''} (${ms}${retries})`;
  }
  // An API error is its status; anything else that failed after an answer (a schema mismatch,
  // not JSON) is named next to it.
  const failed = record.error && record.error.code !== 'E_API' ? ` ${record.error.code}` : '';
  return `< ${record.status}${failed} (${ms}${retries})`;
}

export function formatCallLines(record: CallRecord): [string, string] {
  return [formatRequestLine(record), formatResponseLine(record)];
}

export interface CurlOptions {
  /** Shell variable holding the access token (default `$TENANT_SHELL_TOKEN`). */
  tokenVar?: string;
  clientIdVar?: string;
  clientSecretVar?: string;
  /** For Basic logins and password grants. */
  usernameVar?: string;
  passwordVar?: string;
}

/** Single-quoted for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A copyable curl command; credentials are shell variables, never values. */
export function toCurl(record: CallRecord, options: CurlOptions = {}): string {
  const tokenVar = options.tokenVar ?? '$TENANT_SHELL_TOKEN';
  const idVar = options.clientIdVar ?? '$TENANT_SHELL_CLIENT_ID';
  const secretVar = options.clientSecretVar ?? '$TENANT_SHELL_CLIENT_SECRET';
  const userVar = options.usernameVar ?? '$TENANT_SHELL_LOGIN';
  const passVar = options.passwordVar ?? '$TENANT_SHELL_PASSWORD';

  const parts = ['curl'];
  if (record.method !== 'GET' || record.requestBody !== undefined) parts.push('-X', record.method);
  parts.push(shellQuote(record.url));
  if (record.auth === 'bearer') parts.push('-H', `"Authorization: Bearer ${tokenVar}"`);
  else if (record.auth === 'client') parts.push('-u', `"${idVar}:${secretVar}"`);
  else if (record.auth === 'basic') parts.push('-u', `"${userVar}:${passVar}"`);

  const body = record.requestBody;
  if (body !== undefined) {
    if (record.contentType === 'application/x-www-form-urlencoded' && isRecord(body)) {
      for (const [k, v] of Object.entries(body)) {
        if (k === 'password') parts.push('--data-urlencode', `"password=${passVar}"`);
        else if (k === 'username') parts.push('--data-urlencode', `"username=${userVar}"`);
        else if (k === 'totp_code')
          parts.push('--data-urlencode', '"totp_code=$TENANT_SHELL_TOTP"');
        else parts.push('--data-urlencode', shellQuote(`${k}=${String(v)}`));
      }
    } else {
      if (record.contentType) parts.push('-H', shellQuote(`Content-Type: ${record.contentType}`));
      parts.push('--data', shellQuote(typeof body === 'string' ? body : JSON.stringify(body)));
    }
  }
  return parts.join(' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
