// The session as cells: every input the shell evaluates is cell n, kept with what it printed,
// its result (Out[n]) or its error (Err[n]), and the HTTP calls made while it ran. Everything
// stored here has been through the session's redactor already: exports only render it.

import type { CallRecord } from '../api/request-log.ts';

/** An HTTP call as a notebook keeps it (bodies masked; a parsed notebook may lack details). */
export interface NotebookCall {
  method: string;
  /** Without the host, query kept: `/api/2/tenants/…/mfa/status`. */
  path: string;
  status?: number;
  durationMs?: number;
  contentType?: string;
  requestBody?: unknown;
  responseBody?: unknown;
  error?: { code: string; message: string };
}

export interface CellError {
  /** `E_USAGE`, `E_API`... for the shell's errors, else the JavaScript name (`TypeError`). */
  name: string;
  message: string;
  /** The error as the shell showed it (one or two lines). */
  text: string;
}

export interface Cell {
  n: number;
  input: string;
  /** Side remarks and `pprint` output printed while the cell ran, one entry per line. */
  printed: string[];
  /** The result as printed (no colours); absent when the cell answered `undefined`. */
  output?: string;
  error?: CellError;
  calls: NotebookCall[];
  /** Calls beyond MAX_CALLS_PER_CELL, counted but not kept (a tree-wide change makes thousands). */
  omittedCalls?: number;
}

/** Items of a collection reply a cell keeps: a listing of 10,000 tenants is not notebook material. */
export const MAX_ITEMS_PER_REPLY = 20;

/** A `{items: [...]}` reply cut to its first items, saying how many were left out. */
function shortened(body: unknown): unknown {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length <= MAX_ITEMS_PER_REPLY) return body;
  return {
    ...(body as object),
    items: items.slice(0, MAX_ITEMS_PER_REPLY),
    items_not_kept: items.length - MAX_ITEMS_PER_REPLY,
  };
}

/** Enough to read and replay a cell; past it, a tree-wide change would grow the session with the tree. */
export const MAX_CALLS_PER_CELL = 1000;

export interface NotebookMeta {
  /** `emulator`, or the data center's host. */
  dataCenter: string;
  tenantName?: string;
  savedAt: string;
  version: string;
}

export interface Notebook {
  meta: NotebookMeta;
  cells: Cell[];
}

export interface CellFormatters {
  /** Masks live secrets and tokens in any text. */
  redact(text: string): string;
  /** The result as the terminal shows it, without colours. */
  formatValue(value: unknown): string;
  describeError(error: unknown): CellError;
}

export type CellListener = (cell: Cell, outcome: { value?: unknown; error?: unknown }) => void;

/** The cells of one session, and the `Out` and `Err` objects the shell exposes. */
export class CellStore {
  readonly cells: Cell[] = [];
  /** `Out[n]`: the value of cell n, as it was returned (not a copy). */
  readonly Out: Record<number, unknown> = {};
  /** `Err[n]`: the error of cell n. */
  readonly Err: Record<number, unknown> = {};
  #open: Cell | undefined;
  #forcedNext: number | undefined;
  readonly #listeners = new Set<CellListener>();

  readonly formatters: CellFormatters;

  constructor(formatters: CellFormatters) {
    this.formatters = formatters;
  }

  /** The number the next input gets (the prompt shows it). */
  get next(): number {
    return this.#forcedNext ?? (this.cells.at(-1)?.n ?? 0) + 1;
  }

  /** A replay keeps the notebook's numbers, so `Out[4]` and `_4` in later cells still match. */
  numberNext(n: number): void {
    if (n > (this.cells.at(-1)?.n ?? 0)) this.#forcedNext = n;
  }

  /** The cell being evaluated, if any: calls and printed lines go to it. */
  get open(): Cell | undefined {
    return this.#open;
  }

  begin(input: string): Cell {
    const cell: Cell = {
      n: this.next,
      input: this.formatters.redact(input.replace(/\s+$/, '')),
      printed: [],
      calls: [],
    };
    this.#open = cell;
    return cell;
  }

  /** An unfinished multi-line input: the REPL asks for more, the cell is not numbered yet. */
  abandon(): void {
    this.#open = undefined;
  }

  addCall(record: CallRecord): void {
    const cell = this.#open;
    if (!cell) return;
    if (cell.calls.length < MAX_CALLS_PER_CELL) cell.calls.push(this.#keepCall(record));
    else cell.omittedCalls = (cell.omittedCalls ?? 0) + 1;
  }

  addPrinted(line: string): void {
    this.#open?.printed.push(...this.formatters.redact(line).split('\n'));
  }

  succeed(value: unknown): Cell | undefined {
    const cell = this.#close();
    if (!cell) return undefined;
    if (value !== undefined)
      cell.output = this.formatters.redact(this.formatters.formatValue(value));
    this.Out[cell.n] = value;
    this.#notify(cell, { value });
    return cell;
  }

  fail(error: unknown): Cell | undefined {
    const cell = this.#close();
    if (!cell) return undefined;
    const described = this.formatters.describeError(error);
    cell.error = {
      name: described.name,
      message: this.formatters.redact(described.message),
      text: this.formatters.redact(described.text),
    };
    this.Err[cell.n] = error;
    this.#notify(cell, { error });
    return cell;
  }

  /** Takes a finished cell back out (a front end's own request, not the user's): no trace left. */
  forget(n: number): void {
    const at = this.cells.findIndex((cell) => cell.n === n);
    if (at >= 0) this.cells.splice(at, 1);
    delete this.Out[n];
    delete this.Err[n];
  }

  onFinish(listener: CellListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #close(): Cell | undefined {
    const cell = this.#open;
    if (!cell) return undefined;
    this.#open = undefined;
    this.#forcedNext = undefined;
    this.cells.push(cell);
    return cell;
  }

  #notify(cell: Cell, outcome: { value?: unknown; error?: unknown }): void {
    for (const listener of this.#listeners) listener(cell, outcome);
  }

  /** The client masks secret-named fields; the redactor catches live secrets anywhere else. */
  #keepCall(record: CallRecord): NotebookCall {
    const redact = (value: unknown) => redactDeep(value, this.formatters.redact);
    const call: NotebookCall = {
      method: record.method,
      path: this.formatters.redact(record.path),
      durationMs: record.durationMs,
    };
    if (record.status !== undefined) call.status = record.status;
    if (record.contentType !== undefined) call.contentType = record.contentType;
    if (record.requestBody !== undefined) call.requestBody = redact(record.requestBody);
    if (record.responseBody !== undefined)
      call.responseBody = redact(shortened(record.responseBody));
    if (record.error) {
      call.error = {
        code: record.error.code,
        message: this.formatters.redact(record.error.message),
      };
    }
    return call;
  }
}

/** A copy of a JSON value with every string (keys included) passed through `redact`. */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]),
  );
}
