// Usage reports: create, read, change, delete, and fetch their stored files.
import {
  type Report,
  ReportCreateRequest,
  ReportList,
  Report as ReportSchema,
  ReportUpdateRequest,
  type StoredReport,
  StoredReportList,
} from '../../schemas/index.ts';
import { checked, int, uuid } from '../args.ts';
import type { PlatformClient } from '../client.ts';
import { UsageError } from '../errors.ts';

/** `POST /reports` -> 200 with the report. */
export async function createReport(
  client: PlatformClient,
  report: ReportCreateRequest,
  signal?: AbortSignal,
): Promise<Report> {
  const body = checked('createReport', ReportCreateRequest, report);
  const res = await client.request('POST', '/reports', {
    json: body,
    schema: ReportSchema,
    signal,
  });
  return res.body;
}

export async function getReport(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<Report> {
  const rid = uuid('getReport', 'the report id', id);
  return (await client.request('GET', `/reports/${rid}`, { schema: ReportSchema, signal })).body;
}

export async function listTenantReports(
  client: PlatformClient,
  tenantId: string,
  signal?: AbortSignal,
): Promise<Report[]> {
  const tid = uuid('listTenantReports', 'the tenant id', tenantId);
  return (await client.request('GET', `/tenants/${tid}/reports`, { schema: ReportList, signal }))
    .body.items;
}

/** `PUT /reports/{id}`: only scheduled (monthly) reports. */
export async function updateReport(
  client: PlatformClient,
  id: string,
  changes: ReportUpdateRequest,
  signal?: AbortSignal,
): Promise<Report> {
  const rid = uuid('updateReport', 'the report id', id);
  const body = checked('updateReport', ReportUpdateRequest, changes);
  const res = await client.request('PUT', `/reports/${rid}`, {
    json: body,
    schema: ReportSchema,
    signal,
  });
  return res.body;
}

export async function deleteReport(
  client: PlatformClient,
  id: string,
  version: number,
  signal?: AbortSignal,
): Promise<void> {
  const rid = uuid('deleteReport', 'the report id', id);
  await client.request('DELETE', `/reports/${rid}`, {
    query: { version: int('deleteReport', "the report's version", version) },
    signal,
  });
}

export async function listStoredReports(
  client: PlatformClient,
  id: string,
  signal?: AbortSignal,
): Promise<StoredReport[]> {
  const rid = uuid('listStoredReports', 'the report id', id);
  return (
    await client.request('GET', `/reports/${rid}/stored`, { schema: StoredReportList, signal })
  ).body.items;
}

/** Polls the stored files until none is `in_progress` (generation takes a minute or two). */
export async function waitForStoredReports(
  client: PlatformClient,
  id: string,
  options: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<StoredReport[]> {
  const interval = options.intervalMs ?? 2000;
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
  for (;;) {
    const stored = await listStoredReports(client, id, options.signal);
    if (stored.every((s) => s.status !== 'in_progress')) return stored;
    if (Date.now() + interval > deadline) {
      throw new UsageError(
        `Report ${id} is still being generated; call waitForStoredReports again later.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** `GET /reports/{id}/stored/{stored_id}`: the file as text (CSV, HTML or JSON). */
export async function downloadStoredReport(
  client: PlatformClient,
  id: string,
  storedId: string,
  signal?: AbortSignal,
): Promise<{ contentType: string; text: string }> {
  const rid = uuid('downloadStoredReport', 'the report id', id);
  const sid = uuid('downloadStoredReport', 'the stored report id', storedId);
  const res = await client.raw('GET', `/reports/${rid}/stored/${sid}`, { signal });
  // Not 2xx: parse() throws the ApiError request() would have.
  if (!res.ok) res.parse();
  return { contentType: res.headers['content-type'] ?? '', text: res.text };
}
