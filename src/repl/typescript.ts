import { createRequire } from 'node:module';
import { Script } from 'node:vm';

/**
 * TypeScript at the prompt: each input is turned into JavaScript by esbuild (the compiler tsx
 * uses) before Node's default eval sees it, so top-level await and input preview keep working
 * (tsx's patch-repl does the same). Synchronously, on purpose: an asynchronous step here would
 * let the next pasted line run before this one finishes. Input esbuild cannot parse is passed
 * through untouched: an unfinished line then reaches the REPL as it is, which asks for the rest.
 */
let esbuild: typeof import('esbuild') | undefined;

/** Only inputs that may hold TypeScript syntax pay for the compiler. */
const MAYBE_TYPESCRIPT = /[:<]|\b(?:interface|type|enum|as|satisfies|declare|namespace)\b/;

/** Parses (without running) as the body of an async function: plain JavaScript already. */
function isJavaScript(code: string): boolean {
  try {
    new Script(`(async () => {\n${code}\n})`);
    return true;
  } catch {
    return false;
  }
}

export function toJavaScript(code: string): string {
  if (!MAYBE_TYPESCRIPT.test(code)) return code;
  // `{tenant: 'x'}` has a colon but no types: skip the compiler (its start costs ~100 ms, most
  // of a one-shot run). With a `<`, `f<T>(x)` is valid JavaScript meaning something else.
  if (!code.includes('<') && isJavaScript(code)) return code;
  esbuild ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const trimmed = code.trim();
  // Like the REPL itself: `{ a: 1 }` is an object, not a block with a label.
  const candidates =
    /^\{[\s\S]*\}$/.test(trimmed) && !trimmed.endsWith(';') ? [`(${trimmed})`, code] : [code];
  for (const source of candidates) {
    try {
      return esbuild.transformSync(source, {
        loader: 'ts',
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      }).code;
    } catch {
      // not TypeScript we can finish: let the default eval decide (maybe a multi-line input)
    }
  }
  return code;
}
