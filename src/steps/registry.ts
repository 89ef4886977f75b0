// Every helper the shell offers. Each topic's specs live in specs/, one file a topic; this list
// is what `.help`, completion, the kernel's inspect and every cell's context are built from.

import type { HelperSpec } from './spec.ts';
import { MFA_HELPERS } from './specs/mfa.ts';
import { RAW_HELPERS } from './specs/raw.ts';
import { TENANT_HELPERS } from './specs/tenants.ts';
import { USER_HELPERS } from './specs/users.ts';

export type { HelperSpec, HelperTopic } from './spec.ts';
export { TOPICS } from './spec.ts';

export const HELPERS: readonly HelperSpec[] = [
  ...TENANT_HELPERS,
  ...MFA_HELPERS,
  ...USER_HELPERS,
  ...RAW_HELPERS,
];

export function findHelper(name: string): HelperSpec | undefined {
  return HELPERS.find((h) => h.name === name);
}
