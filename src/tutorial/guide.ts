// `.guide`: one engine that walks any tutorial file. Each cell runs through the session's one
// cell runner (so its variables are the page's own names, left in the REPL, and `.save`
// exports it as any cell); before a cell it asks what the file says to ask, and puts the
// answer into the cell's `name = ...` line; before a change that locks people out or cannot
// be undone it asks yes or no. Ctrl+C, a No or a failed cell leave the walk where it is, with
// what it set so far, and `.guide NAME` again offers to go on from there.

import type { CellRunner } from '../cell/runner.ts';
import { shownError } from '../cell/state.ts';
import {
  assignmentOf,
  type Tutorial,
  type TutorialCell,
  type TutorialQuestion,
} from '../notebook/parse-notebook.ts';
import { type Asker, type Choice, QuestionCancelled } from '../ui/asker.ts';
import { formatResult } from '../ui/format.ts';
import { loadCatalogue, readTutorialFile, TUTORIALS_DIR, tutorialNames } from './catalogue.ts';

export interface WalkIO {
  runner: CellRunner;
  asker: Asker;
  /** One line for the user (the caller masks it and shows its control characters). */
  write(line: string): void;
  /** Offers the whole tree for a tenant question (the REPL's picker); the id picked. */
  browseTree?(): Promise<string>;
}

/** The tenant question's last choice: not a literal, so no tutorial's value can collide with it. */
const BROWSE = Symbol('browse the tree');

export type WalkOutcome = 'done' | 'left' | 'declined' | 'failed';

interface Place {
  step: number;
  cell: number;
}

/** A text as a JavaScript string literal, in the page's single quotes where that is plain. */
export function textLiteral(text: string): string {
  return /^[^'\\\p{C}\u2028\u2029]*$/u.test(text) ? `'${text}'` : JSON.stringify(text);
}

/** The cell with `variable = <literal>` in place of what the file had there. */
export function withAnswer(input: string, variable: string, literal: string): string {
  return input.replace(
    assignmentOf(variable),
    (_match, head: string, _old: string, comment?: string) => `${head}${literal}${comment ?? ''}`,
  );
}

/** What the file assigns, as written (the default answer). */
function writtenValue(input: string, variable: string): string {
  return assignmentOf(variable).exec(input)?.[2]?.trim() ?? '';
}

function stringValue(literal: string): string | undefined {
  const quoted = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(literal);
  return quoted ? (quoted[1] ?? quoted[2]) : undefined;
}

const stepTitle = (title: string) => title.replace(/^Step\s+\d+\s*[:.—-]?\s*/i, '');

export class TutorialGuide {
  readonly #dir: string;
  /** Where each tutorial left midway stopped: the next cell to run. */
  readonly #stopped = new Map<string, Place>();
  readonly #done = new Set<string>();

  constructor(dir = TUTORIALS_DIR) {
    this.#dir = dir;
  }

  names(): string[] {
    return tutorialNames(this.#dir);
  }

  /** `.guide`: the tutorials by section, in the lesson order, with this session's progress. */
  listing(): string {
    const { tutorials, broken } = loadCatalogue(this.#dir);
    if (tutorials.length === 0 && broken.length === 0) return 'No tutorials are installed.';
    const width = Math.max(0, ...tutorials.map((t) => t.name.length)) + 2;
    const lines = [
      'Tutorials: .guide NAME walks one (Tab completes the names). ✔ done in this session, … left midway.',
    ];
    const sections = [...new Set(tutorials.map((t) => t.section))];
    for (const section of sections) {
      lines.push('', section);
      for (const t of tutorials.filter((x) => x.section === section)) {
        const mark = this.#done.has(t.name) ? '✔' : this.#stopped.has(t.name) ? '…' : ' ';
        lines.push(`  ${mark} ${t.name.padEnd(width)}${t.title}`);
      }
    }
    for (const b of broken) lines.push('', `Not readable as a tutorial: ${b.reason}`);
    return lines.join('\n');
  }

  /** The tutorial NAME (or a file path), or one sentence saying what there is instead. */
  find(name: string): Tutorial | string {
    const wanted = name.trim();
    if (/[/\\]|\.md$/i.test(wanted)) {
      try {
        return readTutorialFile(wanted);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code ? `Cannot read the tutorial '${wanted}' (${code}).` : (error as Error).message;
      }
    }
    const names = this.names();
    if (!names.includes(wanted)) {
      const close = names.filter((n) => n.includes(wanted.toLowerCase()));
      const hint = close.length > 0 ? ` Did you mean ${close.slice(0, 3).join(', ')}?` : '';
      return `No tutorial '${wanted}': .guide lists them (Tab completes the names).${hint}`;
    }
    try {
      return readTutorialFile(`${this.#dir}/${wanted}.md`, wanted);
    } catch (error) {
      return (error as Error).message;
    }
  }

  async walk(name: string, io: WalkIO): Promise<WalkOutcome | undefined> {
    const tutorial = this.find(name);
    if (typeof tutorial === 'string') {
      io.write(tutorial);
      return undefined;
    }
    const key = tutorial.name;
    let place: Place = { step: 0, cell: 0 };
    const stopped = this.#stopped.get(key);
    try {
      if (stopped) {
        const again = await io.asker.confirm(
          `You left '${key}' at step ${stopped.step + 1} of ${tutorial.steps.length}. Go on from there?`,
          true,
        );
        if (again) place = stopped;
      }
    } catch (error) {
      if (error instanceof QuestionCancelled) return 'left';
      throw error;
    }
    if (place.step === 0 && place.cell === 0) {
      io.write(`${tutorial.title}\nPage: ${tutorial.page}`);
      if (tutorial.intro.length > 0) io.write(tutorial.intro.join('\n'));
      startFromLogin(io);
    }
    const total = tutorial.steps.length;
    for (let s = place.step; s < total; s++) {
      const step = tutorial.steps[s];
      if (!step) continue;
      const first = s === place.step ? place.cell : 0;
      io.write(`\n── Step ${s + 1} of ${total} ── ${stepTitle(step.title)}`);
      if (first === 0 && step.intro.length > 0) io.write(step.intro.join('\n'));
      for (let c = first; c < step.cells.length; c++) {
        const entry = step.cells[c];
        if (!entry) continue;
        const here = { step: s, cell: c };
        const outcome = await this.#runCell(entry, io).catch((error: unknown) => {
          if (error instanceof QuestionCancelled) return 'left' as const;
          throw error;
        });
        if (outcome !== 'done') {
          this.#stopped.set(key, here);
          io.write(leaving(outcome, key));
          return outcome;
        }
        if (entry.after.length > 0) io.write(entry.after.join('\n'));
      }
    }
    this.#stopped.delete(key);
    this.#done.add(key);
    io.write(`\nThat is the whole of '${key}'. .guide lists the others.`);
    return 'done';
  }

  async #runCell(entry: TutorialCell, io: WalkIO): Promise<WalkOutcome> {
    let input = entry.cell.input;
    for (const ask of entry.asks)
      input = withAnswer(input, ask.variable, await answer(ask, input, io));
    if (entry.confirm !== undefined && !(await io.asker.confirm(entry.confirm, false))) {
      return 'declined';
    }
    const { runner } = io;
    io.write(showInput(runner.state.cells.next, input));
    const outcome = await runner.run(input, { complete: true });
    if (outcome.status === 'incomplete') return 'failed';
    if (outcome.status === 'error') {
      io.write(shownError(outcome.error, outcome.cell));
      return outcome.interrupted ? 'left' : 'failed';
    }
    if (outcome.value !== undefined) io.write(formatResult(outcome.value, false));
    return 'done';
  }
}

/**
 * A page starts from the login's `tenant_id` (as a replay does): a walk started after another
 * has moved it (to the customer it created, say) moves it back, and says so.
 */
function startFromLogin(io: WalkIO): void {
  const state = io.runner.state;
  const home = state.session.tenantId;
  const before = state.tenantId;
  if (before === home) return;
  const was =
    typeof before === 'string' ? (state.seen.get(before)?.name ?? before) : 'not a tenant id';
  const name = state.seen.get(home)?.name;
  state.tenantId = home;
  io.write(
    `As its page does, this tutorial starts from your own tenant: tenant_id = '${home}'${name ? ` (${name})` : ''} (it was ${was}).`,
  );
}

function leaving(outcome: WalkOutcome, name: string): string {
  const back = `.guide ${name} goes on from here; the variables set so far stay.`;
  if (outcome === 'declined') return `Nothing was run. ${back}`;
  if (outcome === 'failed') return `The cell failed (above). ${back}`;
  return `Left the tutorial. ${back}`;
}

function showInput(n: number, input: string): string {
  const [first = '', ...rest] = input.split('\n');
  const pad = ' '.repeat(`In [${n}]`.length - 3);
  return [`In [${n}]: ${first}`, ...rest.map((l) => `${pad}...: ${l}`)].join('\n');
}

/** The literal the user's answer puts into the cell. */
async function answer(ask: TutorialQuestion, input: string, io: WalkIO): Promise<string> {
  const written = writtenValue(input, ask.variable);
  if (ask.kind === 'text') {
    const typed = await io.asker.input(ask.question, {
      default: stringValue(written),
      validate: (v) => (v.trim() ? true : 'Type a value: it cannot be empty.'),
    });
    return textLiteral(typed.trim());
  }
  if (ask.kind === 'choice') {
    const known = ask.choices.some((c) => c.value === written);
    return io.asker.select(
      ask.question,
      ask.choices.map((c) => ({ name: c.name, value: c.value })),
      known ? written : undefined,
    );
  }
  const state = io.runner.state;
  const choices: Choice<string | typeof BROWSE>[] = [
    { name: `${written} (as the tutorial does)`, value: written },
  ];
  if (written !== 'tenant_id')
    choices.push({
      name: `Keep the current tenant_id (${String(state.tenantId)})`,
      value: 'tenant_id',
    });
  for (const t of state.seen.values()) {
    if (t.id !== state.session.tenantId)
      choices.push({ name: `${t.name} (${t.kind})`, value: textLiteral(t.id) });
  }
  // The tenants seen so far are a start; any other is a browse of the tree away.
  if (io.browseTree) choices.push({ name: 'Another tenant: browse the tree…', value: BROWSE });
  const picked = await io.asker.select(ask.question, choices);
  return picked === BROWSE && io.browseTree ? textLiteral(await io.browseTree()) : String(picked);
}
