// What a saved script repeats, independent of its language: the session's API calls in order,
// with what was particular to that session turned into script variables, so the script runs
// unmodified elsewhere and more than once:
//   - the session's own tenant id → `tenant_id` (the script reads it from GET /clients/{id});
//   - the API client id → `client_id` (from the environment);
//   - the id answered by a POST (a tenant, a user...) → `created_tenant_id`, `created_user_id`,
//     `created_tenant_id_2`..., used in every later path and body;
//   - a tenant name or user login the session created → the same plus a run-unique suffix
//     (`<name> <run_id>`, `<login>-<run_id>`), since both are unique across the platform.
// Token requests are left out: the script logs in itself. Ids found otherwise (a search, a
// listing) stay as they were: they name the same objects only on the same platform.

import type { Cell, NotebookCall } from './cells.ts';

/** A string of the script: literal text and script variables, in order. */
export type Piece = { text: string } | { variable: string };

export class Str {
  readonly pieces: Piece[];

  constructor(pieces: Piece[]) {
    this.pieces = pieces;
  }

  /** The variable this string is exactly, if it is one and nothing else. */
  get onlyVariable(): string | undefined {
    const [first, ...rest] = this.pieces;
    return first && 'variable' in first && rest.length === 0 ? first.variable : undefined;
  }

  get variables(): string[] {
    return this.pieces.flatMap((p) => ('variable' in p ? [p.variable] : []));
  }
}

/** A JSON value whose strings may hold variables. */
export type Value = null | boolean | number | Str | Value[] | { [key: string]: Value };

export interface ScriptCall {
  method: string;
  /** Relative to `base_url` (which ends in /api/2). */
  path: Str;
  body?: Value;
  /** The status the session got: the script stops when the platform answers otherwise. */
  status: number;
  /** Keeps the answer's `id` in this variable. */
  saveIdAs?: string;
}

export interface ScriptCell {
  n: number;
  input: string;
  calls: ScriptCall[];
}

export interface ScriptPlan {
  cells: ScriptCell[];
  /** Whether any name or login gets the run suffix (the script then defines `run_id`). */
  usesRunId: boolean;
}

export interface SessionIds {
  /** The API client's tenant in the session (the tutorial's first `tenant_id`). */
  homeTenantId: string;
  clientId?: string;
}

export const RUN_ID = 'run_id';
const API_PREFIX = '/api/2';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TOKEN_PATH = /^\/api\/2\/idp\/token\b/;

/** Replays these: answered calls under /api/2, but not the token endpoint. */
function replayable(call: NotebookCall): call is NotebookCall & { status: number } {
  return (
    call.status !== undefined &&
    call.path.startsWith(`${API_PREFIX}/`) &&
    !TOKEN_PATH.test(call.path)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/api/2/tenants?x=1` → `tenants`: what a POST created, for its variable's name. */
function createdKind(path: string): string {
  const resource = path.slice(API_PREFIX.length).split('?')[0]?.split('/').filter(Boolean).at(-1);
  const singular = resource?.replace(/ies$/, 'y').replace(/s$/, '');
  return singular && /^[a-z_]+$/.test(singular) ? singular : 'object';
}

/** Names and logins the session created, with the suffix each gets in the script. */
function createdNames(calls: NotebookCall[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const call of calls) {
    if (call.method !== 'POST' || !isObject(call.requestBody) || (call.status ?? 0) >= 300)
      continue;
    const path = call.path.split('?')[0];
    const { name, login } = call.requestBody;
    if (path === `${API_PREFIX}/tenants` && typeof name === 'string') names.set(name, ' ');
    if (path === `${API_PREFIX}/users` && typeof login === 'string') names.set(login, '-');
  }
  return names;
}

class Substitutions {
  readonly ids = new Map<string, string>();
  usesRunId = false;
  private readonly names: Map<string, string>;

  constructor(names: Map<string, string>) {
    this.names = names;
  }

  /** A whole string value: a created name gets the suffix; ids anywhere become variables. */
  value(text: string): Str {
    const separator = this.names.get(text);
    if (separator !== undefined) {
      this.usesRunId = true;
      return new Str([{ text: `${text}${separator}` }, { variable: RUN_ID }]);
    }
    return new Str(this.withIds(text));
  }

  /** A path with its query: ids in it, and query values that are created names. */
  path(path: string): Str {
    const relative = path.slice(API_PREFIX.length);
    const [route = '', query] = splitOnce(relative, '?');
    const pieces = this.withIds(route);
    if (query !== undefined) {
      pieces.push({ text: '?' });
      query.split('&').forEach((pair, i) => {
        if (i > 0) pieces.push({ text: '&' });
        const [key = '', raw] = splitOnce(pair, '=');
        if (raw === undefined) {
          pieces.push(...this.withIds(key));
          return;
        }
        const decoded = safeDecode(raw);
        const separator = decoded === undefined ? undefined : this.names.get(decoded);
        if (separator !== undefined) {
          this.usesRunId = true;
          // The run id is letters and digits: only the separator needs encoding.
          pieces.push(
            { text: `${key}=${raw}${encodeURIComponent(separator)}` },
            { variable: RUN_ID },
          );
        } else pieces.push({ text: `${key}=` }, ...this.withIds(raw));
      });
    }
    return new Str(mergePieces(pieces));
  }

  body(value: unknown): Value {
    if (typeof value === 'string') return this.value(value);
    if (Array.isArray(value)) return value.map((v) => this.body(v));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.body(v)]));
    }
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
    return null;
  }

  private withIds(text: string): Piece[] {
    const pieces: Piece[] = [];
    let last = 0;
    for (const match of text.matchAll(UUID)) {
      const variable = this.ids.get(match[0].toLowerCase());
      if (!variable) continue;
      if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
      pieces.push({ variable });
      last = match.index + match[0].length;
    }
    if (last < text.length || pieces.length === 0) pieces.push({ text: text.slice(last) });
    return pieces;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Adjacent texts joined, empty texts dropped. */
export function mergePieces(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const previous = out.at(-1);
    if ('text' in piece && previous && 'text' in previous) previous.text += piece.text;
    else if (!('text' in piece) || piece.text) out.push({ ...piece });
  }
  return out;
}

/** A string body that is JSON is replayed as that JSON (the page's json.dumps text). */
function bodyValue(call: NotebookCall): unknown {
  if (typeof call.requestBody !== 'string') return call.requestBody;
  try {
    return JSON.parse(call.requestBody);
  } catch {
    return call.requestBody;
  }
}

export function planScript(cells: readonly Cell[], session: SessionIds): ScriptPlan {
  const all = cells.flatMap((c) => c.calls);
  const subs = new Substitutions(createdNames(all.filter(replayable)));
  subs.ids.set(session.homeTenantId.toLowerCase(), 'tenant_id');
  if (session.clientId) subs.ids.set(session.clientId.toLowerCase(), 'client_id');
  const taken = new Map<string, number>();

  const planned = cells.map((cell): ScriptCell => {
    const calls = cell.calls.filter(replayable).map((call): ScriptCall => {
      const step: ScriptCall = {
        method: call.method,
        path: subs.path(call.path),
        status: call.status,
      };
      const body = bodyValue(call);
      if (body !== undefined) step.body = subs.body(body);
      const id = isObject(call.responseBody) ? call.responseBody.id : undefined;
      if (
        call.method === 'POST' &&
        call.status < 300 &&
        typeof id === 'string' &&
        !subs.ids.has(id.toLowerCase())
      ) {
        const base = `created_${createdKind(call.path)}_id`;
        const count = (taken.get(base) ?? 0) + 1;
        taken.set(base, count);
        step.saveIdAs = count === 1 ? base : `${base}_${count}`;
        subs.ids.set(id.toLowerCase(), step.saveIdAs);
      }
      return step;
    });
    return { n: cell.n, input: cell.input, calls };
  });
  return { cells: planned, usesRunId: subs.usesRunId };
}
