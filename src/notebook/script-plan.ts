// What a saved script repeats, independent of its language: the session's API calls in order,
// with what was particular to that session turned into script variables, so the script runs
// unmodified elsewhere and more than once:
//   - the session's own tenant id → `tenant_id` (the script reads it from GET /clients/{id});
//   - the API client id → `client_id` (from the environment);
//   - the id answered by a POST (a tenant, a user...) → `created_tenant_id`, `created_user_id`,
//     `created_tenant_id_2`..., used in every later path and body;
//   - any other value a cell took from an answer (a report's stored file id, a one-time token,
//     a pricing version) → a variable read from the script's own answer at the same place
//     (the same key, or the array item with the same typed field), named after the variable
//     the cell assigned where one is plain to see;
//   - a tenant name or user login the session created → the same plus a run-unique suffix
//     (`<name> <run_id>`, `<login>-<run_id>`), since both are unique across the platform;
//   - a secret the session sent (a password) → a variable from an optional environment
//     variable, else random: the script never holds the session's secret;
//   - a GET a cell repeated in a loop until the answer's `status` fields said so → polled the
//     same way (the platform takes a while to make a report).
// Values the user typed stay as typed. Token requests are left out: the script logs in itself.

import { ELLIPSIS, MASK, SECRET_KEYS } from '../api/redact.ts';
import type { Cell, NotebookCall } from './cells.ts';

/** A string of the script: literal text and script variables, in order. */
export type Piece = { text: string } | { variable: string; numeric?: true };

export class Str {
  readonly pieces: Piece[];

  constructor(pieces: Piece[]) {
    this.pieces = pieces;
  }

  /** The string variable this string is exactly, if it is one and nothing else. */
  get onlyVariable(): string | undefined {
    const [first, ...rest] = this.pieces;
    return first && 'variable' in first && !first.numeric && rest.length === 0
      ? first.variable
      : undefined;
  }

  get variables(): string[] {
    return this.pieces.flatMap((p) => ('variable' in p ? [p.variable] : []));
  }
}

/** A whole JSON value held by a script variable: a number read from an answer. */
export class Var {
  readonly variable: string;

  constructor(variable: string) {
    this.variable = variable;
  }
}

/** A JSON value whose strings may hold variables. */
export type Value = null | boolean | number | Str | Var | Value[] | { [key: string]: Value };

/** One step into an answer: a key, an array index, or the array item whose `key` is `value`. */
export type Step = { key: string } | { index: number } | { pick: { key: string; value: string } };

/** A value of a call's answer the script keeps: `variable = answer[steps...]`. */
export interface Save {
  variable: string;
  from: Step[];
}

export interface ScriptCall {
  method: string;
  /** Relative to `base_url` (which ends in /api/2). */
  path: Str;
  body?: Value;
  /** The status the session got: the script stops when the platform answers otherwise. */
  status: number;
  /** Values of the answer that later calls use, kept right after it. */
  saves: Save[];
  /** Sent again until the answer's `status` fields (depth first) are these, as the cell waited. */
  poll?: string[];
}

export interface ScriptCell {
  n: number;
  input: string;
  calls: ScriptCall[];
}

/** A secret the session sent: the script reads it from `env`, else makes a random one. */
export interface ScriptSecret {
  variable: string;
  env: string;
  /** The JSON key it was sent as (`password`). */
  key: string;
  /** The cells that send it. */
  cells: number[];
}

export interface ScriptPlan {
  cells: ScriptCell[];
  /** Whether any name or login gets the run suffix (the script then defines `run_id`). */
  usesRunId: boolean;
  secrets: ScriptSecret[];
  /** The session's own secrets as its recording holds them: masked where a cell's input is quoted. */
  typedSecrets: string[];
}

export interface SessionIds {
  /** The API client's tenant in the session (the tutorial's first `tenant_id`). */
  homeTenantId: string;
  clientId?: string;
}

export const RUN_ID = 'run_id';
const API_PREFIX = '/api/2';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_PATH = /^\/api\/2\/idp\/token\b/;
/**
 * Strings other than ids a later call may take from an answer: ones that look made by the
 * platform (a date, a token: a digit in them), not its names (`workstations`), and that go into
 * paths and JSON text as they are (no quote, space or escape).
 */
const GENERATED = /^(?=.*\d)[\w.:+/=~-]{6,}$/;
/** Numbers a later call takes from an answer: the version a change sends back. */
const VERSION_KEY = /^(version|\w+_version)$/;
/** A cell that loops: its GETs were polls. */
const LOOP = /\b(for|while)\s*\(|\bdo\s*\{/;
/** Names the scripts define themselves, and words the three languages keep. */
const RESERVED = new Set(
  `answer auth base_url basic call client client_id client_secret env expect headers item json
  last main os poll request requests response run_id secrets send statuses status sys tenant_id
  time token tries url value and as assert async await break case catch class const continue def
  default del delete dict do elif else enum except export false finally for from function global
  id if import in input int is lambda len let list new next none nonlocal not null or pass print
  raise range return set str super switch this throw true try type typeof var void while with yield`.split(
    /\s+/,
  ),
);

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

/** Masked by the session's redactor: the value itself is unknown, its place in the answers is not. */
function isMasked(text: string): boolean {
  return text === MASK || text.endsWith(ELLIPSIS);
}

/** `/api/2/tenants/<id>/pricing?x=1` → `pricing`: what a call is about, for its variables' names. */
function resourceOf(path: string): string {
  const segments = path.slice(API_PREFIX.length).split('?')[0]?.split('/') ?? [];
  const resource = segments.filter((s) => s && !WHOLE_UUID.test(s)).at(-1);
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

/** The `status` strings of an answer, depth first (jq's `[.. | .status? | strings]`). */
export function statusesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(statusesOf);
  if (!isObject(value)) return [];
  const own = typeof value.status === 'string' ? [value.status] : [];
  return [...own, ...Object.values(value).flatMap(statusesOf)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `userId` → `user_id`. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** An answer the script gets, where later calls may find their values. */
interface Reply {
  call: ScriptCall;
  body: unknown;
  /** The index of its cell. */
  cell: number;
  resource: string;
}

type Found = (value: unknown, key: string | undefined) => boolean;

/** Every place in `body` where `found` holds, depth first: keys and array indexes. */
function locate(body: unknown, found: Found): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (value: unknown, key: string | undefined, trail: (string | number)[]) => {
    if (found(value, key)) out.push(trail);
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, key, [...trail, i]);
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, k, [...trail, k]);
    }
  };
  walk(body, undefined, []);
  return out;
}

class Planner {
  readonly ids = new Map<string, string>();
  /** Other values read from answers (`number:1796120715221`), with their variables. */
  private readonly values = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly counts = new Map<string, number>();
  private readonly names: Map<string, string>;
  private readonly inputs: string[];
  private readonly replies: Reply[] = [];
  private readonly secretsByValue = new Map<string, ScriptSecret>();
  readonly secrets: ScriptSecret[] = [];
  readonly typedSecrets: string[] = [];
  usesRunId = false;
  /** The cell being planned (its index and number), and what the user typed up to it. */
  private cell = 0;
  private n = 0;
  private typed = '';

  constructor(names: Map<string, string>, inputs: string[]) {
    this.names = names;
    this.inputs = inputs;
  }

  enterCell(index: number, n: number): void {
    this.cell = index;
    this.n = n;
    this.typed = this.inputs.slice(0, index + 1).join('\n');
  }

  /** The answer of a call, for the calls after it. */
  answered(call: ScriptCall, body: unknown, path: string): void {
    if (call.status < 300 && (isObject(body) || Array.isArray(body))) {
      this.replies.push({ call, body, cell: this.cell, resource: resourceOf(path) });
    }
  }

  /** A new variable `base`, `base_2`, ... not taken by another value. */
  unique(base: string): string {
    let count = this.counts.get(base) ?? 0;
    let name: string;
    do {
      count++;
      name = count === 1 ? base : `${base}_${count}`;
    } while (this.taken.has(name) || RESERVED.has(name));
    this.counts.set(base, count);
    this.taken.add(name);
    return name;
  }

  /** A whole string value of a body, under `key`. */
  value(text: string, key: string | undefined): Str {
    const separator = this.names.get(text);
    if (separator !== undefined) {
      this.usesRunId = true;
      return new Str([{ text: `${text}${separator}` }, { variable: RUN_ID }]);
    }
    if (key !== undefined && SECRET_KEYS.has(key) && text !== '') {
      return new Str([{ variable: this.fromReply(text, key) ?? this.secret(text, key) }]);
    }
    if (key !== undefined && /^\d+$/.test(text) && VERSION_KEY.test(key)) {
      // `String(moved.version)`: a version sent as text; the variable holds the number.
      const variable = this.fromReply(Number(text), key);
      if (variable) return new Str([{ variable, numeric: true }]);
    }
    if (key !== undefined && !WHOLE_UUID.test(text)) {
      const variable = this.fromReply(text, key);
      if (variable) return new Str([{ variable }]);
    }
    return new Str(this.withIds(text));
  }

  /** A number of a body, under `key`: a version from an answer when it came from one. */
  number(n: number, key: string | undefined): number | Var {
    const variable =
      key === undefined || !VERSION_KEY.test(key) ? undefined : this.fromReply(n, key);
    return variable ? new Var(variable) : n;
  }

  /** A path with its query: ids in it, and query values that are created names or answers' values. */
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
        const fromReply =
          decoded === undefined || separator !== undefined || WHOLE_UUID.test(decoded)
            ? undefined
            : /^\d+$/.test(decoded)
              ? VERSION_KEY.test(key)
                ? this.fromReply(Number(decoded), key)
                : undefined
              : this.fromReply(decoded, key);
        if (separator !== undefined) {
          this.usesRunId = true;
          // The run id is letters and digits: only the separator needs encoding.
          pieces.push(
            { text: `${key}=${raw}${encodeURIComponent(separator)}` },
            { variable: RUN_ID },
          );
        } else if (fromReply) pieces.push({ text: `${key}=` }, { variable: fromReply });
        else pieces.push({ text: `${key}=` }, ...this.withIds(raw));
      });
    }
    return new Str(mergePieces(pieces));
  }

  body(value: unknown, key?: string): Value {
    if (typeof value === 'string') return this.value(value, key);
    if (typeof value === 'number') return this.number(value, key);
    if (Array.isArray(value)) return value.map((v) => this.body(v, key));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.body(v, k)]));
    }
    if (typeof value === 'boolean' || value === null) return value;
    return null;
  }

  private withIds(text: string): Piece[] {
    const pieces: Piece[] = [];
    let last = 0;
    for (const match of text.matchAll(UUID)) {
      const id = match[0].toLowerCase();
      const variable = this.ids.get(id) ?? this.uuidFromReply(id);
      if (!variable) continue;
      if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
      pieces.push({ variable });
      last = match.index + match[0].length;
    }
    if (last < text.length || pieces.length === 0) pieces.push({ text: text.slice(last) });
    return pieces;
  }

  /** Whether the user typed this value in a cell so far (then it stays as typed). */
  private wasTyped(value: string | number, key: string): boolean {
    if (typeof value === 'string') return this.typed.toLowerCase().includes(value.toLowerCase());
    const n = escapeRegExp(String(value));
    const keyed = new RegExp(`\\b${escapeRegExp(key)}['"]?\\s*[:=]\\s*${n}(?![\\w.])`);
    const anywhere = new RegExp(`(?<![\\w.])${n}(?![\\w.])`);
    return keyed.test(this.typed) || (n.length >= 3 && anywhere.test(this.typed));
  }

  /** An id found in an earlier answer, as the variable that reads it there. */
  private uuidFromReply(id: string): string | undefined {
    if (this.wasTyped(id, '')) return undefined;
    const found: Found = (v) => typeof v === 'string' && v.toLowerCase() === id;
    const variable = this.search(found, 'id');
    if (variable) this.ids.set(id, variable);
    return variable;
  }

  /** A value sent under `key` that an earlier answer had under the same key, as its variable. */
  private fromReply(value: string | number, key: string): string | undefined {
    const known = this.values.get(`${typeof value}:${value}`);
    if (known) return known;
    const masked = typeof value === 'string' && isMasked(value);
    if (typeof value === 'string' && !masked && !GENERATED.test(value)) return undefined;
    if (!masked && this.wasTyped(value, key)) return undefined;
    // Masked, the value is unknown and its masks may differ (`****` in the answer, `OK8A…` sent
    // in a string): the latest answer with a masked value under the same key is the one.
    const found: Found = masked
      ? (v, k) => k === key && typeof v === 'string' && isMasked(v)
      : (v, k) => v === value && k === key;
    const variable = this.search(found, key, true);
    if (variable) this.values.set(`${typeof value}:${value}`, variable);
    return variable;
  }

  /** The latest answer where `found` holds; a variable saved from there. */
  private search(found: Found, key: string, sameKey = false): string | undefined {
    for (const reply of [...this.replies].reverse()) {
      const places = locate(reply.body, found);
      const place =
        places.find((p) => p.at(-1) === key) ?? (sameKey ? undefined : places.find(() => true));
      if (!place || place.length === 0) continue;
      const from = this.steps(reply.body, place);
      const variable = this.nameFor(reply, from, key);
      reply.call.saves.push({ variable, from });
      return variable;
    }
    return undefined;
  }

  /** Keys and indexes as steps; an array item is picked by a field the user typed, if one tells it apart. */
  private steps(body: unknown, place: (string | number)[]): Step[] {
    const steps: Step[] = [];
    let value = body;
    for (const part of place) {
      if (typeof part === 'string') {
        steps.push({ key: part });
        value = isObject(value) ? value[part] : undefined;
        continue;
      }
      const items = Array.isArray(value) ? value : [];
      const item = items[part];
      const pick = isObject(item)
        ? Object.entries(item).find(
            ([k, v]) =>
              typeof v === 'string' &&
              v.length > 1 &&
              this.typed.includes(v) &&
              items.filter((other) => isObject(other) && other[k] === v).length === 1,
          )
        : undefined;
      steps.push(pick ? { pick: { key: pick[0], value: pick[1] as string } } : { index: part });
      value = item;
    }
    return steps;
  }

  /**
   * The variable a cell assigned the value to (`report_id = response.json().id`,
   * `csv_id = stored.find(... 'csv_v2_0').id`), else the answer's resource and key
   * (`pricing_version`).
   */
  private nameFor(reply: Reply, from: Step[], hint: string): string {
    const last = from.at(-1);
    const key = last && 'key' in last ? last.key : hint;
    const picks = from.flatMap((s) => ('pick' in s ? [s.pick.value] : []));
    const assignment =
      /(?:^|[^\w.$])(?:(?:const|let|var)\s+)?([A-Za-z_][\w]*)\s*=(?![=>])\s*([^\n;]+)/g;
    const ending = new RegExp(`(\\.${escapeRegExp(key)}|\\[['"]${escapeRegExp(key)}['"]\\])\\s*$`);
    for (const input of this.inputs.slice(reply.cell, this.cell + 1)) {
      for (const [, name = '', rhs = ''] of input.matchAll(assignment)) {
        const snake = snakeCase(name);
        if (!/^[a-z][a-z0-9_]*$/.test(snake) || this.taken.has(snake) || RESERVED.has(snake))
          continue;
        if (ending.test(rhs) && picks.every((p) => rhs.includes(p))) {
          this.taken.add(snake);
          return snake;
        }
      }
    }
    const base = reply.resource === key ? key : `${reply.resource}_${key}`;
    return this.unique(/^[a-z][a-z0-9_]*$/.test(base) ? base : 'answer_value');
  }

  /** A secret the session sent itself: one variable per value, from its environment variable. */
  private secret(text: string, key: string): string {
    const known = this.secretsByValue.get(text);
    if (known) {
      if (!known.cells.includes(this.n)) known.cells.push(this.n);
      return known.variable;
    }
    const variable = this.unique(/^[a-z][a-z0-9_]*$/.test(key) ? key : 'secret');
    const secret: ScriptSecret = {
      variable,
      env: `TENANT_SHELL_${variable.toUpperCase()}`,
      key,
      cells: [this.n],
    };
    this.secretsByValue.set(text, secret);
    this.secrets.push(secret);
    if (!isMasked(text)) this.typedSecrets.push(text);
    return variable;
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
  const planner = new Planner(
    createdNames(all.filter(replayable)),
    cells.map((c) => c.input),
  );
  planner.ids.set(session.homeTenantId.toLowerCase(), 'tenant_id');
  if (session.clientId) planner.ids.set(session.clientId.toLowerCase(), 'client_id');

  const planned = cells.map((cell, index): ScriptCell => {
    planner.enterCell(index, cell.n);
    const calls = cell.calls.filter(replayable).map((call): ScriptCall => {
      const step: ScriptCall = {
        method: call.method,
        path: planner.path(call.path),
        status: call.status,
        saves: [],
      };
      const body = bodyValue(call);
      if (body !== undefined) step.body = planner.body(body);
      const id = isObject(call.responseBody) ? call.responseBody.id : undefined;
      if (
        call.method === 'POST' &&
        call.status < 300 &&
        typeof id === 'string' &&
        !planner.ids.has(id.toLowerCase())
      ) {
        const variable = planner.unique(`created_${resourceOf(call.path)}_id`);
        step.saves.push({ variable, from: [{ key: 'id' }] });
        planner.ids.set(id.toLowerCase(), variable);
      }
      if (call.method === 'GET' && call.status < 300 && LOOP.test(cell.input)) {
        const statuses = statusesOf(call.responseBody);
        if (statuses.length > 0) step.poll = statuses;
      }
      planner.answered(step, call.responseBody, call.path);
      return step;
    });
    return { n: cell.n, input: cell.input, calls };
  });
  return {
    cells: planned,
    usesRunId: planner.usesRunId,
    secrets: planner.secrets,
    typedSecrets: planner.typedSecrets,
  };
}
