// The whole-call timeout a user may set (`--timeout SECONDS` or TENANT_SHELL_TIMEOUT): the
// deadline of one call, retries and their waits included. The flag wins over the variable.
import { UsageError } from './api/errors.ts';

export const TIMEOUT_ENV = 'TENANT_SHELL_TIMEOUT';
/** An hour: longer than any call of the platform's API should take, even a slow one. */
export const MAX_TIMEOUT_S = 3600;

/** Milliseconds, or undefined for the client's default (60 s); one sentence for a bad value. */
export function callTimeoutMs(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): number | undefined {
  const fromFlag = flag !== undefined;
  const raw = fromFlag ? flag : env[TIMEOUT_ENV];
  if (raw === undefined || (!fromFlag && raw.trim() === '')) return undefined;
  const text = raw.trim();
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TIMEOUT_S)) {
    const name = fromFlag ? '--timeout' : TIMEOUT_ENV;
    const shown = JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
    throw new UsageError(
      `${name} expects a number of seconds from 1 to ${MAX_TIMEOUT_S} (the time one call may take, retries included), not ${shown}.`,
      'For example --timeout 120, or TENANT_SHELL_TIMEOUT=120.',
    );
  }
  return Math.round(seconds * 1000);
}
