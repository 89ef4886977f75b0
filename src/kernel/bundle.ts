// A cell's result as a Jupyter MIME bundle: text/plain always (the shell's own rendering, no
// colours), plus the forms a notebook shows better: platform data as application/json, and a
// list of tenants or users as an HTML table. The kernel masks every string of the bundle.

import { formatResult } from '../ui/format.ts';
import { visibleLine } from '../ui/visible.ts';

/** Larger JSON is left to text/plain: a notebook is not the place for megabytes of output. */
const MAX_JSON_CHARS = 1_000_000;

const TABLES: Array<{ needs: string[]; columns: Array<[key: string, title: string]> }> = [
  {
    needs: ['id', 'name', 'kind'],
    columns: [
      ['name', 'name'],
      ['kind', 'kind'],
      ['mfa_status', '2FA'],
      ['id', 'id'],
    ],
  },
  {
    needs: ['id', 'login', 'mfa_status'],
    columns: [
      ['login', 'login'],
      ['email', 'email'],
      ['mfa_status', '2FA'],
      ['id', 'id'],
    ],
  },
];

function isPlainData(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cell(value: unknown): string {
  return escapeHtml(visibleLine(value === undefined || value === null ? '' : String(value)));
}

function htmlTable(rows: readonly unknown[]): string | undefined {
  if (rows.length === 0) return undefined;
  const table = TABLES.find((t) =>
    rows.every((row) => typeof row === 'object' && row !== null && t.needs.every((k) => k in row)),
  );
  if (!table) return undefined;
  const head = table.columns.map(([, title]) => `<th>${escapeHtml(title)}</th>`).join('');
  const body = rows
    .map((row) => {
      const r = row as Record<string, unknown>;
      return `<tr>${table.columns.map(([key]) => `<td>${cell(r[key])}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function resultBundle(value: unknown): Record<string, unknown> {
  const bundle: Record<string, unknown> = { 'text/plain': formatResult(value, false) };
  if (!isPlainData(value)) return bundle;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return bundle; // a cycle, a BigInt: text only
  }
  if (json === undefined || json.length > MAX_JSON_CHARS) return bundle;
  // JSON MIME types carry the object itself, not its text.
  bundle['application/json'] = JSON.parse(json);
  if (Array.isArray(value)) {
    const html = htmlTable(value);
    if (html) bundle['text/html'] = html;
  }
  return bundle;
}
