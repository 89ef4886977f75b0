// Ctrl+C in a question, or an aborted signal, ends the login as one CancelledError. Kept apart
// from the questions so the login can recognise a cancellation without loading Inquirer.

export const LOGIN_CANCELLED = 'Login cancelled.';

// Inquirer's names: ExitPromptError (Ctrl+C), AbortPromptError (the context's signal),
// CancelPromptError (prompt.cancel()). Matched by name: the classes live in @inquirer/core.
// QuestionCancelled (src/ui/asker.ts) is another front end's: the Jupyter kernel's stop button.
const PROMPT_CANCELLATIONS = new Set([
  'ExitPromptError',
  'AbortPromptError',
  'CancelPromptError',
  'QuestionCancelled',
]);

export function isPromptCancellation(error: unknown): boolean {
  return error instanceof Error && PROMPT_CANCELLATIONS.has(error.name);
}
