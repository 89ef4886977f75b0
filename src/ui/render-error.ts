import { inspect } from 'node:util';
import { TenantShellError } from '../api/errors.ts';
import { QuestionCancelled } from './asker.ts';

function isInterrupted(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}

/** Whether an error is ours to show in a sentence (and not Node's to print as usual). */
export function isShellError(error: unknown): boolean {
  return (
    error instanceof TenantShellError || error instanceof QuestionCancelled || isInterrupted(error)
  );
}

/**
 * One or two lines: what happened (with the platform's code and message), and what to do next.
 * Stack traces only with --debug.
 */
export function renderError(error: unknown, debug = false): string {
  if (error instanceof QuestionCancelled || isInterrupted(error)) return 'Cancelled.';
  if (error instanceof TenantShellError) {
    const lines = [`✖ ${error.message}`];
    if (error.hint) lines.push(`  ${error.hint}`);
    if (debug && error.stack) lines.push(error.stack);
    return lines.join('\n');
  }
  if (error instanceof Error) return debug ? (error.stack ?? error.message) : `✖ ${error.message}`;
  return `✖ ${inspect(error)}`;
}
