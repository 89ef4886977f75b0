// Argument checks shared by the typed calls: one sentence saying what was expected (a
// UsageError), never a raw ZodError.
import type * as z from 'zod/mini';
import { Uuid } from '../schemas/index.ts';
import { UsageError } from './errors.ts';
import { formatPath } from './validate.ts';

export function uuid(helper: string, what: string, value: unknown): string {
  if (typeof value === 'string' && Uuid.safeParse(value).success) return value.toLowerCase();
  throw new UsageError(
    `${helper} expects ${what} as a UUID like 'ede9f834-70b3-476c-83d9-736f9f8c7dae', not ${shown(value)}.`,
  );
}

export function shown(value: unknown): string {
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : `'${value.slice(0, 60)}'`;
  if (value === undefined || value === null) return String(value);
  return typeof value === 'object'
    ? Array.isArray(value)
      ? 'an array'
      : 'an object'
    : String(value);
}

export function checked<S extends z.ZodMiniType>(
  helper: string,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? formatPath(issue.path) : '';
  throw new UsageError(
    `${helper}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid argument'}.`,
  );
}

export function bool(helper: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new UsageError(`${helper} expects enabled to be true or false, not ${shown(value)}.`);
}

/** An integer (a version, a limit), or a UsageError naming the helper and the argument. */
export function int(helper: string, what: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new UsageError(`${helper} expects ${what} as an integer, not ${shown(value)}.`);
}

/** Several ids, each a UUID, joined by commas for a query parameter. */
export function uuidCsv(helper: string, what: string, values: unknown): string {
  if (!Array.isArray(values) || values.length === 0) {
    throw new UsageError(`${helper} expects ${what} as a non-empty array of UUIDs.`);
  }
  return values.map((v) => uuid(helper, `each of ${what}`, v)).join(',');
}
