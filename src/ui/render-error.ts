import { inspect } from 'node:util';
import { TenantShellError } from '../api/errors.ts';
import { QuestionCancelled } from './asker.ts';
import { visible } from './visible.ts';

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
  // A platform message, a name in it or a notebook's code may hold control characters.
  return visible(errorText(error, debug));
}

function errorText(error: unknown, debug: boolean): string {
  if (error instanceof QuestionCancelled || isInterrupted(error)) return 'Cancelled.';
  // A cell's syntax error (src/cell/compile.ts) points at the user's line with a caret.
  if (
    error instanceof SyntaxError &&
    typeof (error as { pointer?: unknown }).pointer === 'function'
  )
    return `✖ SyntaxError: ${error.message}\n${(error as unknown as { pointer(): string }).pointer()}`;
  if (error instanceof TenantShellError) {
    if (error.code === 'E_CANCELLED') return error.message;
    const lines = [`✖ ${error.message}`];
    if (error.hint) lines.push(`  ${error.hint}`);
    if (debug && error.stack) lines.push(error.stack);
    return lines.join('\n');
  }
  if (error instanceof Error) return debug ? (error.stack ?? error.message) : `✖ ${error.message}`;
  return `✖ ${inspect(error)}`;
}
