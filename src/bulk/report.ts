// The report file of a tree-wide change: JSON, replaced atomically (write a temporary file,
// then rename), rewritten at most twice a second while the run goes on, so a killed process
// leaves the last complete state behind. `resume` reads it back. It holds ids, names, states and
// reasons: never a token or a secret.

import { renameSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../api/errors.ts';
import { onTerminate } from '../lifecycle.ts';
import { acquireLock, describeHolder, type HeldLock, LockHeldError } from '../lock-file.ts';
import { makeFolders } from '../make-folders.ts';
import * as z from '../schemas/zod.ts';
import type { PlanEntry } from './plan.ts';

export const REPORT_FORMAT = 'tenant-shell/mfa-report';

const Entry = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  state: z.enum([
    'pending',
    'changed',
    'unchanged',
    'inherits',
    'not_allowed',
    'not_found',
    'failed',
  ]),
  reason: z.optional(z.string()),
  users: z.optional(z.int().check(z.nonnegative())),
});

export const ReportData = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(1),
  base_url: z.string(),
  enabled: z.boolean(),
  scope: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  status: z.enum(['running', 'interrupted', 'finished']),
  tenants: z.array(Entry),
});
export type ReportData = z.infer<typeof ReportData>;

/** Where reports go without `{report: FILE}`: $TENANT_SHELL_REPORT_DIR, else the state dir. */
export function defaultReportDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TENANT_SHELL_REPORT_DIR) return env.TENANT_SHELL_REPORT_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'tenant-shell', 'reports');
}

export function defaultReportPath(enabled: boolean, at = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(defaultReportDir(), `mfa-${enabled ? 'enable' : 'disable'}-${stamp}.json`);
}

/** Where the report's path came from: it decides the way out when it cannot be written. */
export type ReportOrigin = 'default' | 'report' | 'resume';

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  ENOENT: 'the folder is gone',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EEXIST: 'a file is in the way of the folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'the report path is a folder',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path loops through symbolic links',
  EMFILE: 'too many files are open',
  EIO: 'an input/output error',
};

/** Why a file operation failed, in words (errno text is not for users). */
export function fileProblem(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return (
    (typeof code === 'string' && WHY[code]) || `${typeof code === 'string' ? code : 'an error'}`
  );
}

/**
 * One sentence for a report that cannot be written: the folder, why, and the way out. The
 * first write happens before the first change, so nothing has been sent yet.
 */
export function reportFolderError(
  helper: string,
  error: unknown,
  path: string,
  origin: ReportOrigin,
): UsageError {
  const way =
    origin === 'default'
      ? 'set TENANT_SHELL_REPORT_DIR to a folder you can write to, or pass {report: FILE}'
      : origin === 'report'
        ? 'pass {report: FILE} with a file in a folder you can write to'
        : 'make room or fix the permissions there, then resume again';
  return new UsageError(
    `${helper} cannot write its report in '${dirname(path)}' (${fileProblem(error)}), so nothing was sent: ${way}.`,
    '',
    { cause: error },
  );
}

/** Checks before anything is sent that a report can be written there. */
export async function checkReportPath(helper: string, path: unknown): Promise<string> {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new UsageError(`${helper} expects report to be a file path.`);
  }
  const full = resolve(path.trim());
  const dir = dirname(full);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(`${helper}: the folder of the report, '${dir}', does not exist.`);
  }
  return full;
}

/**
 * One run at a time per report: REPORT.lock names the process writing it, so a second shell
 * resuming the same report does not send (and count) the same changes again.
 */
export function lockReport(helper: string, path: string): HeldLock {
  const full = resolve(path);
  try {
    return acquireLock(`${full}.lock`, helper);
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    throw new UsageError(
      `${helper}: the report '${full}' is in use by ${describeHolder(error.holder)}: wait for that run to finish (or stop it), then resume it again.`,
    );
  }
}

/** Reads a report to resume from: one sentence for a missing or damaged file. */
export async function loadReport(helper: string, path: unknown): Promise<ReportData> {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new UsageError(`${helper} expects resume to be the path of a report file.`);
  }
  const full = resolve(path.trim());
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new UsageError(`${helper}: there is no report at '${full}' to resume from.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${helper}: '${full}' is not JSON, so not a report to resume from.`);
  }
  const parsed = ReportData.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`${helper}: '${full}' is not a 2FA report of tenant-shell (or damaged).`);
  }
  return parsed.data;
}

/** A report being written: the entries are shared with the run, which updates them in place. */
export class ReportWriter {
  readonly path: string;
  readonly #head: Omit<ReportData, 'tenants' | 'updated_at' | 'status'>;
  readonly #entries: PlanEntry[];
  readonly #intervalMs: number;
  #status: ReportData['status'] = 'running';
  #writing: Promise<void> | undefined;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastWrite = 0;
  #error: unknown;
  readonly #unregister: () => void;
  readonly #lock: HeldLock;

  private constructor(
    path: string,
    head: Omit<ReportData, 'tenants' | 'updated_at' | 'status'>,
    entries: PlanEntry[],
    intervalMs: number,
    lock: HeldLock,
  ) {
    this.path = path;
    this.#lock = lock;
    this.#head = head;
    this.#entries = entries;
    this.#intervalMs = intervalMs;
    // Killed with SIGTERM/SIGHUP mid-run: leave the report complete and marked interrupted.
    this.#unregister = onTerminate(() => this.#writeNowSync('interrupted'));
  }

  /**
   * Writes the first version, so a failure to write stops the run before its first call; that
   * failure is one sentence (reportFolderError), not errno text.
   */
  static async create(
    path: string,
    head: Omit<ReportData, 'tenants' | 'updated_at' | 'status' | 'format' | 'version'>,
    entries: PlanEntry[],
    options: {
      intervalMs?: number;
      origin?: ReportOrigin;
      helper?: string;
      /** The report's lock, when the caller took it already (a resume takes it first). */
      lock?: HeldLock;
    } = {},
  ): Promise<ReportWriter> {
    const helper = options.helper ?? 'setMfa';
    const refuse = (error: unknown) =>
      reportFolderError(helper, error, path, options.origin ?? 'report');
    try {
      makeFolders(dirname(path));
    } catch (error) {
      throw refuse(error);
    }
    let lock: HeldLock;
    try {
      lock = options.lock ?? lockReport(helper, path);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw refuse(error);
    }
    const writer = new ReportWriter(
      path,
      { format: REPORT_FORMAT, version: 1, ...head },
      entries,
      options.intervalMs ?? 500,
      lock,
    );
    try {
      await writer.flush();
    } catch (error) {
      writer.release();
      throw refuse(error);
    }
    return writer;
  }

  /** Stops watching for SIGTERM and lets go of the lock (after the last flush). */
  release(): void {
    this.#unregister();
    this.#lock.release();
  }

  /** Something changed: written within `intervalMs`, never more often. */
  changed(): void {
    this.#dirty = true;
    if (this.#timer || this.#writing) return;
    const wait = Math.max(0, this.#lastWrite + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write().catch(() => undefined);
    }, wait);
  }

  /** Writes now (after any write under way) and reports a write failure, if one happened. */
  async flush(status?: ReportData['status']): Promise<void> {
    if (status) this.#status = status;
    const last = status !== undefined && status !== 'running';
    if (last) this.#unregister();
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    try {
      while (this.#writing) await this.#writing.catch(() => undefined);
      this.#dirty = true;
      await this.#write();
      if (this.#error) throw this.#error;
    } finally {
      // The run is over: the report is free for a resume.
      if (last) this.#lock.release();
    }
  }

  #text(): string {
    const data: ReportData = {
      ...this.#head,
      updated_at: new Date().toISOString(),
      status: this.#status,
      tenants: this.#entries,
    };
    return `${JSON.stringify(data, null, 1)}\n`;
  }

  /** The last word before the process ends: synchronous, still whole-or-nothing. */
  #writeNowSync(status: ReportData['status']): void {
    this.#status = status;
    const tmp = `${this.path}.${process.pid}.exit.tmp`;
    writeFileSync(tmp, this.#text(), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const run = atomicWrite(this.path, this.#text());
    this.#writing = run;
    try {
      await run;
      this.#error = undefined;
    } catch (error) {
      this.#error = error;
      throw error;
    } finally {
      this.#writing = undefined;
      this.#lastWrite = Date.now();
      if (this.#dirty) this.changed();
    }
  }
}

let counter = 0;

/** Replace `path` whole or not at all: a reader (or a resume after kill -9) never sees half. */
async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  const fd = await open(tmp, 'w', 0o600);
  try {
    await fd.writeFile(text);
    await fd.sync();
  } catch (error) {
    await fd.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await fd.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
