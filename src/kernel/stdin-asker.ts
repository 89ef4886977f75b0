// The helpers' and the login's questions through Jupyter's stdin channel: each question is one
// `input_request` (a prompt line the front end shows with a text box), its answer the
// `input_reply`. Pickers become numbered lists, confirmations `[y/N]`, a secret a masked box
// (`password: true`). Names and messages from outside are shown with their control characters
// visible, as the terminal's questions show them.

import { UsageError } from '../api/errors.ts';
import type { LoginAsker } from '../auth/login-questions.ts';
import type { Choice } from '../ui/asker.ts';
import { visible, visibleLine } from '../ui/visible.ts';

/** Asks one line of the front end: the kernel sends input_request and awaits input_reply. */
export type AskLine = (prompt: string, password: boolean) => Promise<string>;

/** Wrong answers in a row before a question gives up (the cell fails with a sentence). */
const TRIES = 3;

export class StdinAsker implements LoginAsker {
  constructor(private readonly askLine: AskLine) {}

  async select<T>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
    if (choices.length === 0)
      throw new UsageError(`${visibleLine(message)} There is nothing to choose from.`);
    const fallback = choices.findIndex((c) => c.value === defaultValue);
    const lines = choices.map((c, i) => {
      const note = c.description ? ` — ${visibleLine(c.description)}` : '';
      return `  ${i + 1}) ${visibleLine(c.name)}${note}`;
    });
    const range = `1-${choices.length}`;
    const hint = fallback >= 0 ? ` [${fallback + 1}]` : '';
    let prompt = `${visible(message)}\n${lines.join('\n')}\nNumber (${range})${hint}: `;
    for (let i = 0; i < TRIES; i += 1) {
      const answer = (await this.askLine(prompt, false)).trim();
      if (answer === '' && fallback >= 0) return (choices[fallback] as Choice<T>).value;
      const n = Number(answer);
      const byNumber = Number.isInteger(n) ? choices[n - 1] : undefined;
      const byName = choices.find((c) => c.name.toLowerCase() === answer.toLowerCase());
      const chosen = byNumber ?? byName;
      if (chosen) return chosen.value;
      prompt = `Answer with a number from ${range}: `;
    }
    throw new UsageError(`No choice made: answer with a number from ${range}.`);
  }

  input(
    message: string,
    opts: { default?: string; validate?: (v: string) => true | string } = {},
  ): Promise<string> {
    return this.#text(message, opts, false);
  }

  /** A secret: the front end shows a masked box, and the answer is never echoed. */
  secret(message: string, validate: (value: string) => true | string): Promise<string> {
    return this.#text(message, { validate }, true);
  }

  /** The Asker's masked question (a helper's password): the same masked box. */
  password(message: string): Promise<string> {
    return this.#text(message, {}, true);
  }

  async #text(
    message: string,
    opts: { default?: string; validate?: (v: string) => true | string },
    password: boolean,
  ): Promise<string> {
    const hint = opts.default ? ` (${visibleLine(opts.default)})` : '';
    let prompt = `${visible(message)}${hint} `;
    let verdict: true | string = true;
    for (let i = 0; i < TRIES; i += 1) {
      const raw = await this.askLine(prompt, password);
      const answer = raw === '' && opts.default !== undefined ? opts.default : raw;
      verdict = opts.validate ? opts.validate(answer) : true;
      if (verdict === true) return answer;
      prompt = `${visible(verdict)} ${visible(message)} `;
    }
    throw new UsageError(visible(String(verdict)));
  }

  async confirm(message: string, defaultValue: boolean): Promise<boolean> {
    let prompt = `${visible(message)} ${defaultValue ? '[Y/n]' : '[y/N]'} `;
    for (let i = 0; i < TRIES; i += 1) {
      const answer = (await this.askLine(prompt, false)).trim().toLowerCase();
      if (answer === '') return defaultValue;
      if (answer === 'y' || answer === 'yes') return true;
      if (answer === 'n' || answer === 'no') return false;
      prompt = 'Answer y (yes) or n (no): ';
    }
    throw new UsageError('No answer: y (yes) or n (no) was expected.');
  }
}
