// A notebook as Jupyter's nbformat 4.5: one code cell per input with its outputs (stream for
// what it printed, execute_result for Out[n], error for Err[n]); the HTTP calls as a Markdown
// display (visible in Jupyter) carrying them whole in its output metadata (read back by --run).
// The kernel sends the same display, since a kernel can write outputs but not cell metadata:
// so a notebook run in Jupyter is checked by --run --check as one saved by the shell.

import { kernelspecOf } from '../kernel/names.ts';
import type { Cell, Notebook, NotebookCall } from './cells.ts';
import { callSummary, describeRecording, formatBody } from './render-markdown.ts';

/** nbformat stores multi-line text as a list of lines, each but the last ending in "\n". */
export function toLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((l) => l);
}

/**
 * The calls of a cell as a display: Markdown and plain text to read, the calls themselves in
 * metadata. Texts are whole strings, as on the wire; a file stores them as lists of lines.
 */
export function callsDisplay(calls: readonly NotebookCall[]) {
  const markdown = calls
    .map((call) => {
      const body =
        call.responseBody === undefined
          ? ''
          : `\n\n\`\`\`json\n${formatBody(call.responseBody, 20)}\n\`\`\``;
      return `- ${callSummary(call)}${body}`;
    })
    .join('\n');
  const plain = calls
    .map((call) => `${call.method} ${call.path} → ${call.status ?? call.error?.code ?? '?'}`)
    .join('\n');
  return {
    data: { 'text/markdown': markdown, 'text/plain': plain },
    metadata: { tenant_shell: { calls } },
  };
}

function codeCell(cell: Cell) {
  const outputs: object[] = [];
  if (cell.printed.length > 0) {
    outputs.push({
      output_type: 'stream',
      name: 'stdout',
      text: toLines(`${cell.printed.join('\n')}\n`),
    });
  }
  if (cell.calls.length > 0) {
    const { data, metadata } = callsDisplay(cell.calls);
    outputs.push({
      output_type: 'display_data',
      data: {
        'text/markdown': toLines(data['text/markdown']),
        'text/plain': toLines(data['text/plain']),
      },
      metadata,
    });
  }
  if (cell.output !== undefined) {
    outputs.push({
      output_type: 'execute_result',
      execution_count: cell.n,
      data: { 'text/plain': toLines(cell.output) },
      metadata: {},
    });
  }
  if (cell.error) {
    outputs.push({
      output_type: 'error',
      ename: cell.error.name,
      evalue: cell.error.message,
      traceback: cell.error.text.split('\n'),
    });
  }
  return {
    cell_type: 'code',
    id: `cell-${cell.n}`,
    execution_count: cell.n,
    metadata: {},
    source: toLines(cell.input),
    outputs,
  };
}

export function renderIpynb(notebook: Notebook): string {
  const intro = {
    cell_type: 'markdown',
    id: 'about',
    metadata: {},
    source: toLines(`# tenant-shell notebook\n\n${describeRecording(notebook)}`),
  };
  const document = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      // Opens on the shell's own kernel (`tenant-shell kernel install`): the emulator's for a
      // session recorded against it, else the one that logs in from a profile or the environment.
      kernelspec: kernelspecOf(notebook.meta.dataCenter === 'emulator'),
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
      tenant_shell: { ...notebook.meta },
    },
    cells: [intro, ...notebook.cells.map(codeCell)],
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}
