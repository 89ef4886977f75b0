// The kernel's answers about code that is not run: is_complete (the runner's own compiler),
// complete (helpers, globals, tenant names the session has seen), inspect (a helper's summary
// and example from the registry) and history (the runner's cells). Positions are in Unicode
// codepoints, as the protocol (5.2) says, not UTF-16 units.

import { completeness } from '../cell/compile.ts';
import type { CellRunner } from '../cell/runner.ts';
import { helperDoc } from '../steps/help.ts';
import { HELPERS } from '../steps/registry.ts';

type Content = Record<string, unknown>;

export function isCompleteRequest(content: Content): Content {
  const code = typeof content.code === 'string' ? content.code : '';
  const status = completeness(code);
  return status === 'incomplete' ? { status, indent: '  ' } : { status };
}

const IDENTIFIER_END = /[A-Za-z_$][\w$]*$/u;
/** The text of the string the cursor is inside, if it is inside one (quotes scanned from the start). */
function openString(before: string): string | undefined {
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < before.length; i += 1) {
    const c = before[i];
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote || (c === '\n' && quote !== '`')) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      start = i + 1;
    }
  }
  return quote ? before.slice(start) : undefined;
}

function beforeCursor(content: Content): { code: string; cursor: number; before: string } {
  const code = typeof content.code === 'string' ? content.code : '';
  const points = Array.from(code);
  const pos = typeof content.cursor_pos === 'number' ? content.cursor_pos : points.length;
  const cursor = Math.max(0, Math.min(points.length, pos));
  return { code, cursor, before: points.slice(0, cursor).join('') };
}

export function completeRequest(content: Content, runner: CellRunner | undefined): Content {
  const { cursor, before } = beforeCursor(content);
  let token = '';
  let candidates: string[] = [];
  const quoted = openString(before);
  if (quoted !== undefined) {
    // Inside a string: the names of tenants this session has seen (findTenant('North…).
    token = quoted;
    candidates = runner ? [...runner.state.seen.values()].map((t) => t.name) : [];
  } else {
    const word = IDENTIFIER_END.exec(before);
    token = word?.[0] ?? '';
    // After a dot it is a property: the kernel does not evaluate code to find what it has.
    const dotted = before.slice(0, before.length - token.length).endsWith('.');
    if (!dotted) {
      const names = new Set<string>(HELPERS.map((h) => h.name));
      for (const name of Object.getOwnPropertyNames(globalThis)) names.add(name);
      candidates = [...names];
    }
  }
  const matches = [...new Set(candidates.filter((c) => c.startsWith(token)))].sort();
  return {
    status: 'ok',
    matches,
    cursor_start: cursor - Array.from(token).length,
    cursor_end: cursor,
    metadata: {},
  };
}

/** The identifier the cursor is in or just after. */
function wordAt(content: Content): string {
  const code = typeof content.code === 'string' ? content.code : '';
  const points = Array.from(code);
  const pos = typeof content.cursor_pos === 'number' ? content.cursor_pos : points.length;
  const left = /[\w$]*$/u.exec(points.slice(0, pos).join(''))?.[0] ?? '';
  const right = /^[\w$]*/u.exec(points.slice(pos).join(''))?.[0] ?? '';
  return left + right;
}

export function inspectRequest(content: Content): Content {
  const name = wordAt(content);
  const doc = helperDoc(name);
  if (!doc) return { status: 'ok', found: false, data: {}, metadata: {} };
  return {
    status: 'ok',
    found: true,
    data: { 'text/plain': doc.text, 'text/markdown': doc.markdown },
    metadata: {},
  };
}

type Entry = [number, number, string | [string, string | null]];

/** `*` and `?` as in Jupyter's history search (a glob), everything else literal. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
}

export function historyRequest(content: Content, runner: CellRunner | undefined): Content {
  const cells = runner ? [...runner.state.cells.cells] : [];
  const output = content.output === true;
  const entry = (cell: (typeof cells)[number]): Entry => [
    0,
    cell.n,
    output ? [cell.input, cell.output ?? cell.error?.text ?? null] : cell.input,
  ];
  const n = typeof content.n === 'number' && content.n >= 0 ? content.n : cells.length;
  let chosen = cells;
  switch (content.hist_access_type) {
    case 'range': {
      const start = typeof content.start === 'number' ? content.start : 0;
      const stop = typeof content.stop === 'number' ? content.stop : Number.POSITIVE_INFINITY;
      chosen = cells.filter((c) => c.n >= start && c.n < stop);
      break;
    }
    case 'search': {
      const pattern = globToRegExp(typeof content.pattern === 'string' ? content.pattern : '*');
      chosen = cells.filter((c) => pattern.test(c.input));
      if (content.unique === true) {
        const seen = new Set<string>();
        chosen = chosen.filter((c) => !seen.has(c.input) && seen.add(c.input));
      }
      chosen = chosen.slice(Math.max(0, chosen.length - n));
      break;
    }
    default:
      chosen = cells.slice(Math.max(0, cells.length - n));
  }
  return { status: 'ok', history: chosen.map(entry) };
}
