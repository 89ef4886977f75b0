// Reads back a saved notebook (.md or .ipynb) for --run: the cells' inputs, and what each one
// printed, answered or failed with, and the calls it made, to compare a replay against.

import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { UsageError } from '../api/errors.ts';
import type { Cell, Notebook, NotebookCall } from './cells.ts';

const UNKNOWN_META = { dataCenter: 'unknown', savedAt: '', version: '' };

const HEADING = /^#{1,6}\s+In\s*\[(\d+)\]\s*:?\s*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;
const LABEL = /^(Printed|Out\s*\[\d+\]|Err\s*\[\d+\])\s*:\s*$/;
const CALLS_LINE = /^HTTP calls \(\d+/;
const SUMMARY = /<summary><code>([A-Z]+) ([^<]+)<\/code> → (\d{3}|E_[A-Z_]+)/;

const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** A cell as the Markdown scan finds it, with the lines it spans (heading to last recording). */
interface ScannedCell extends Cell {
  hasInput: boolean;
  start: number;
  end: number;
}

/**
 * The one reading of a Markdown notebook: its cells, and the lines each spans. A cell is its
 * `### In [n]` heading, its code block, and what render-markdown.ts writes after it (labels,
 * their blocks, the `<details>` of its calls); the first other line ends it, so prose between
 * cells (a tutorial's explanations) is never read as a recording.
 */
function scanMarkdown(lines: readonly string[]): ScannedCell[] {
  const cells: ScannedCell[] = [];
  let cell: ScannedCell | undefined;
  let label = '';
  let inDetails = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = HEADING.exec(line);
    if (heading) {
      cell = {
        n: Number(heading[1]),
        input: '',
        printed: [],
        calls: [],
        hasInput: false,
        start: i,
        end: i,
      };
      cells.push(cell);
      label = '';
      inDetails = false;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      const marks = open[1] ?? '```';
      const close = new RegExp(`^ {0,3}${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
      const content = body.join('\n');
      if (cell && !cell.hasInput) {
        cell.input = content;
        cell.hasInput = true;
      } else if (cell && label === 'Printed') cell.printed = content.split('\n');
      else if (cell && label.startsWith('Out')) cell.output = content;
      else if (cell && label.startsWith('Err')) {
        const first = content.split('\n')[0] ?? '';
        cell.error = { name: 'Error', message: first.replace(/^✖\s*/, ''), text: content };
      }
      if (cell) cell.end = Math.min(i, lines.length - 1);
      label = '';
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary && cell) {
      const call: NotebookCall = { method: summary[1] ?? '', path: unescapeHtml(summary[2] ?? '') };
      const status = summary[3] ?? '';
      if (/^\d+$/.test(status)) call.status = Number(status);
      else call.error = { code: status, message: '' };
      cell.calls.push(call);
      cell.end = i;
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed) continue;
    if (cell && (inDetails || trimmed === '<details>' || CALLS_LINE.test(trimmed))) {
      if (trimmed === '<details>') inDetails = true;
      if (trimmed === '</details>') inDetails = false;
      cell.end = i;
      continue;
    }
    const known = LABEL.exec(trimmed)?.[1]?.replace(/\s*\[\d+\]/, '');
    if (cell && known) {
      label = known;
      cell.end = i;
      continue;
    }
    // Prose: the cell (and its recording) ended on the line before.
    label = '';
    if (cell?.hasInput) cell = undefined;
  }
  return cells;
}

function checkedCells(cells: ScannedCell[], name: string): Cell[] {
  if (cells.length === 0) {
    throw new UsageError(
      `${name} holds no cells: a tenant-shell notebook has '### In [1]' headings, each followed by a code block.`,
    );
  }
  const empty = cells.find((c) => !c.hasInput);
  if (empty)
    throw new UsageError(`${name}: cell [${empty.n}] has no code block after its heading.`);
  return cells.map(({ hasInput: _, start: _s, end: _e, ...c }) => c);
}

const splitLines = (text: string) => text.replace(/\r\n?/g, '\n').split('\n');

/** The lines [start, end] each cell of a Markdown notebook spans (a tutorial's recorder rewrites them). */
export function cellSpans(text: string): Array<{ start: number; end: number }> {
  return scanMarkdown(splitLines(text)).map(({ start, end }) => ({ start, end }));
}

export function parseMarkdown(text: string, name = 'the notebook'): Notebook {
  return { meta: UNKNOWN_META, cells: checkedCells(scanMarkdown(splitLines(text)), name) };
}

function joined(source: unknown): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) return source.map(String).join('');
  return '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The calls a `tenant_shell` metadata entry holds, or undefined where it holds none. */
function callsOf(metadata: unknown): NotebookCall[] | undefined {
  const meta = isObject(metadata) ? metadata.tenant_shell : undefined;
  if (!isObject(meta) || !Array.isArray(meta.calls)) return undefined;
  return meta.calls.filter(
    (c): c is NotebookCall =>
      isObject(c) && typeof c.method === 'string' && typeof c.path === 'string',
  );
}

export function parseIpynb(text: string, name = 'the notebook'): Notebook {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new UsageError(`${name} is not a Jupyter notebook: it is not valid JSON.`);
  }
  if (!isObject(document) || document.nbformat !== 4 || !Array.isArray(document.cells)) {
    throw new UsageError(
      `${name} is not a Jupyter notebook in nbformat 4 (no nbformat 4 and cells).`,
    );
  }
  const cells: Cell[] = [];
  for (const raw of document.cells) {
    if (!isObject(raw) || raw.cell_type !== 'code') continue;
    const n = typeof raw.execution_count === 'number' ? raw.execution_count : cells.length + 1;
    // nbformat says text or a list of text; anything else is not code to run, whatever it holds.
    const source = raw.source;
    if (
      !(
        typeof source === 'string' ||
        (Array.isArray(source) && source.every((s) => typeof s === 'string'))
      )
    ) {
      throw new UsageError(
        `${name}: code cell ${cells.length + 1} has a source that is not text (nbformat wants a string or a list of strings); nothing was run.`,
      );
    }
    const cell: Cell = { n, input: joined(source).replace(/\s+$/, ''), printed: [], calls: [] };
    let shown: NotebookCall[] | undefined;
    for (const output of Array.isArray(raw.outputs) ? raw.outputs : []) {
      if (!isObject(output)) continue;
      if (output.output_type === 'display_data') {
        const calls = callsOf(output.metadata);
        if (calls) shown = [...(shown ?? []), ...calls];
      } else if (output.output_type === 'stream') {
        cell.printed.push(...joined(output.text).replace(/\n$/, '').split('\n'));
      } else if (output.output_type === 'execute_result' && isObject(output.data)) {
        cell.output = joined(output.data['text/plain']);
      } else if (output.output_type === 'error') {
        const traceback = Array.isArray(output.traceback) ? output.traceback.map(String) : [];
        cell.error = {
          name: String(output.ename ?? 'Error'),
          message: String(output.evalue ?? ''),
          text: traceback.join('\n') || `${String(output.ename)}: ${String(output.evalue)}`,
        };
      }
    }
    // The calls display's metadata is what ran last (the shell's save, or a Jupyter kernel);
    // cell metadata is where earlier versions kept them, and what Jupyter leaves as it was.
    cell.calls = shown ?? callsOf(raw.metadata) ?? [];
    cells.push(cell);
  }
  if (cells.length === 0) throw new UsageError(`${name} holds no code cells.`);
  return { meta: UNKNOWN_META, cells };
}

/** A notebook file for --run, or one sentence saying why it cannot be read. */
export async function readNotebook(file: string): Promise<Notebook> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.md' && ext !== '.ipynb') {
    throw new UsageError(
      `--run reads a notebook saved as .md or .ipynb, not '${basename(file)}' (scripts run on their own).`,
    );
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable');
    throw new UsageError(`Cannot read the notebook '${file}': ${why}.`);
  }
  return ext === '.md' ? parseMarkdown(text, `'${file}'`) : parseIpynb(text, `'${file}'`);
}

// ── Tutorials: a notebook with a page's steps around its cells ─────────────────────────────
// A tutorial is a Markdown notebook (so --run and --check replay it as any other) whose prose
// says what each step does, with annotations as HTML comments a code-hosting site does not
// show: `<!-- tutorial section="..." order="n" -->` once, and before a cell `<!-- ask ... -->`
// (a question whose answer goes into the cell) or `<!-- confirm ... -->` (a yes/no before it).

/** What the walk asks before a cell, and where the answer goes: the cell's `variable = ...` line. */
export interface TutorialQuestion {
  variable: string;
  /** `text`: a name or login typed; `tenant`: one picked; `choice`: one of `choices`. */
  kind: 'text' | 'tenant' | 'choice';
  question: string;
  /** For `choice`: what is shown, and the literal put in the cell. */
  choices: Array<{ name: string; value: string }>;
}

export interface TutorialCell {
  cell: Cell;
  asks: TutorialQuestion[];
  /** A yes/no asked before the cell runs (it locks people out, or cannot be undone). */
  confirm?: string;
  /** The prose after the cell: what its answer's status and fields mean. */
  after: string[];
}

export interface TutorialStep {
  title: string;
  /** The prose before the step's first cell. */
  intro: string[];
  cells: TutorialCell[];
}

export interface Tutorial {
  /** The file's name without `.md`: what `.guide NAME` takes. */
  name: string;
  title: string;
  /** The platform's page this tutorial follows. */
  page: string;
  section: string;
  order: number;
  /** The prose between the title and the first step. */
  intro: string[];
  steps: TutorialStep[];
  notebook: Notebook;
}

const COMMENT = /^<!--\s*(tutorial|ask|confirm)\b(.*?)-->\s*$/;
const ATTRIBUTE = /([a-z]+)="([^"]*)"/g;
const SCALAR = String.raw`(?:true|false|null|-?\d+(?:\.\d+)?|'[^'\\\n]*'|"[^"\\\n]*")`;
/** What a choice may put in a cell: a scalar, or an object of scalars (`{enabled: true}`). */
const LITERAL = new RegExp(
  `^(?:${SCALAR}|\\{\\s*\\w+:\\s*${SCALAR}(?:,\\s*\\w+:\\s*${SCALAR})*\\s*\\})$`,
);

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, key, value] of text.matchAll(ATTRIBUTE)) if (key) found[key] = value ?? '';
  return found;
}

/** The line of a cell that assigns `variable` (`name = ...`, optionally declared), if any. */
export function assignmentOf(variable: string): RegExp {
  const name = variable.replace(/[$]/g, '\\$');
  return new RegExp(`^(\\s*(?:(?:const|let|var)\\s+)?${name}\\s*=\\s*)(.*?)(\\s+//\\s.*)?$`, 'm');
}

function question(raw: string, where: string): TutorialQuestion {
  const a = attributes(raw);
  const variable = a.var ?? '';
  if (!/^[A-Za-z_$][\w$]*$/.test(variable)) {
    throw new UsageError(`${where}: an ask needs var="name", the variable its answer goes into.`);
  }
  const kind = a.kind ?? 'text';
  if (kind !== 'text' && kind !== 'tenant' && kind !== 'choice') {
    throw new UsageError(`${where}: kind="${kind}" is not one of text, tenant or choice.`);
  }
  const choices = (a.choices ?? '')
    .split('|')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.lastIndexOf('=');
      return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
    });
  if (kind === 'choice' && (choices.length < 2 || choices.some((c) => !LITERAL.test(c.value)))) {
    throw new UsageError(
      `${where}: a choice needs choices="Shown=literal|Other=literal" (true, false, a number or a quoted text).`,
    );
  }
  return { variable, kind, question: a.question || `${variable}?`, choices };
}

/** A tutorial file, read with the notebook's own scan, or one sentence saying what is wrong. */
export function parseTutorial(text: string, name: string, where = `'${name}.md'`): Tutorial {
  const lines = splitLines(text);
  const scanned = scanMarkdown(lines);
  const cells = checkedCells(scanned, where);
  const tutorial: Tutorial = {
    name,
    title: '',
    page: '',
    section: '',
    order: Number.POSITIVE_INFINITY,
    intro: [],
    steps: [],
    notebook: { meta: UNKNOWN_META, cells },
  };
  let header = false;
  let pendingAsks: TutorialQuestion[] = [];
  let pendingConfirm: string | undefined;
  let prose = tutorial.intro;
  let next = 0;
  for (let i = 0; i < lines.length; i++) {
    const at = scanned[next];
    if (at && i === at.start) {
      const step = tutorial.steps.at(-1);
      const cell = cells[next];
      if (!step || !cell)
        throw new UsageError(`${where}: cell [${at.n}] comes before any '## ' step.`);
      for (const ask of pendingAsks) {
        if (!assignmentOf(ask.variable).test(cell.input)) {
          throw new UsageError(
            `${where}: cell [${cell.n}] asks for ${ask.variable} but has no line '${ask.variable} = ...' to put the answer in.`,
          );
        }
      }
      const entry: TutorialCell = { cell, asks: pendingAsks, after: [] };
      if (pendingConfirm !== undefined) entry.confirm = pendingConfirm;
      step.cells.push(entry);
      pendingAsks = [];
      pendingConfirm = undefined;
      prose = entry.after;
      i = at.end;
      next++;
      continue;
    }
    const line = lines[i] ?? '';
    const comment = COMMENT.exec(line.trim());
    if (comment) {
      const [, kind = '', rest = ''] = comment;
      if (kind === 'tutorial') {
        const a = attributes(rest);
        tutorial.section = a.section ?? '';
        tutorial.order = Number(a.order ?? Number.NaN);
        header = true;
      } else if (kind === 'ask') pendingAsks.push(question(rest, `${where} line ${i + 1}`));
      else pendingConfirm = attributes(rest).question || 'Run it?';
      continue;
    }
    if (/^<!--.*-->\s*$/.test(line.trim())) continue;
    const title = /^#\s+(.+)$/.exec(line);
    if (title && !tutorial.title) {
      tutorial.title = title[1]?.trim() ?? '';
      continue;
    }
    const step = /^##\s+(.+)$/.exec(line);
    if (step) {
      const entry: TutorialStep = { title: step[1]?.trim() ?? '', intro: [], cells: [] };
      tutorial.steps.push(entry);
      prose = entry.intro;
      continue;
    }
    const link = /\]\((https?:\/\/[^)\s]+)\)/.exec(line);
    if (link && !tutorial.page) tutorial.page = link[1] ?? '';
    prose.push(line);
  }
  if (!header || !tutorial.section || !Number.isFinite(tutorial.order)) {
    throw new UsageError(
      `${where} is not a tutorial: it needs a line <!-- tutorial section="..." order="n" --> before its title.`,
    );
  }
  if (!tutorial.title || !tutorial.page) {
    throw new UsageError(
      `${where}: a tutorial needs a '# ' title and a link to the page it follows.`,
    );
  }
  for (const step of tutorial.steps) {
    for (const list of [step.intro, ...step.cells.map((c) => c.after)]) trimBlank(list);
  }
  trimBlank(tutorial.intro);
  return tutorial;
}

/** Leading and trailing blank lines dropped, runs of them made one. */
function trimBlank(lines: string[]): void {
  const kept = lines.filter((line, i) => line.trim() || (i > 0 && (lines[i - 1] ?? '').trim()));
  while (kept.length && !(kept[0] ?? '').trim()) kept.shift();
  while (kept.length && !(kept.at(-1) ?? '').trim()) kept.pop();
  lines.splice(0, lines.length, ...kept);
}
