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
const SUMMARY = /<summary><code>([A-Z]+) ([^<]+)<\/code> → (\d{3}|E_[A-Z_]+)/;

const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

export function parseMarkdown(text: string, name = 'the notebook'): Notebook {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cells: Array<Cell & { hasInput: boolean }> = [];
  let cell: (Cell & { hasInput: boolean }) | undefined;
  let label = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = HEADING.exec(line);
    if (heading) {
      cell = { n: Number(heading[1]), input: '', printed: [], calls: [], hasInput: false };
      cells.push(cell);
      label = '';
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
      continue;
    }
    if (line.trim()) label = LABEL.exec(line.trim())?.[1]?.replace(/\s*\[\d+\]/, '') ?? '';
  }
  if (cells.length === 0) {
    throw new UsageError(
      `${name} holds no cells: a tenant-shell notebook has '### In [1]' headings, each followed by a code block.`,
    );
  }
  const empty = cells.find((c) => !c.hasInput);
  if (empty)
    throw new UsageError(`${name}: cell [${empty.n}] has no code block after its heading.`);
  return { meta: UNKNOWN_META, cells: cells.map(({ hasInput: _, ...c }) => c) };
}

function joined(source: unknown): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) return source.map(String).join('');
  return '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    for (const output of Array.isArray(raw.outputs) ? raw.outputs : []) {
      if (!isObject(output)) continue;
      if (output.output_type === 'stream') {
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
    const meta = isObject(raw.metadata) ? raw.metadata.tenant_shell : undefined;
    if (isObject(meta) && Array.isArray(meta.calls)) {
      cell.calls = meta.calls.filter(
        (c): c is NotebookCall =>
          isObject(c) && typeof c.method === 'string' && typeof c.path === 'string',
      );
    }
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
