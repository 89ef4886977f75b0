import { inspect } from 'node:util';
import { visible, visibleLine } from './visible.ts';

/** Values that came from the platform: printed as JSON, the way the page's `pprint` shows them. */
const platformData = new WeakSet<object>();

export function markPlatformData<T>(value: T): T {
  if (value && typeof value === 'object') platformData.add(value);
  return value;
}

/** The page's `pprint.pprint(response.json())`: JSON with four-space indents. */
export function pprint(value: unknown): string {
  if (value === undefined) return 'None';
  // JSON escapes C0 characters in strings, not C1 or the bidi overrides: those are shown too.
  return visible(JSON.stringify(value, null, 4) ?? String(value));
}

interface Column {
  key: string;
  title: string;
}

function table(rows: Record<string, unknown>[], columns: Column[]): string {
  const cells = rows.map((r) => columns.map((c) => visibleLine(String(r[c.key] ?? ''))));
  const widths = columns.map((c, i) =>
    Math.min(48, Math.max(c.title.length, ...cells.map((row) => (row[i] ?? '').length))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return v.length > w ? `${v.slice(0, w - 1)}…` : v.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}

const TENANT_COLUMNS: Column[] = [
  { key: 'name', title: 'name' },
  { key: 'kind', title: 'kind' },
  { key: 'mfa_status', title: '2FA' },
  { key: 'id', title: 'id' },
];
const USER_COLUMNS: Column[] = [
  { key: 'login', title: 'login' },
  { key: 'email', title: 'email' },
  { key: 'mfa_status', title: '2FA' },
  { key: 'id', title: 'id' },
];

function isRowOf(value: unknown, keys: string[]): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && keys.every((k) => k in (value as object));
}

/** Set by results that say themselves in a few lines (a tree-wide plan or summary). */
const PRINTS_AS_TEXT = Symbol.for('tenant-shell.prints-as-text');

/** How the REPL prints a result: tables for lists of tenants and users, JSON for platform data. */
export function formatResult(value: unknown, colors: boolean): string {
  // A summary or plan says itself with the names it holds: shown with their controls visible.
  if (value && typeof value === 'object' && PRINTS_AS_TEXT in value) return visible(inspect(value));
  if (Array.isArray(value) && value.length > 0 && platformData.has(value)) {
    const count = `(${value.length} item${value.length === 1 ? '' : 's'})`;
    if (value.every((v) => isRowOf(v, ['id', 'name', 'kind']))) {
      return `${table(value, TENANT_COLUMNS)}\n${count}`;
    }
    if (value.every((v) => isRowOf(v, ['id', 'login', 'mfa_status']))) {
      return `${table(value, USER_COLUMNS)}\n${count}`;
    }
  }
  if (value && typeof value === 'object' && platformData.has(value)) return pprint(value);
  // inspect escapes controls inside strings, but not the bidi overrides; its colours stay.
  return visible(inspect(value, { colors, depth: 6, maxArrayLength: 200 }), { colors });
}
