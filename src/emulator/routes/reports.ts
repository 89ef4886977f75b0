// Usage reports: created once or monthly, saved (a stored file per format, in progress for a
// moment and then saved) or sent, and the stored file served in the format asked for.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ReportCreateRequest, ReportUpdateRequest } from '../../schemas/index.ts';
import { authenticate, type Principal, visibleTenant } from '../access.ts';
import { APP_BY_ID } from '../catalogue.ts';
import { type Ctx, intParam, noContent, nowIso, ok, type Reply, readJson } from '../context.ts';
import {
  accessDenied,
  badRequest,
  conflict,
  HttpError,
  PLATFORM_CODES,
  routeNotFound,
  versionMismatch,
} from '../errors.ts';
import { usagesOf } from '../usage.ts';
import type { ReportRec, TenantRec, World } from '../world.ts';

/** How long a stored report stays `in_progress` after it was asked for. */
export const REPORT_READY_MS = 300;
/** Tenants one report covers at most (a report of 100,000 customers would be ~50 MB). */
export const REPORT_MAX_TENANTS = 10_000;
const GIB = 1024 ** 3;

const reportView = (r: ReportRec) => ({
  id: r.id,
  version: r.version,
  parameters: r.parameters,
  schedule: r.schedule,
  result_action: r.result_action,
  recipients: r.recipients,
  generation_date: r.generation_date,
});

const storedStatus = (createdAt: string) =>
  Date.now() - Date.parse(createdAt) >= REPORT_READY_MS ? 'saved' : 'in_progress';

/**
 * A stored file is made once, when it is first asked for after it is saved, and kept: polling
 * the list (which shows its size) and fetching it again cost nothing, and later changes of the
 * usage do not rewrite a saved report. Kept in memory only: after a restart it is made again.
 */
const files = new WeakMap<World, Map<string, Buffer>>();
function storedFile(
  world: World,
  r: ReportRec,
  stored: { id: string; report_format: string },
): Buffer {
  let byId = files.get(world);
  if (!byId) {
    byId = new Map();
    files.set(world, byId);
  }
  let file = byId.get(stored.id);
  if (!file) {
    file = render(world, r, stored.report_format);
    byId.set(stored.id, file);
  }
  return file;
}

function visibleReport(ctx: Ctx, who: Principal): ReportRec {
  const r = ctx.world.reports.get(ctx.params.id ?? '');
  if (!r || !ctx.world.isVisible(who.tenantId, r.tenant_id)) throw accessDenied();
  return r;
}

const today = () => new Date().toISOString().slice(0, 10);

export function createReport(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, ReportCreateRequest);
  const t = visibleTenant(ctx.world, who, body.parameters.tenant_id.toLowerCase());
  const period = body.parameters.period;
  if (period) {
    if (period.start > period.end) throw badRequest('parameters.period: start is after end');
    if (period.start > today())
      throw badRequest('parameters.period: the period lies in the future');
  }
  const formats = body.parameters.formats ?? ['csv'];
  const at = nowIso();
  const report: ReportRec = {
    id: randomUUID(),
    version: 1,
    tenant_id: t.id,
    parameters: { ...body.parameters, tenant_id: t.id, formats },
    schedule: { type: body.schedule.type, enabled: body.schedule.enabled ?? true },
    result_action: body.result_action,
    recipients: body.recipients ?? [],
    generation_date: body.generation_date ?? today(),
    created_at: at,
    // Saved reports get one stored file per format at once; sent ones are mailed (nowhere).
    stored:
      body.result_action === 'save'
        ? [...new Set(formats)].map((f) => ({ id: randomUUID(), report_format: f, created_at: at }))
        : [],
  };
  ctx.world.commit({ reports: [report] });
  return ok(reportView(report));
}

export function getReport(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  return ok(reportView(visibleReport(ctx, who)));
}

export function tenantReports(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  const items = [...ctx.world.reports.values()].filter((r) => r.tenant_id === t.id).map(reportView);
  return ok({ items });
}

export function updateReport(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, ReportUpdateRequest);
  const r = visibleReport(ctx, who);
  if (r.schedule.type !== 'monthly') {
    throw new HttpError(400, 'Only a scheduled (monthly) report can be changed.', {
      code: PLATFORM_CODES.businessRules,
    });
  }
  if (body.version !== undefined && body.version !== r.version) {
    throw versionMismatch(r.version, body.version);
  }
  if (
    body.parameters?.tenant_id !== undefined &&
    body.parameters.tenant_id.toLowerCase() !== r.tenant_id
  ) {
    throw badRequest('parameters.tenant_id: a report stays with its tenant');
  }
  const next: ReportRec = {
    ...r,
    version: r.version + 1,
    parameters: { ...r.parameters, ...(body.parameters ?? {}), tenant_id: r.tenant_id },
    schedule: { ...r.schedule, ...(body.schedule ?? {}) } as ReportRec['schedule'],
    result_action: body.result_action ?? r.result_action,
    recipients: body.recipients ?? r.recipients,
  };
  ctx.world.commit({ reports: [next] });
  return ok(reportView(next));
}

export function deleteReport(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const version = intParam(ctx, 'version', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const r = visibleReport(ctx, who);
  if (version !== r.version) throw versionMismatch(r.version, version);
  ctx.world.commit({ deleted_reports: [r.id] });
  for (const s of r.stored) files.get(ctx.world)?.delete(s.id);
  return noContent();
}

export function listStored(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const r = visibleReport(ctx, who);
  return ok({
    items: r.stored.map((s) => {
      const status = storedStatus(s.created_at);
      return {
        id: s.id,
        report_format: s.report_format,
        size: status === 'saved' ? storedFile(ctx.world, r, s).length : null,
        created_at: s.created_at,
        status,
      };
    }),
  });
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  csv_v2_0: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json_v1: 'application/json',
  json_v2_0: 'application/json',
};

export function getStored(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const r = visibleReport(ctx, who);
  const s = r.stored.find((x) => x.id === ctx.params.stored);
  if (!s) throw routeNotFound(ctx.path);
  if (storedStatus(s.created_at) !== 'saved') {
    throw conflict('The report is still being generated: poll GET /reports/{id}/stored.');
  }
  const body = storedFile(ctx.world, r, s);
  const ext = s.report_format.startsWith('json')
    ? 'json'
    : s.report_format.startsWith('csv')
      ? 'csv'
      : 'html';
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[s.report_format] ?? 'application/octet-stream',
    'Content-Disposition': `attachment; filename="report-${r.id}.${ext}"`,
  };
  // The platform serves stored reports gzip-encoded to clients that accept it.
  if (/\bgzip\b/.test(String(ctx.headers['accept-encoding'] ?? ''))) {
    return {
      status: 200,
      raw: gzipSync(body),
      headers: { ...headers, 'Content-Encoding': 'gzip' },
    };
  }
  return { status: 200, raw: body, headers };
}

// ---- the report itself ----------------------------------------------------------------

interface Row {
  tenant_name: string;
  tenant_uuid: string;
  customer_id: string;
  tenant_kind: string;
  pricing_mode: string;
  parent_name: string;
  service: string;
  edition: string;
  offering_item: string;
  usage_name: string;
  measurement_unit: string;
  quota: string;
  usage: string;
  period_start: string;
  period_end: string;
  sku?: string;
}

/** The tenants a report covers, by its level. */
function tenantsOf(world: World, top: TenantRec, level: string): TenantRec[] {
  const below = world
    .liveSubtree(top)
    .filter((t) => t.id !== top.id && t.owner_id === null && world.isVisible(top.id, t.id));
  const pick =
    level === 'itself'
      ? [top]
      : level === 'direct_partners'
        ? below.filter((t) => t.parent_id === top.id)
        : level === 'all_partners'
          ? below.filter((t) => t.kind === 'partner')
          : level === 'all_customers'
            ? below.filter((t) => t.kind === 'customer')
            : [top, ...below];
  return pick.slice(0, REPORT_MAX_TENANTS);
}

/** Storage in binary GB with two decimals, as the platform's reports show it. */
const amount = (value: number | null, unit: string) =>
  value === null ? '' : unit === 'bytes' ? (value / GIB).toFixed(2) : String(value);

function rowsOf(world: World, r: ReportRec): Row[] {
  const top = world.tenants.get(r.tenant_id);
  if (!top || top.deleted_at !== null) return [];
  const p = r.parameters as {
    level: string;
    period?: { start: string; end: string };
    hide_zero_usage?: boolean;
    show_skus?: boolean;
  };
  const start = p.period?.start ?? `${r.generation_date.slice(0, 8)}01`;
  const end = p.period?.end ?? r.generation_date;
  const rows: Row[] = [];
  for (const t of tenantsOf(world, top, p.level)) {
    const parent = t.parent_id === null ? undefined : world.tenants.get(t.parent_id);
    for (const u of usagesOf(world, t)) {
      if (p.hide_zero_usage && u.value === 0) continue;
      const quota = u.offering_item?.quota?.value ?? null;
      rows.push({
        tenant_name: t.name,
        tenant_uuid: t.id,
        customer_id: t.customer_id ?? '',
        tenant_kind: t.kind,
        pricing_mode: t.pricing_mode,
        parent_name: parent?.name ?? '',
        service: APP_BY_ID.get(u.application_id)?.name ?? u.application_id,
        edition: u.edition ?? '',
        offering_item: u.name,
        usage_name: u.usage_name,
        measurement_unit: u.measurement_unit === 'bytes' ? 'GB' : u.measurement_unit,
        quota: amount(quota, u.measurement_unit),
        usage: amount(u.value, u.measurement_unit),
        period_start: start,
        period_end: end,
        ...(p.show_skus ? { sku: `SKU-${u.name.toUpperCase()}` } : {}),
      });
    }
  }
  return rows;
}

export const CSV_COLUMNS: readonly (keyof Row)[] = [
  'tenant_name',
  'tenant_uuid',
  'customer_id',
  'tenant_kind',
  'pricing_mode',
  'parent_name',
  'service',
  'edition',
  'offering_item',
  'usage_name',
  'measurement_unit',
  'quota',
  'usage',
  'period_start',
  'period_end',
];

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const htmlCell = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function render(world: World, r: ReportRec, format: string): Buffer {
  const rows = rowsOf(world, r);
  const columns = [
    ...CSV_COLUMNS,
    ...((r.parameters as { show_skus?: boolean }).show_skus ? (['sku'] as const) : []),
  ];
  if (format.startsWith('json')) {
    return Buffer.from(
      JSON.stringify({
        report_id: r.id,
        format,
        kind: (r.parameters as { kind: string }).kind,
        level: (r.parameters as { level: string }).level,
        generation_date: r.generation_date,
        items: rows,
      }),
    );
  }
  if (format === 'html') {
    const head = columns.map((c) => `<th>${c}</th>`).join('');
    const body = rows
      .map((row) => `<tr>${columns.map((c) => `<td>${htmlCell(row[c] ?? '')}</td>`).join('')}</tr>`)
      .join('\n');
    return Buffer.from(
      `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Usage report</title></head><body>\n<table>\n<tr>${head}</tr>\n${body}\n</table>\n</body></html>\n`,
    );
  }
  const lines = [
    columns.join(','),
    ...rows.map((row) => columns.map((c) => csvCell(row[c] ?? '')).join(',')),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}
