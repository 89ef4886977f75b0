// The cell compiler (src/cell/compile.ts): what a cell means, run in this process's global
// context as the runner runs it.
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CellSyntaxError,
  compileCell,
  completeness,
  IMPORT_SYMBOL,
} from '../../src/cell/compile.ts';
import { importForCell } from '../../src/cell/modules.ts';
import { toJsonText } from '../../src/ui/json.ts';

const g = globalThis as Record<string | symbol, unknown>;
const created: string[] = [];

beforeAll(() => {
  g[IMPORT_SYMBOL] = importForCell;
  g.helperCalls = 0;
  g.someHelper = async () => {
    g.helperCalls = (g.helperCalls as number) + 1;
    return 'helped';
  };
});
afterAll(() => {
  // Declared names are the global object's for good (as `var` makes them): emptied, not deleted.
  for (const name of [...created, 'helperCalls', 'someHelper']) g[name] = undefined;
});

/** The cell's value, boxed as the runner gets it (so a promise it answers stays one). */
async function box(code: string): Promise<{ value: unknown } | undefined> {
  const compiled = compileCell(code, new Set(['someHelper']));
  if (compiled.kind !== 'ready') throw compiled.error;
  return (await new Script(compiled.script).runInThisContext()) as { value: unknown } | undefined;
}

async function run(code: string): Promise<unknown> {
  return (await box(code))?.value;
}

describe('a cell', () => {
  it('answers its last expression', async () => {
    expect(await run('1 + 1')).toBe(2);
    expect(await run('const a = 2; a * 21')).toBe(42);
    expect(await run('{a: 1}')).toEqual({ a: 1 });
    expect(await run('for (const i of [1]) {}')).toBeUndefined();
    created.push('a');
  });

  it('keeps a promise it answers as a promise (awaited only when the cell says await)', async () => {
    expect((await box('Promise.resolve(4)'))?.value).toBeInstanceOf(Promise);
    expect(await run('await Promise.resolve(4)')).toBe(4);
  });

  it('leaves its declarations for the next cells, and can be run again', async () => {
    created.push('kept', 'again', 'fn', 'Klass', 'destructured', 'rest');
    await run('const kept = 1; let again = 2');
    expect(await run('kept + again')).toBe(3);
    // Running the same declarations again, as a notebook does, is no "already declared".
    await run('const kept = 10; let again = 20');
    expect(await run('kept + again')).toBe(30);
    await run('function fn(n) { return n < 2 ? 1 : n * fn(n - 1) }');
    expect(await run('fn(5)')).toBe(120);
    await run('class Klass { m() { return 7 } }');
    expect(await run('new Klass().m()')).toBe(7);
    await run('const { destructured, ...rest } = { destructured: 1, x: 2 }');
    expect(await run('[destructured, rest]')).toEqual([1, { x: 2 }]);
  });

  it('calls a function before its declaration in the same cell, as a script does', async () => {
    created.push('early', 'hoisted');
    expect(await run('const early = hoisted(); function hoisted() { return 5 } early')).toBe(5);
  });

  it('`let x;` run again is undefined again; `var x;` keeps its value', async () => {
    created.push('letOnce', 'varOnce');
    await run('let letOnce = 1; var varOnce = 1');
    await run('let letOnce; var varOnce');
    expect(await run('[letOnce, varOnce]')).toEqual([undefined, 1]);
  });

  it('imports, as statements and as import()', async () => {
    created.push('join', 'posix', 'fs');
    expect(await run("import { join, posix } from 'node:path'; join('a', 'b')")).toMatch(/a.b/);
    expect(await run("import * as fs from 'node:fs'; typeof fs.existsSync")).toBe('function');
    expect(await run("(await import('node:fs')).existsSync('/')")).toBe(true);
    expect(await run("typeof (await import('zod')).z.object")).toBe('function');
  });

  it('awaits a bare helper call, and only a helper call', async () => {
    g.helperCalls = 0;
    expect(await run('someHelper()')).toBe('helped');
    expect(await run('someHelper(); 2')).toBe(2);
    expect(g.helperCalls).toBe(2);
    expect((await box('someHelper().then((x) => x.length)'))?.value).toBeInstanceOf(Promise);
  });

  it('strips TypeScript, and tells f<T>(x) from a comparison', async () => {
    created.push('typed', 'Shape', 'box', 'ident');
    expect(await run('const typed: number = 3; typed * 2')).toBe(6);
    expect(await run('interface Shape { a: number }\nconst box: Shape = {a: 4}\nbox.a')).toBe(4);
    await run('function ident<T>(x: T): T { return x }');
    expect(await run('ident<number>(9)')).toBe(9);
  });

  it('keeps the line numbers of the code for runtime errors', async () => {
    const error = (await run('const ok = 1\n\nnope()').catch((e: Error) => e)) as Error;
    created.push('ok');
    expect(error).toBeInstanceOf(ReferenceError);
    expect(error.stack).toMatch(/<anonymous>:3:|evalmachine.<anonymous>:3:/);
  });
});

describe('what is not a whole cell', () => {
  it('an unfinished cell asks for more lines', () => {
    for (const code of ['getMfa(', 'function f() {', '`abc', '[1,\n2,', '/* still', 'const x: {']) {
      expect(compileCell(code).kind, code).toBe('incomplete');
      expect(completeness(code), code).toBe('incomplete');
    }
  });

  it('a broken cell is a syntax error at the place in the user code, with a caret', () => {
    const compiled = compileCell('const a = 1 +* 2');
    expect(compiled.kind).toBe('invalid');
    const error = (compiled as { error: CellSyntaxError }).error;
    expect(error.message).toBe('Unexpected token (line 1, column 14)');
    expect(error.pointer()).toBe('  const a = 1 +* 2\n               ^');
    expect(completeness("'abc")).toBe('invalid');
    expect(completeness('export const e = 1')).toBe('invalid');
  });

  it('an unfinished TypeScript cell too', () => {
    expect(compileCell('const t: number = (').kind).toBe('incomplete');
    const bad = compileCell('const t: number = )');
    expect(bad.kind).toBe('invalid');
    expect((bad as { error: CellSyntaxError }).error.line).toBe(1);
  });

  it('blank input is complete (nothing to run)', () => {
    expect(completeness('   \n')).toBe('complete');
  });
});

describe('--json', () => {
  it('gives every value that has a JSON form one', () => {
    expect(toJsonText({ n: 10n, m: new Map([['a', 1]]), s: new Set([2]), d: new Date(0) })).toEqual(
      {
        text: '{\n  "n": "10",\n  "m": [\n    [\n      "a",\n      1\n    ]\n  ],\n  "s": [\n    2\n  ],\n  "d": "1970-01-01T00:00:00.000Z"\n}',
      },
    );
    expect(toJsonText(undefined)).toEqual({ text: 'null' });
    const shared = { x: 1 };
    expect(toJsonText([shared, shared])).toEqual({
      text: '[\n  {\n    "x": 1\n  },\n  {\n    "x": 1\n  }\n]',
    });
  });

  it('says in one sentence why a value has none', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = { back: circular };
    expect(toJsonText(() => 1)).toEqual({
      problem: expect.stringMatching(/^The result is a function, which has no JSON form/),
    });
    expect(toJsonText(Symbol('s'))).toEqual({
      problem: expect.stringMatching(/^The result is a symbol/),
    });
    expect(toJsonText(circular)).toEqual({
      problem: expect.stringMatching(/^The result refers to itself/),
    });
  });
});
