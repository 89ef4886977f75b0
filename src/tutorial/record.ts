// Records a tutorial's answers into its file, so that `--run FILE --check` has something to
// compare with and a reader on a code-hosting site sees what each cell answers: every cell is
// run, in order, through the one cell runner against the embedded emulator, and its recording
// (printed lines, Out, Err, calls) rewritten as render-markdown.ts writes any notebook's. The
// prose and annotations around the cells are kept as they are.
//
//   node --import tsx src/tutorial/record.ts tutorials/NAME.md [...]

import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { login } from '../auth/login.ts';
import { CellRunner } from '../cell/runner.ts';
import { cellSpans, parseTutorial } from '../notebook/parse-notebook.ts';
import { renderCell } from '../notebook/render-markdown.ts';

export async function recordTutorial(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8');
  const tutorial = parseTutorial(text, basename(file, '.md'), `'${file}'`);
  const session = await login({
    flags: { emulator: true },
    env: {},
    interactive: false,
    describeTenant: true,
    print: () => {},
  });
  const runner = new CellRunner({ session, print: () => {} });
  const rendered: string[] = [];
  try {
    for (const recorded of tutorial.notebook.cells) {
      runner.state.cells.numberNext(recorded.n);
      const outcome = await runner.run(recorded.input, { complete: true });
      if (outcome.status === 'incomplete') throw new Error('a complete cell cannot be incomplete');
      if (outcome.status === 'error') {
        throw new Error(`${file}: cell [${recorded.n}] failed: ${outcome.cell.error?.text}`);
      }
      rendered.push(renderCell(outcome.cell));
    }
  } finally {
    runner.dispose();
    await session.client.close().catch(() => {});
    await session.emulator?.close();
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const spans = cellSpans(text);
  for (let k = spans.length - 1; k >= 0; k--) {
    const span = spans[k];
    const cell = rendered[k];
    if (span && cell !== undefined)
      lines.splice(span.start, span.end - span.start + 1, ...cell.split('\n'));
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  for (const file of process.argv.slice(2)) {
    try {
      await fs.writeFile(file, await recordTutorial(file));
      process.stdout.write(`Recorded ${file}.\n`);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
