// A notebook as Markdown that reads on a code-hosting site as it is: each cell's input as a
// code block, what it printed and answered, and its HTTP calls folded in <details>. The labels
// (`### In [n]`, `Printed:`, `Out[n]:`, `Err[n]:`) are what parse-notebook.ts reads back.

import { STATUS_CODES } from 'node:http';
import { visibleLine } from '../ui/visible.ts';
import type { Cell, Notebook, NotebookCall } from './cells.ts';
import { shellQuote } from './shell-quote.ts';

export const MARKDOWN_MARKER = '<!-- tenant-shell notebook 1 -->';
/** Response bodies longer than this are cut in the file (the result above has the whole value). */
const MAX_BODY_LINES = 60;

/** A fenced block whose fence is longer than any backtick run inside, as CommonMark allows. */
export function fence(content: string, info = ''): string {
  const longest = Math.max(2, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${info}\n${content}\n${marks}`;
}

/** JSON with four-space indents, as the page's pprint shows it; long bodies cut. */
export function formatBody(value: unknown, maxLines = MAX_BODY_LINES): string {
  const text =
    typeof value === 'string' ? value : (JSON.stringify(value, null, 4) ?? String(value));
  const lines = text.split('\n');
  if (lines.length <= maxLines) return text;
  return [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join('\n');
}

export function statusText(call: NotebookCall): string {
  if (call.status === undefined) return call.error?.code ?? 'no answer';
  const reason = STATUS_CODES[call.status];
  return reason ? `${call.status} ${reason}` : String(call.status);
}

function looksLikeJson(text: string): boolean {
  if (!/^[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Text from outside (a tenant's name, a platform message) in the notebook's prose: one line
 * (a name cannot start a `### In [n]` heading of its own, which --run would read as a cell),
 * its control characters shown, and no HTML or Markdown of its own.
 */
export function prose(text: string): string {
  return escapeHtml(visibleLine(text)).replace(/[\\`*_[\]#|~]/g, '\\$&');
}

export function callSummary(call: NotebookCall): string {
  const ms = call.durationMs === undefined ? '' : ` (${Math.round(call.durationMs)} ms)`;
  return `<code>${escapeHtml(`${call.method} ${call.path}`)}</code> → ${statusText(call)}${ms}`;
}

function renderCall(call: NotebookCall): string {
  const parts = ['<details>', `<summary>${callSummary(call)}</summary>`, ''];
  if (call.requestBody !== undefined) {
    parts.push('Request body:', '', fence(formatBody(call.requestBody), 'json'), '');
  }
  if (call.responseBody !== undefined) {
    parts.push('Response body:', '', fence(formatBody(call.responseBody), 'json'), '');
  } else if (call.error) {
    parts.push(`Error: ${prose(`${call.error.code} ${call.error.message}`)}`, '');
  }
  parts.push('</details>');
  return parts.join('\n');
}

export function renderCell(cell: Cell): string {
  const parts = [`### In [${cell.n}]`, '', fence(cell.input, 'ts')];
  if (cell.printed.length > 0)
    parts.push('', 'Printed:', '', fence(cell.printed.join('\n'), 'text'));
  if (cell.output !== undefined) {
    parts.push(
      '',
      `Out[${cell.n}]:`,
      '',
      fence(cell.output, looksLikeJson(cell.output) ? 'json' : 'text'),
    );
  }
  if (cell.error) parts.push('', `Err[${cell.n}]:`, '', fence(cell.error.text, 'text'));
  if (cell.calls.length > 0) {
    const omitted = cell.omittedCalls ? `, and ${cell.omittedCalls} more not kept` : '';
    parts.push(
      '',
      `HTTP calls (${cell.calls.length}${omitted}):`,
      '',
      ...cell.calls.map(renderCall),
    );
  }
  return parts.join('\n');
}

export function describeRecording(notebook: Notebook): string {
  const { meta, cells } = notebook;
  const calls = cells.reduce((sum, c) => sum + c.calls.length, 0);
  const where =
    meta.dataCenter === 'emulator' ? 'the embedded emulator' : `the data center ${meta.dataCenter}`;
  const tenant = meta.tenantName ? `, API client of '${prose(meta.tenantName)}'` : '';
  return `Recorded with tenant-shell ${meta.version} against ${where}${tenant} on ${meta.savedAt}: ${cells.length} cell${cells.length === 1 ? '' : 's'}, ${calls} HTTP call${calls === 1 ? '' : 's'}. Secrets and tokens are masked.`;
}

/** A code span whose backtick fence is longer than any run inside (CommonMark). */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return longest > 0 ? `${marks} ${text} ${marks}` : `${marks}${text}${marks}`;
}

export function renderMarkdown(notebook: Notebook, fileName: string): string {
  const file = shellQuote(visibleLine(fileName));
  const replay =
    notebook.meta.dataCenter === 'emulator'
      ? `tenant-shell --emulator --run ${file} --check`
      : `tenant-shell --run ${file} --check`;
  const head = [
    MARKDOWN_MARKER,
    '# tenant-shell notebook',
    '',
    describeRecording(notebook),
    '',
    `Replay it, comparing every result with the one below: ${codeSpan(replay)}`,
  ];
  return `${[head.join('\n'), ...notebook.cells.map(renderCell)].join('\n\n')}\n`;
}
