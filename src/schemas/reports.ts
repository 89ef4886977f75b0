import { z } from 'zod';
import { Uuid } from './common.ts';

export const ReportLevel = z.enum([
  'itself',
  'direct_partners',
  'all_partners',
  'all_customers',
  'accounts',
]);
export const ReportKind = z.enum([
  'usage_daily',
  'usage_summary',
  'usage_current',
  'usage_breakdown',
]);
export const ReportFormat = z.enum(['csv', 'html', 'json_v1', 'csv_v2_0', 'json_v2_0']);
export type ReportFormat = z.infer<typeof ReportFormat>;
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const ReportParameters = z.looseObject({
  tenant_id: Uuid,
  level: ReportLevel,
  kind: ReportKind,
  formats: z.array(ReportFormat).optional(),
  period: z.looseObject({ start: Day, end: Day }).optional(),
  hide_zero_usage: z.boolean().optional(),
  show_skus: z.boolean().optional(),
});

export const ReportSchedule = z.looseObject({
  type: z.enum(['once', 'monthly']),
  enabled: z.boolean().optional(),
});

/** `POST /reports`. */
export const ReportCreateRequest = z.strictObject({
  parameters: ReportParameters.strict(),
  schedule: ReportSchedule.strict(),
  result_action: z.enum(['save', 'send']),
  recipients: z.array(Uuid).max(100).optional(),
  generation_date: Day.optional(),
});
export type ReportCreateRequest = z.infer<typeof ReportCreateRequest>;

/** `PUT /reports/{id}`: only scheduled (monthly) reports. */
export const ReportUpdateRequest = z.strictObject({
  version: z.number().int().optional(),
  parameters: ReportParameters.partial().strict().optional(),
  schedule: ReportSchedule.partial().strict().optional(),
  result_action: z.enum(['save', 'send']).optional(),
  recipients: z.array(Uuid).max(100).optional(),
});
export type ReportUpdateRequest = z.infer<typeof ReportUpdateRequest>;

export const Report = z.looseObject({
  id: Uuid,
  version: z.number().int(),
  parameters: ReportParameters,
  schedule: ReportSchedule,
  result_action: z.enum(['save', 'send']),
  recipients: z.array(Uuid).optional(),
  generation_date: z.string().nullish(),
});
export type Report = z.infer<typeof Report>;
export const ReportList = z.looseObject({ items: z.array(Report) });

export const StoredReport = z.looseObject({
  id: Uuid,
  report_format: ReportFormat,
  size: z.number().int().nullish(),
  created_at: z.string(),
  status: z.enum(['in_progress', 'saved', 'failed']),
});
export type StoredReport = z.infer<typeof StoredReport>;
export const StoredReportList = z.looseObject({ items: z.array(StoredReport) });
