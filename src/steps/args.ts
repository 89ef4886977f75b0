import { UsageError } from '../api/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A short, safe rendering of what the user passed, for error sentences. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string '${shown}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

export function expectBoolean(helper: string, name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new UsageError(
    `${helper} expects ${name} to be true or false, not ${describe(value)}.`,
    `Try ${helper}(true) to enable or ${helper}(false) to disable.`,
  );
}

export function expectUuid(helper: string, name: string, value: unknown): string {
  if (isUuid(value)) return value.toLowerCase();
  throw new UsageError(
    `${helper} expects ${name} to be a tenant UUID like '0fcd4a69-8a40-4de8-b711-d9c83dc000f7', not ${describe(value)}.`,
  );
}

export function expectName(helper: string, value: unknown, min = 1): string {
  if (typeof value !== 'string') {
    throw new UsageError(`${helper} expects a tenant name as a string, not ${describe(value)}.`);
  }
  const name = value.trim();
  if (name.length < min || name.length > 255) {
    throw new UsageError(
      min > 1
        ? `${helper} expects a name of ${min} to 255 characters (the platform's search needs at least ${min}).`
        : `${helper} expects a name of 1 to 255 characters.`,
    );
  }
  return name;
}

/** Options objects: only known keys, so a typo (`{yse: true}`) is caught, not ignored. */
export function expectOptions<K extends string>(
  helper: string,
  value: unknown,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      `${helper} expects its options as an object like {${known.join(', ')}}, not ${describe(value)}.`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new UsageError(
        `${helper} has no option '${key}'; it takes ${known.map((k) => `'${k}'`).join(', ')}.`,
      );
    }
  }
  return value as Partial<Record<K, unknown>>;
}
