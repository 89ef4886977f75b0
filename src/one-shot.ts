import { runInThisContext } from 'node:vm';
import { toJavaScript } from './repl/typescript.ts';

/**
 * Evaluates `--eval CODE` in this process's global context (where the helpers are), with
 * top-level await, returning the value of the last expression when there is one.
 */
export async function evaluate(code: string): Promise<unknown> {
  const js = toJavaScript(code)
    .trim()
    .replace(/;+\s*$/, '');
  for (const source of bodies(js)) {
    let script: () => Promise<unknown>;
    try {
      script = runInThisContext(`(async () => { ${source} })`, { filename: 'eval' });
    } catch (error) {
      if (error instanceof SyntaxError) continue;
      throw error;
    }
    return script();
  }
  // None compiled: run it once more plainly so the user sees the real syntax error.
  return runInThisContext(`(async () => { ${js} })`, { filename: 'eval' })();
}

/** The ways to read the code, best first: an expression, statements ending in one, statements. */
function* bodies(js: string): Generator<string> {
  yield `return (${js}\n);`;
  const cut = js.lastIndexOf(';');
  if (cut > 0) yield `${js.slice(0, cut + 1)}\nreturn (${js.slice(cut + 1)}\n);`;
  yield js;
}
