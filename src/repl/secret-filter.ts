/**
 * Lines that must not reach the history file: anything holding a live secret or token, and
 * anything that looks like it is handing one over (a pasted Bearer token, a `client_secret:`).
 */
const SENSITIVE = [
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}/i,
  /\b(?:client_secret|clientSecret|password|passwd|totp_code|access_token|secret)\b\s*[:=]/i,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT
];

export function isSensitiveLine(line: string, liveSecrets: Iterable<string>): boolean {
  for (const secret of liveSecrets) {
    if (secret.length >= 6 && line.includes(secret)) return true;
  }
  return SENSITIVE.some((pattern) => pattern.test(line));
}
