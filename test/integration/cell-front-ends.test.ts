// One cell runner for every front end (issue 10): the same cells typed into the REPL (piped),
// run one by one with --eval, replayed from a notebook with --run, and executed by the Jupyter
// kernel must give the same cell: printed lines, result, error and calls (the kernel's in its
// calls display's metadata, as a notebook run in Jupyter keeps them). Each front end saves its session and
// the saved notebooks are compared cell by cell, the way `--run --check` compares (ids,
// origins, times and masked tokens normalised).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cell } from '../../src/notebook/cells.ts';
import { Normaliser } from '../../src/notebook/compare.ts';
import { parseMarkdown } from '../../src/notebook/parse-notebook.ts';
import { keepOutput } from '../hardening/artifacts.ts';
import { KernelClient } from '../helpers/kernel-client.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

/** One line each (the REPL reads lines), independent of each other (--eval runs each alone). */
const TABLE: Array<{ name: string; code: string; check: (cell: Cell) => void }> = [
  {
    name: 'console output and a value',
    code: 'console.log("hi"); 1 + 1',
    check: (c) => {
      expect(c.printed).toEqual(['hi']);
      expect(c.output).toBe('2');
    },
  },
  {
    name: 'a declaration used in the same cell',
    code: 'const x = 41; x + 1',
    check: (c) => expect(c.output).toBe('42'),
  },
  {
    name: 'TypeScript',
    code: 'const t: number = 3; t * 2',
    check: (c) => expect(c.output).toBe('6'),
  },
  {
    name: 'a bare helper call, awaited, with its call',
    code: 'getMfa()',
    check: (c) => {
      expect(c.output).toContain('"mfa_status"');
      expect(c.calls.map((k) => `${k.method} ${k.status}`)).toContain('GET 200');
    },
  },
  {
    name: "a helper's wrong argument",
    code: 'getMfa(42)',
    check: (c) => {
      expect(c.error?.text).toMatch(/^✖ getMfa expects /);
      expect(c.calls).toEqual([]);
    },
  },
  {
    name: 'a JavaScript error',
    code: 'nope()',
    check: (c) => expect(c.error?.text).toBe('Uncaught ReferenceError: nope is not defined'),
  },
  {
    name: "import() of Node's modules",
    code: "(await import('node:path')).posix.join('a', 'b')",
    check: (c) => expect(c.output).toBe("'a/b'"),
  },
  {
    name: 'pprint',
    code: 'pprint({a: 1})',
    check: (c) => expect(c.printed.join('\n')).toBe('{\n    "a": 1\n}'),
  },
  {
    name: 'the bearer token printed by the code, masked',
    code: 'console.error({...auth})',
    check: (c) => {
      expect(c.printed.join('\n')).toMatch(/Authorization: 'Bearer eyJ[\w-]{0,16}…'/);
    },
  },
  {
    name: 'an asynchronous throw while the cell runs, masked, one line',
    code: "setTimeout(() => { throw new Error('late ' + auth.Authorization) }, 1); await new Promise((r) => setTimeout(r, 100))",
    check: (c) => expect(c.error?.text).toMatch(/^Uncaught Error: late Bearer eyJ[\w-]{0,16}…$/),
  },
];

let dir: string;
const sessions: Record<string, Cell[]> = {};

function cellsOf(file: string): Cell[] {
  return parseMarkdown(readFileSync(file, 'utf8'), file).cells;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenant-shell-front-ends-'));
  const env = { TENANT_SHELL_HISTORY: join(dir, 'history') };
  const repl = await tenantShell(['--emulator', '--save', join(dir, 'repl.md')], env, {
    input: `${TABLE.map((r) => r.code).join('\n')}\n`,
  });
  // --run replays the REPL's own saved session (with its errors, so it does not stop at them).
  const [replay, ...evals] = await Promise.all([
    tenantShell(['--emulator', '--run', join(dir, 'repl.md'), '--save', join(dir, 'run.md')], env),
    ...TABLE.map((row, i) =>
      tenantShell(['--emulator', '--eval', row.code, '--save', join(dir, `eval-${i}.md`)], env),
    ),
  ]);
  keepOutput(dir, 'repl.stdout', repl.stdout + repl.stderr);
  keepOutput(dir, 'run.stdout', replay.stdout + replay.stderr);
  expect(repl.code, repl.stderr).toBe(0);
  sessions.repl = cellsOf(join(dir, 'repl.md'));
  sessions.run = cellsOf(join(dir, 'run.md'));
  // The kernel: the same cells as execute requests, what it sent read back as a cell.
  const kernel = await KernelClient.start();
  try {
    sessions.kernel = [];
    for (const row of TABLE) {
      const { msgId, reply } = kernel.execute(row.code);
      await reply;
      const out = await kernel.outputs(msgId);
      const streams = out
        .filter((m) => m.header.msg_type === 'stream')
        .map((m) => String(m.content.text))
        .join('');
      const result = out.find((m) => m.header.msg_type === 'execute_result');
      const error = out.find((m) => m.header.msg_type === 'error');
      const calls = out.flatMap((m) => {
        const meta = (
          m.content.metadata as { tenant_shell?: { calls?: Cell['calls'] } } | undefined
        )?.tenant_shell;
        return m.header.msg_type === 'display_data' ? (meta?.calls ?? []) : [];
      });
      const cell: Cell = {
        n: sessions.kernel.length + 1,
        input: row.code,
        printed: streams === '' ? [] : streams.replace(/\n$/, '').split('\n'),
        calls,
      };
      const text = (result?.content.data as Record<string, unknown> | undefined)?.['text/plain'];
      if (typeof text === 'string') cell.output = text;
      if (error)
        cell.error = {
          name: String(error.content.ename),
          message: String(error.content.evalue),
          text: (error.content.traceback as string[]).join('\n'),
        };
      sessions.kernel.push(cell);
    }
  } finally {
    kernel.close();
  }
  sessions.eval = evals.map((e, i) => {
    keepOutput(dir, `eval-${i}.out`, e.stdout + e.stderr);
    const cell = cellsOf(join(dir, `eval-${i}.md`))[0];
    if (!cell) throw new Error(`--eval of row ${i} saved no cell: ${e.stderr}`);
    return cell;
  });
}, 60_000);

/** What a recorded cell is, normalised as --check normalises it (its number aside). */
function shape(cell: Cell | undefined, n: Normaliser) {
  if (!cell) return undefined;
  return {
    input: cell.input,
    printed: n.text(cell.printed.join('\n')),
    output: n.text(cell.output ?? ''),
    // The text as shown; the name is not compared (a Markdown notebook does not keep it).
    error: cell.error ? n.text(cell.error.text) : '',
    calls: n.calls(cell.calls),
  };
}

describe('the same cell through every front end', () => {
  it('each front end recorded every cell of the table', () => {
    expect(sessions.repl).toHaveLength(TABLE.length);
    expect(sessions.run).toHaveLength(TABLE.length);
    expect(sessions.eval).toHaveLength(TABLE.length);
    expect(sessions.kernel).toHaveLength(TABLE.length);
  });

  TABLE.forEach((row, i) => {
    it(`${row.name}: \`${row.code}\``, () => {
      const [repl, run, one] = [sessions.repl?.[i], sessions.run?.[i], sessions.eval?.[i]];
      if (!repl) throw new Error('the REPL recorded no such cell');
      row.check(repl);
      const reference = shape(repl, new Normaliser());
      expect(shape(run, new Normaliser()), '--run').toEqual(reference);
      expect(shape(one, new Normaliser()), '--eval').toEqual(reference);
      const kernel = sessions.kernel?.[i];
      expect(shape(kernel, new Normaliser()), 'the kernel').toEqual(reference);
    });
  });
});
