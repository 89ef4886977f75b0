/**
 * TypeScript at the prompt: each input is turned into JavaScript by esbuild (the compiler tsx
 * uses) before Node's default eval sees it, so top-level await and input preview keep working
 * (tsx's patch-repl does the same). Input esbuild cannot parse is passed through untouched:
 * an unfinished line then reaches the REPL as it is, which asks for the rest.
 */
let esbuild: typeof import('esbuild') | undefined;

export async function toJavaScript(code: string): Promise<string> {
  if (!/[:<]|\b(?:interface|type|enum|as|satisfies|declare|namespace)\b/.test(code)) return code;
  esbuild ??= await import('esbuild');
  const trimmed = code.trim();
  // Like the REPL itself: `{ a: 1 }` is an object, not a block with a label.
  const candidates =
    /^\{[\s\S]*\}$/.test(trimmed) && !trimmed.endsWith(';') ? [`(${trimmed})`, code] : [code];
  for (const source of candidates) {
    try {
      const { code: js } = await esbuild.transform(source, {
        loader: 'ts',
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      return js;
    } catch {
      // not TypeScript we can finish: let the default eval decide (maybe a multi-line input)
    }
  }
  return code;
}
