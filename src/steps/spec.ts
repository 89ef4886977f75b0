import type { StepSession } from './session.ts';

/**
 * The topics `.help` groups the helpers by, in the onboarding journey's order. They are the
 * tutorials' sections, so a helper sits under the same heading as the page that teaches it.
 */
export const TOPICS = [
  'Tenants',
  'Two-factor authentication',
  'Services and offering items',
  'Customers',
  'Users',
  'Partners',
  'Tenant access and lifecycle',
  'Search and usage',
  'Reports',
  'Raw calls',
] as const;

export type HelperTopic = (typeof TOPICS)[number];

/** One helper as the shell offers it: the name users type, what it does, how to call it. */
export interface HelperSpec {
  name: string;
  topic: HelperTopic;
  /** The tutorial (a file in tutorials/, without `.md`) whose page this helper does. */
  tutorial?: string;
  /** The step of that tutorial it stands for, if one. */
  step?: number;
  /** One line for `.help`'s list. */
  summary: string;
  /** The rest, for `.help NAME` and the kernel's inspect: options, what it asks, the undo. */
  details?: string;
  example: string;
  /** Whether an argument is a tenant reference (for completion of names). */
  takesTenant?: boolean;
  run(session: StepSession, ...args: unknown[]): Promise<unknown>;
}
