import { createReport, downloadReport } from '../reports.ts';
import type { HelperSpec } from '../spec.ts';

export const REPORT_HELPERS: readonly HelperSpec[] = [
  {
    name: 'createReport',
    topic: 'Reports',
    tutorial: 'creating-billing-report',
    step: 2,
    summary: "A one-time usage report of a month (the page's body), waited for; sets report_id.",
    details:
      "The period as 'YYYY-MM' or {start, end}; {tenant, level, kind, formats, hide_zero_usage, show_skus}; {wait: false} not to wait. Sets report_params and stored.",
    example: "await createReport('2024-01')",
    run: (s, period, opts) => createReport(s, period, opts),
  },
  {
    name: 'downloadReport',
    topic: 'Reports',
    tutorial: 'creating-billing-report',
    step: 4,
    summary: "Write one of a report's files (CSV first) to a file; never replaces one unasked.",
    details:
      "{format: 'json_v2_0'}, {file: 'jan.csv'}; an existing file is replaced only when you say so ({yes: true}).",
    example: 'await downloadReport(report_id)',
    run: (s, report, opts) => downloadReport(s, report, opts),
  },
];
