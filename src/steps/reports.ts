// "Creating a billing report": POST /reports, wait for its stored files, and download one to a
// file. A file the user has is never replaced without asking ({yes: true} answers it), and a
// file is written whole or not at all (a temporary file beside it, then linked or renamed).
import { link, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import * as calls from '../api/calls/index.ts';
import { UsageError } from '../api/errors.ts';
import { randomHex } from '../random-hex.ts';
import type { Report, StoredReport } from '../schemas/index.ts';
import { ReportFormat, ReportKind, ReportLevel } from '../schemas/index.ts';
import { describe, expectBoolean, expectOptions, isUuid } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import type { StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count } from './wording.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const POLL_MS = 1000;
const WAIT_MS = 5 * 60_000;

function validDay(text: string): boolean {
  return DAY.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** 'YYYY-MM' (that month) or {start, end} as 'YYYY-MM-DD'; never starting in the future. */
export function expectPeriod(value: unknown): { start: string; end: string } {
  let start: string | undefined;
  let end: string | undefined;
  const month = typeof value === 'string' ? MONTH.exec(value.trim()) : null;
  if (month?.[1] && month[2]) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    if (m >= 1 && m <= 12) {
      start = `${month[1]}-${month[2]}-01`;
      end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    }
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const p = value as { start?: unknown; end?: unknown };
    if (typeof p.start === 'string' && typeof p.end === 'string') {
      start = p.start;
      end = p.end;
    }
  }
  if (!start || !end || !validDay(start) || !validDay(end) || start > end) {
    throw new UsageError(
      `createReport expects the period as a month 'YYYY-MM' or {start: 'YYYY-MM-DD', end: 'YYYY-MM-DD'} (start before end), not ${describe(value)}.`,
    );
  }
  if (start > new Date().toISOString().slice(0, 10)) {
    throw new UsageError(
      `createReport: the period starts on ${start}, in the future; a report covers the past.`,
    );
  }
  return { start, end };
}

function lastMonth(): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

function pick<T extends string>(
  helper: string,
  what: string,
  schema: { options: readonly T[]; safeParse(v: unknown): { success: boolean } },
  value: unknown,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (schema.safeParse(value).success) return value as T;
  throw new UsageError(
    `${helper} expects ${what} to be one of ${schema.options.join(', ')}, not ${describe(value)}.`,
  );
}

export type CreatedReport = Report & { stored: StoredReport[] };

/**
 * Steps 1 to 3 of the page, its body as the defaults (a one-time usage summary of your direct
 * partners, saved as CSV and JSON). Waits for the files unless {wait: false}. Sets `report_id`,
 * `report_params` and `stored`.
 */
export async function createReport(
  session: StepSession,
  period?: unknown,
  options?: unknown,
): Promise<CreatedReport> {
  const opts = expectOptions('createReport', options, [
    'tenant',
    'level',
    'kind',
    'formats',
    'hide_zero_usage',
    'show_skus',
    'wait',
  ] as const);
  const level = pick('createReport', 'level', ReportLevel, opts.level, 'direct_partners');
  const kind = pick('createReport', 'kind', ReportKind, opts.kind, 'usage_summary');
  const formats = opts.formats ?? ['csv_v2_0', 'json_v2_0'];
  if (
    !Array.isArray(formats) ||
    formats.length === 0 ||
    !formats.every((f) => ReportFormat.safeParse(f).success)
  ) {
    throw new UsageError(
      `createReport expects formats as a list of ${ReportFormat.options.join(', ')}, not ${describe(formats)}.`,
    );
  }
  const flag = (name: 'hide_zero_usage' | 'show_skus' | 'wait') =>
    opts[name] === undefined ? true : expectBoolean('createReport', name, opts[name]);
  const [hideZero, showSkus, wait] = [flag('hide_zero_usage'), flag('show_skus'), flag('wait')];
  let given = period;
  if (given === undefined && session.ask) {
    given = await session.ask.input('Month of the report (YYYY-MM):', {
      default: lastMonth(),
      validate: (v) => {
        try {
          expectPeriod(v);
          return true;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
  }
  if (given === undefined) {
    throw new UsageError(`createReport expects the period, e.g. createReport('${lastMonth()}').`);
  }
  const range = expectPeriod(given);
  const tenantId = await resolveTenantId(session, 'createReport', opts.tenant);
  const body = {
    parameters: {
      kind,
      tenant_id: tenantId,
      level,
      period: range,
      formats: formats as ReportFormat[],
      hide_zero_usage: hideZero,
      show_skus: showSkus,
    },
    schedule: { type: 'once' as const },
    result_action: 'save' as const,
  };
  session.setVariable('report_params', body);
  const report = await session.busy('Creating the report', () =>
    calls.createReport(session.client, body, session.signal()),
  );
  session.setVariable('report_id', report.id);
  let stored: StoredReport[] = [];
  if (wait) {
    stored = await session.busy('Waiting for the report (a minute or two on the platform)', () =>
      calls.waitForStoredReports(session.client, report.id, {
        intervalMs: POLL_MS,
        timeoutMs: WAIT_MS,
        signal: session.signal(),
      }),
    );
    session.setVariable('stored', stored);
    const saved = stored.filter((s) => s.status === 'saved').map((s) => s.report_format);
    session.note(
      `report_id = '${report.id}': ${count(saved.length, 'file')} saved (${saved.join(', ') || 'none'}); downloadReport(report_id) writes one to a file.`,
    );
  } else {
    session.note(
      `report_id = '${report.id}': being made; downloadReport(report_id) once it is saved.`,
    );
  }
  return { ...report, stored };
}

const EXTENSION: Record<string, string> = {
  csv: 'csv',
  csv_v2_0: 'csv',
  html: 'html',
  json_v1: 'json',
  json_v2_0: 'json',
};
const PREFERRED = ['csv_v2_0', 'csv', 'html', 'json_v2_0', 'json_v1'];

function checkFile(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > 4096 ||
    value.includes('\0') ||
    /[/\\]$/.test(value)
  ) {
    throw new UsageError(
      `downloadReport expects file to be the path of a file to write, not ${describe(value)}.`,
    );
  }
  return value;
}

export interface DownloadedReport {
  file: string;
  format: string;
  bytes: number;
  content_type: string;
}

/**
 * Steps 4 and 5: one stored file of the report (CSV first, or {format}) written to {file}, or
 * to `report-<date>-<id>.<ext>` in the current folder.
 */
export async function downloadReport(
  session: StepSession,
  report?: unknown,
  options?: unknown,
): Promise<DownloadedReport> {
  const opts = expectOptions('downloadReport', options, ['format', 'file', 'yes'] as const);
  checkYes('downloadReport', opts.yes);
  const yes = opts.yes === undefined ? session.assumeYes : opts.yes === true;
  const format =
    opts.format === undefined
      ? undefined
      : pick('downloadReport', 'format', ReportFormat, opts.format, 'csv_v2_0');
  const fileArg = checkFile(opts.file);
  // A path given is checked before anything is sent.
  const early = fileArg ? await checkTarget(fileArg) : '';
  const reportId =
    typeof report === 'object' && report !== null && 'id' in report && isUuid(report.id)
      ? report.id.toLowerCase()
      : isUuid(report)
        ? report.toLowerCase()
        : undefined;
  if (!reportId) {
    throw new UsageError(
      `downloadReport expects a report id or the report createReport answered, e.g. downloadReport(report_id), not ${describe(report)}.`,
    );
  }
  const [info, stored] = await session.busy('Reading the report', () =>
    Promise.all([
      calls.getReport(session.client, reportId, session.signal()),
      calls.listStoredReports(session.client, reportId, session.signal()),
    ]),
  );
  let choice = format
    ? stored.find((s) => s.report_format === format)
    : PREFERRED.map((f) => stored.find((s) => s.report_format === f && s.status === 'saved')).find(
        Boolean,
      );
  const saved = stored.filter((s) => s.status === 'saved');
  if (!format && saved.length > 1 && session.ask) {
    const id = await session.ask.select(
      'Which file?',
      saved.map((s) => ({ name: `${s.report_format} (${s.size ?? '?'} bytes)`, value: s.id })),
      choice?.id,
    );
    choice = saved.find((s) => s.id === id);
  }
  if (!choice) {
    const have = stored.map((s) => `${s.report_format} (${s.status})`).join(', ') || 'none';
    throw new UsageError(
      `downloadReport: the report has no ${format ?? 'saved'} file; it has: ${have}.`,
    );
  }
  if (choice.status !== 'saved') {
    throw new UsageError(
      `downloadReport: the ${choice.report_format} file is ${choice.status === 'failed' ? 'failed' : 'still being made'}; ${choice.status === 'failed' ? 'create the report again' : 'try again in a minute'}.`,
    );
  }
  const day = info.generation_date ?? new Date().toISOString().slice(0, 10);
  const name =
    fileArg ??
    `report-${day.replace(/[^0-9-]/g, '')}-${reportId.slice(0, 8)}.${EXTENSION[choice.report_format] ?? 'txt'}`;
  const file = fileArg ? early : await checkTarget(name);
  const existing = await stat(file).catch(() => undefined);
  let replace = false;
  if (existing) {
    if (!yes && !session.ask) {
      throw new UsageError(
        `downloadReport: '${file}' exists (${existing.size} bytes) and was kept; pass {yes: true} to replace it, or name another with {file: ...}.`,
      );
    }
    replace = await confirmChange(session, {
      helper: 'downloadReport',
      yes: opts.yes,
      consequence: `'${file}' exists (${existing.size} bytes, changed ${existing.mtime.toISOString()}).`,
      question: `Replace '${basename(file)}'?`,
    });
    if (!replace) throw new UsageError(`downloadReport: '${file}' was kept; nothing was written.`);
  }
  const body = await session.busy(`Downloading the ${choice.report_format} file`, () =>
    calls.downloadStoredReport(
      session.client,
      reportId,
      (choice as StoredReport).id,
      session.signal(),
    ),
  );
  await writeWhole(file, body.text, replace);
  const bytes = Buffer.byteLength(body.text);
  session.note(`Saved ${bytes} bytes of ${choice.report_format} to '${file}'.`);
  return { file, format: choice.report_format, bytes, content_type: body.contentType };
}

/** The full path of a file to write: its folder exists, and it is not a folder itself. */
async function checkTarget(name: string): Promise<string> {
  const file = resolve(name);
  const folder = await stat(dirname(file)).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new UsageError(`downloadReport: the folder '${dirname(file)}' does not exist.`);
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UsageError(`downloadReport: '${file}' is a folder; name a file with {file: ...}.`);
  }
  return file;
}

/** Beside the target first, then in place: the target is never left half-written. */
async function writeWhole(file: string, text: string, replace: boolean): Promise<void> {
  const temp = `${file}.${randomHex(6)}.part`;
  await writeFile(temp, text, { flag: 'wx', mode: 0o600 });
  try {
    if (replace) await rename(temp, file);
    else {
      // A link fails if a file appeared there meanwhile: it is kept, not replaced.
      await link(temp, file).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') {
          throw new UsageError(
            `downloadReport: '${file}' appeared meanwhile and was kept; nothing was written.`,
          );
        }
        // A file system without hard links: look once more, then rename.
        if (
          await stat(file).then(
            () => true,
            () => false,
          )
        )
          throw error;
        await rename(temp, file);
      });
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
