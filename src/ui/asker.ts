import { withTerminal } from './terminal-handoff.ts';
import { visible, visibleLine } from './visible.ts';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/**
 * The questions a helper may ask. `null` where there is no terminal: helpers then need their
 * arguments, and say which.
 */
export interface Asker {
  select<T>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
  input(
    message: string,
    opts?: { default?: string; validate?: (v: string) => true | string },
  ): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  /**
   * A long list the user narrows by typing (words match anywhere in a choice's name, in any
   * case). Optional: an Asker without it offers `select` instead.
   */
  search?<T>(message: string, choices: Choice<T>[]): Promise<T>;
  /**
   * A secret (a password), typed without being shown. Optional: a helper whose Asker has none
   * asks for the secret as an argument instead, never with a question that echoes it.
   */
  password?(message: string): Promise<string>;
}

/** The choices whose name holds every word of `term` (case-insensitive); all for no term. */
export function filterChoices<T>(choices: Choice<T>[], term: string | undefined): Choice<T>[] {
  const words = (term ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return choices;
  return choices.filter((c) => {
    const name = c.name.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}

/** Thrown when the user presses Ctrl+C in a question: only the question is cancelled. */
export class QuestionCancelled extends Error {
  readonly code = 'E_CANCELLED';
  constructor() {
    super('Cancelled.');
    this.name = 'QuestionCancelled';
  }
}

function isPromptExit(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

/** Inquirer prompts on the given streams, lent the terminal for each question. */
export function terminalAsker(streams: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}): Asker {
  // Inquirer is loaded on the first question, not at start-up.
  const ask = async <T>(
    run: (p: typeof import('./prompts.ts'), ctx: object) => Promise<T>,
  ): Promise<T> => {
    const prompts = await import('./prompts.ts');
    for (;;) {
      // Ctrl+Z then `fg`: the prompt's readline pauses the terminal on SIGCONT and nothing
      // resumes it, so the question would sit frozen. It is asked again, fresh, instead.
      const controller = new AbortController();
      let resumed = false;
      const onContinue = () => {
        resumed = true;
        controller.abort();
      };
      process.once('SIGCONT', onContinue);
      try {
        return await withTerminal(streams, (ctx) =>
          run(prompts, { ...ctx, signal: controller.signal, clearPromptOnDone: false }),
        );
      } catch (error) {
        if (resumed) continue;
        if (isPromptExit(error)) throw new QuestionCancelled();
        throw error;
      } finally {
        process.off('SIGCONT', onContinue);
      }
    }
  };
  // Questions name tenants and users: their control characters are shown, never obeyed.
  return {
    select: (message, choices, defaultValue) =>
      ask((p, ctx) =>
        p.select(
          {
            message: visible(message),
            choices: choices.map((c) => ({
              ...c,
              name: visibleLine(c.name),
              ...(c.description === undefined ? {} : { description: visible(c.description) }),
            })),
            default: defaultValue,
            pageSize: 12,
          },
          ctx,
        ),
      ),
    input: (message, opts = {}) =>
      ask((p, ctx) =>
        p.input(
          {
            message: visible(message),
            default: opts.default,
            validate: (v) => {
              const verdict = (opts.validate ?? (() => true))(v);
              return verdict === true ? true : visible(verdict);
            },
          },
          ctx,
        ),
      ),
    confirm: (message, defaultValue) =>
      ask((p, ctx) => p.confirm({ message: visible(message), default: defaultValue }, ctx)),
    password: (message) =>
      ask((p, ctx) =>
        p.password(
          {
            message: visible(message),
            mask: '*',
            validate: (v) => v !== '' || 'Type it (it is not shown).',
          },
          ctx,
        ),
      ),
    search: (message, choices) =>
      ask((p, ctx) =>
        p.search(
          {
            message: visible(message),
            source: (term) =>
              filterChoices(choices, term).map((c) => ({ ...c, name: visibleLine(c.name) })),
            pageSize: 12,
          },
          ctx,
        ),
      ),
  };
}
