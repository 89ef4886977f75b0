// A cell's source made ready to run in the shell's global scope, the same way for every front
// end (REPL, --eval, --run, the kernel):
//
// - TypeScript is stripped by esbuild (the compiler tsx uses), only when the cell may hold types;
// - the cell becomes the body of an async arrow, so top-level `await` works everywhere;
// - top-level declarations (`const`, `let`, `var`, `function`, `class`, `import`) become
//   properties of the global object, so the next cell sees them and running a cell again
//   (as notebooks do) re-declares them instead of failing with "already declared";
// - `import()` goes through the shell's own resolver (the user's folder, then the shell's own
//   dependencies), since vm scripts get no dynamic-import hook on Node 20 without a flag;
// - a bare helper call (`setMfa(true)` typed as on the page) is awaited for the user;
// - the last expression's value is returned, boxed so that a promise shows as a promise.
//
// Edits keep line breaks where they were, so a runtime error's line number is the user's.

import { createRequire } from 'node:module';
import { type Node, Parser } from 'acorn';

export type Compiled =
  | { kind: 'ready'; script: string }
  | { kind: 'incomplete'; error: CellSyntaxError }
  | { kind: 'invalid'; error: CellSyntaxError };

/** The parameter the wrapper passes the shell's `import()` in as. */
export const IMPORT_PARAMETER = '__cellImport';
/** Where the runner puts that function on the global object. */
export const IMPORT_SYMBOL = Symbol.for('tenant-shell.import');

/** A syntax error in the user's code, with where it is: printed with the line and a caret. */
export class CellSyntaxError extends SyntaxError {
  readonly line: number;
  readonly column: number;
  readonly lineText: string;
  readonly reason: string;

  constructor(reason: string, source: string, line: number, column: number) {
    const lineText = source.split(/\r\n|[\n\r\u2028\u2029]/)[line - 1] ?? '';
    super(`${reason} (line ${line}, column ${column + 1})`);
    this.name = 'SyntaxError';
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.lineText = lineText;
  }

  /** `  getMfa(` and a caret under the place, as two lines. */
  pointer(): string {
    const shown = this.lineText.length > 200 ? `${this.lineText.slice(0, 200)}…` : this.lineText;
    const caret = Math.min(this.column, shown.length);
    return `  ${shown}\n  ${' '.repeat(caret)}^`;
  }
}

interface AcornError extends SyntaxError {
  pos: number;
  raisedAt: number;
  loc: { line: number; column: number };
}

const PARSE_OPTIONS = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowAwaitOutsideFunction: true,
  // `import x from 'y'` in a cell is rewritten, not refused.
  allowImportExportEverywhere: true,
  allowHashBang: true,
} as const;

type AnyNode = Node & Record<string, unknown>;

function parse(js: string): { program: AnyNode } | { error: AcornError } {
  try {
    return { program: Parser.parse(js, PARSE_OPTIONS) as unknown as AnyNode };
  } catch (error) {
    if (error instanceof SyntaxError && 'pos' in error) return { error: error as AcornError };
    throw error;
  }
}

/** Reads like the end came too soon: more lines would finish it (the REPL asks for them). */
function endsTooSoon(error: AcornError, js: string): boolean {
  if (/Unterminated string constant/.test(error.message)) return false;
  if (/Unterminated (comment|template)/.test(error.message)) return true;
  return error.raisedAt >= js.trimEnd().length || error.pos >= js.trimEnd().length;
}

function syntaxError(error: AcornError, source: string): CellSyntaxError {
  const reason = error.message.replace(/\s*\(\d+:\d+\)$/, '');
  const atEnd = error.pos >= source.trimEnd().length;
  return new CellSyntaxError(
    atEnd && reason === 'Unexpected token'
      ? 'the code ends before it is finished (a bracket, string or comment left open?)'
      : reason,
    source,
    error.loc.line,
    error.loc.column,
  );
}

// ---- TypeScript -------------------------------------------------------------------------------

let esbuild: typeof import('esbuild') | undefined;

/** Only inputs that may hold TypeScript syntax pay for the compiler (its start costs ~100 ms). */
const MAYBE_TYPESCRIPT = /[:<]|\b(?:interface|type|enum|as|satisfies|declare|namespace)\b/;

type Stripped = { js: string } | { error: CellSyntaxError; incomplete: boolean };

function stripTypes(source: string): Stripped {
  esbuild ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  try {
    const js = esbuild.transformSync(source, {
      loader: 'ts',
      // Keep `import` lines the cell does not use: they may be there for their side effects.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    }).code;
    return { js };
  } catch (error) {
    const first = (
      error as {
        errors?: Array<{ text: string; location?: { line: number; column: number } | null }>;
      }
    ).errors?.[0];
    const line = first?.location?.line ?? 1;
    const column = first?.location?.column ?? 0;
    const text = first?.text ?? String(error);
    const lines = source.split('\n');
    const atEnd = line >= lines.length && column >= (lines[line - 1] ?? '').trimEnd().length - 1;
    return {
      error: new CellSyntaxError(text.replace(/\.$/, ''), source, line, column),
      incomplete: atEnd && /Unexpected end of file|Expected .* but found end of file/.test(text),
    };
  }
}

// ---- the rewrite ------------------------------------------------------------------------------

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Every identifier a declaration pattern binds: `{a, b: [c, ...d]}` gives a, c and d. */
function boundNames(pattern: AnyNode | null | undefined, out: string[]): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties as AnyNode[])
        boundNames((p.type === 'RestElement' ? p.argument : p.value) as AnyNode, out);
      break;
    case 'ArrayPattern':
      for (const e of pattern.elements as Array<AnyNode | null>) boundNames(e, out);
      break;
    case 'RestElement':
      boundNames(pattern.argument as AnyNode, out);
      break;
    case 'AssignmentPattern':
      boundNames(pattern.left as AnyNode, out);
      break;
  }
}

/** Visits every node below `node` (acorn's nodes are plain objects with a `type`). */
function walk(node: AnyNode, visit: (n: AnyNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value)
        if (item && typeof item === 'object' && typeof item.type === 'string') walk(item, visit);
    } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
      walk(value as AnyNode, visit);
    }
  }
}

function applyEdits(js: string, edits: Edit[]): string {
  // Insertions at a place go before a replacement starting there, each in the order made.
  const ordered = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start) || a.i - b.i);
  let out = '';
  let at = 0;
  for (const e of ordered) {
    out += js.slice(at, e.start) + e.text;
    at = Math.max(at, e.end);
  }
  return out + js.slice(at);
}

/** The same number of line breaks as `text` has, so the lines after it keep their numbers. */
function sameLines(text: string): string {
  return text.replace(/[^\n]/g, '');
}

function importCall(node: AnyNode, js: string): string {
  const source = (node.source as AnyNode).raw as string;
  const attributes = (node.attributes as AnyNode[] | undefined) ?? [];
  const options = attributes.length
    ? `, { with: { ${attributes.map((a) => `${js.slice((a.key as AnyNode).start, (a.key as AnyNode).end)}: ${(a.value as AnyNode).raw}`).join(', ')} } }`
    : '';
  return `await ${IMPORT_PARAMETER}(${source}${options})`;
}

/** `import a, {b as c} from 'm'` as statements that set the same names from `import()`. */
function rewriteImport(node: AnyNode, js: string, names: string[]): string {
  const call = importCall(node, js);
  const specifiers = node.specifiers as AnyNode[];
  if (specifiers.length === 0) return `${call};`;
  const namespace = specifiers.find((s) => s.type === 'ImportNamespaceSpecifier');
  const props: string[] = [];
  for (const s of specifiers) {
    const local = (s.local as AnyNode).name as string;
    names.push(local);
    if (s.type === 'ImportDefaultSpecifier') props.push(`default: ${local}`);
    else if (s.type === 'ImportSpecifier') {
      const imported = s.imported as AnyNode;
      const key =
        imported.type === 'Literal' ? (imported.raw as string) : (imported.name as string);
      props.push(`${key}: ${local}`);
    }
  }
  if (namespace) {
    const ns = (namespace.local as AnyNode).name as string;
    return props.length
      ? `${ns} = ${call}; void ({${props.join(', ')}} = ${ns});`
      : `${ns} = ${call};`;
  }
  return `void ({${props.join(', ')}} = ${call});`;
}

/**
 * Compiles a cell. `autoAwait` names the functions a bare top-level call of is awaited (the
 * helpers, whose answers are what the user wants to see, not a pending promise).
 */
export function compileCell(source: string, autoAwait: ReadonlySet<string> = new Set()): Compiled {
  let js = source;
  let parsed = parse(js);
  const trimmed = source.trim();
  // Like Node's REPL: `{ a: 1 }` alone is an object, not a block with a label.
  if (/^\{[\s\S]*\}$/.test(trimmed) && !trimmed.endsWith(';')) {
    const asObject = parse(`(${source})`);
    if ('program' in asObject && (asObject.program.body as AnyNode[]).length === 1) {
      js = `(${source})`;
      parsed = asObject;
    }
  }
  // `f<T>(x)` is valid JavaScript meaning something else: with a `<`, TypeScript decides.
  const typed = MAYBE_TYPESCRIPT.test(source) && ('error' in parsed || source.includes('<'));
  if (typed) {
    const stripped = stripTypes(source);
    if ('error' in stripped) {
      if ('error' in parsed && endsTooSoon(parsed.error, source))
        return { kind: 'incomplete', error: syntaxError(parsed.error, source) };
      return { kind: stripped.incomplete ? 'incomplete' : 'invalid', error: stripped.error };
    }
    js = stripped.js;
    parsed = parse(js);
  }
  if ('error' in parsed) {
    const error = syntaxError(parsed.error, typed ? js : source);
    return { kind: endsTooSoon(parsed.error, js) ? 'incomplete' : 'invalid', error };
  }

  const edits: Edit[] = [];
  const hoisted: string[] = [];
  const functions: string[] = [];
  const body = parsed.program.body as AnyNode[];
  const last = body.at(-1);

  for (const statement of body) {
    switch (statement.type) {
      case 'VariableDeclaration': {
        const declarations = statement.declarations as AnyNode[];
        const first = declarations[0];
        if (!first) break;
        edits.push({ start: statement.start, end: first.start, text: 'void (' });
        for (const d of declarations) {
          boundNames(d.id as AnyNode, hoisted);
          // `let x;` run again is undefined again; `var x;` keeps its value, as in a script.
          if (!d.init && statement.kind !== 'var')
            edits.push({ start: d.end, end: d.end, text: ' = undefined' });
        }
        const semicolon = js[statement.end - 1] === ';';
        const at = semicolon ? statement.end - 1 : statement.end;
        edits.push({ start: at, end: at, text: ')' });
        break;
      }
      case 'FunctionDeclaration': {
        const name = (statement.id as AnyNode).name as string;
        hoisted.push(name);
        functions.push(name);
        break;
      }
      case 'ClassDeclaration': {
        const name = (statement.id as AnyNode).name as string;
        hoisted.push(name);
        edits.push({ start: statement.start, end: statement.start, text: `${name} = ` });
        edits.push({ start: statement.end, end: statement.end, text: ';' });
        break;
      }
      case 'ImportDeclaration': {
        const original = js.slice(statement.start, statement.end);
        edits.push({
          start: statement.start,
          end: statement.end,
          text: rewriteImport(statement, js, hoisted) + sameLines(original),
        });
        break;
      }
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration': {
        const at = statement.loc ?? { start: { line: 1, column: 0 } };
        const error = new CellSyntaxError(
          "'export' is for modules: in a cell, declare the name (const x = …) and the next cells see it",
          typed ? js : source,
          at.start.line,
          at.start.column,
        );
        return { kind: 'invalid', error };
      }
      case 'ExpressionStatement': {
        const expression = statement.expression as AnyNode;
        const bare =
          expression.type === 'CallExpression' &&
          (expression.callee as AnyNode).type === 'Identifier' &&
          autoAwait.has((expression.callee as AnyNode).name as string);
        if (statement === last) {
          // Around the statement, not the expression: `({a: 1})` has its parentheses outside.
          const end = js[statement.end - 1] === ';' ? statement.end - 1 : statement.end;
          edits.push({ start: statement.start, end: statement.start, text: 'return { value: (' });
          edits.push({ start: end, end, text: ') }' });
        }
        if (bare) edits.push({ start: expression.start, end: expression.start, text: 'await ' });
        break;
      }
    }
  }
  walk(parsed.program, (node) => {
    if (node.type === 'ImportExpression')
      edits.push({ start: node.start, end: node.start + 'import'.length, text: IMPORT_PARAMETER });
  });

  const names = [...new Set(hoisted)];
  const declare = names.length ? `var ${names.join(', ')}; ` : '';
  const publish = functions.map((f) => `globalThis[${JSON.stringify(f)}] = ${f}; `).join('');
  const script =
    `${declare}(async (${IMPORT_PARAMETER}) => { ${publish}${applyEdits(js, edits)}\n})` +
    `(globalThis[Symbol.for('tenant-shell.import')])`;
  return { kind: 'ready', script };
}

/** Whether the code is a whole cell, needs more lines, or cannot be one (the kernel's is_complete). */
export function completeness(source: string): 'complete' | 'incomplete' | 'invalid' {
  if (source.trim() === '') return 'complete';
  const compiled = compileCell(source);
  return compiled.kind === 'ready' ? 'complete' : compiled.kind;
}
