// What the hardening tests share with the run's global setup (global-setup.ts): a directory
// where everything the program writes during the run is kept (pty transcripts, one-shot
// stdout/stderr, history and profile files, reports, request logs), a registry of every client
// secret and access token the run used, and the figures docs/reliability.md quotes. The
// teardown scans the directory for the registered secrets and fails the run on any hit.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ARTIFACTS_ENV = 'TENANT_SHELL_TEST_ARTIFACTS';
export const SECRETS_ENV = 'TENANT_SHELL_TEST_SECRETS';
export const FIGURES_ENV = 'TENANT_SHELL_TEST_FIGURES';

let fallback: string | undefined;

/** The run's artifacts directory (a private temporary one when run without the global setup). */
export function artifactsRoot(): string {
  const dir = process.env[ARTIFACTS_ENV];
  if (dir) return dir;
  fallback ??= mkdtempSync(join(tmpdir(), 'tenant-shell-artifacts-'));
  return fallback;
}

/** A fresh directory under the artifacts, e.g. the HOME of one shell run. */
export function artifactDir(label: string): string {
  const parent = join(artifactsRoot(), label);
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, 'run-'));
}

/** Keeps what the program printed, for the final scan. */
export function keepOutput(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

/** Every secret and token the run used: the final scan looks for each one. */
export function registerSecrets(...values: Array<string | undefined | null>): void {
  const file = process.env[SECRETS_ENV];
  const lines = values.filter((v): v is string => typeof v === 'string' && v.length >= 6);
  if (!file || lines.length === 0) return;
  appendFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Adds figures under `group` (merged with earlier ones of the same group). */
export function recordFigures(group: string, figures: Record<string, number | string>): void {
  const dir = process.env[FIGURES_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${group}.json`);
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first figures of this group
  }
  writeFileSync(file, JSON.stringify({ ...current, ...figures }, null, 2));
}
