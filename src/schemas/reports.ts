import { Uuid } from './common.ts';
import * as z from './zod.ts';

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
const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'));
const ResultAction = z.enum(['save', 'send']);
const Recipients = z.array(Uuid).check(z.maxLength(100));

const reportParameters = {
  tenant_id: Uuid,
  level: ReportLevel,
  kind: ReportKind,
  formats: z.optional(z.array(ReportFormat)),
  period: z.optional(z.looseObject({ start: Day, end: Day })),
  hide_zero_usage: z.optional(z.boolean()),
  show_skus: z.optional(z.boolean()),
};
export const ReportParameters = z.looseObject(reportParameters);

const reportSchedule = {
  type: z.enum(['once', 'monthly']),
  enabled: z.optional(z.boolean()),
};
export const ReportSchedule = z.looseObject(reportSchedule);

/** `POST /reports`. */
export const ReportCreateRequest = z.strictObject({
  parameters: z.strictObject(reportParameters),
  schedule: z.strictObject(reportSchedule),
  result_action: ResultAction,
  recipients: z.optional(Recipients),
  generation_date: z.optional(Day),
});
export type ReportCreateRequest = z.infer<typeof ReportCreateRequest>;

/** `PUT /reports/{id}`: only scheduled (monthly) reports. */
export const ReportUpdateRequest = z.strictObject({
  version: z.optional(z.int()),
  parameters: z.optional(z.partial(z.strictObject(reportParameters))),
  schedule: z.optional(z.partial(z.strictObject(reportSchedule))),
  result_action: z.optional(ResultAction),
  recipients: z.optional(Recipients),
});
export type ReportUpdateRequest = z.infer<typeof ReportUpdateRequest>;

export const Report = z.looseObject({
  id: Uuid,
  version: z.int(),
  parameters: ReportParameters,
  schedule: ReportSchedule,
  result_action: ResultAction,
  recipients: z.optional(z.array(Uuid)),
  generation_date: z.nullish(z.string()),
});
export type Report = z.infer<typeof Report>;
export const ReportList = z.looseObject({ items: z.array(Report) });

export const StoredReport = z.looseObject({
  id: Uuid,
  report_format: ReportFormat,
  size: z.nullish(z.int()),
  created_at: z.string(),
  status: z.enum(['in_progress', 'saved', 'failed']),
});
export type StoredReport = z.infer<typeof StoredReport>;
export const StoredReportList = z.looseObject({ items: z.array(StoredReport) });
