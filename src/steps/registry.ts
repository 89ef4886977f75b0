// Every helper the shell offers. Each topic's specs live in specs/, one file a topic; this list
// is what `.help`, completion, the kernel's inspect and every cell's context are built from.

import type { HelperSpec } from './spec.ts';
import { CUSTOMER_HELPERS } from './specs/customers.ts';
import { MFA_HELPERS } from './specs/mfa.ts';
import { PARTNER_HELPERS } from './specs/partners.ts';
import { RAW_HELPERS } from './specs/raw.ts';
import { REPORT_HELPERS } from './specs/reports.ts';
import { SEARCH_USAGE_HELPERS } from './specs/search-usage.ts';
import { SERVICE_HELPERS } from './specs/services.ts';
import { LIFECYCLE_HELPERS } from './specs/tenant-lifecycle.ts';
import { TENANT_HELPERS } from './specs/tenants.ts';
import { USER_HELPERS } from './specs/users.ts';

export type { HelperSpec, HelperTopic } from './spec.ts';
export { TOPICS } from './spec.ts';

export const HELPERS: readonly HelperSpec[] = [
  ...TENANT_HELPERS,
  ...MFA_HELPERS,
  ...SERVICE_HELPERS,
  ...CUSTOMER_HELPERS,
  ...USER_HELPERS,
  ...PARTNER_HELPERS,
  ...LIFECYCLE_HELPERS,
  ...SEARCH_USAGE_HELPERS,
  ...REPORT_HELPERS,
  ...RAW_HELPERS,
];

export function findHelper(name: string): HelperSpec | undefined {
  return HELPERS.find((h) => h.name === name);
}
