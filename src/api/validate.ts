// zod issues in words a user can act on: `mfa_status: expected one of enabled|disabled|...`.
// Never a raw ZodError dump.

import type * as z from 'zod/mini';
import type { SchemaIssue } from './errors.ts';

type Issue = z.core.$ZodIssue;

/** `items[3].contact.email` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function got(issue: Issue, showValues: boolean): string {
  if (!('input' in issue)) return '';
  const input = issue.input;
  if (input === undefined) return ' (missing)';
  if (!showValues)
    return ` (got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input})`;
  const text = typeof input === 'string' ? JSON.stringify(input) : describe(input);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'object') return 'an object';
  return String(input);
}

function problem(issue: Issue, showValues: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      if ('input' in issue && issue.input === undefined)
        return `missing (expected ${issue.expected})`;
      return `expected ${issue.expected}${got(issue, showValues)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join('|')}`}${got(issue, showValues)}`;
    case 'invalid_format':
      return `expected ${issue.format === 'guid' || issue.format === 'uuid' ? 'a UUID' : `a ${issue.format}`}${got(issue, showValues)}`;
    case 'too_small':
      return `expected ${issue.origin === 'string' ? 'at least' : '>='} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}${got(issue, showValues)}`;
    case 'too_big':
      return `expected ${issue.origin === 'string' ? 'at most' : '<='} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}${got(issue, showValues)}`;
    case 'unrecognized_keys':
      return `unexpected field(s) ${issue.keys.join(', ')}`;
    case 'invalid_union': {
      const first = issue.errors[0]?.[0];
      return first ? problem(first, showValues) : 'does not match any allowed shape';
    }
    default:
      return issue.message;
  }
}

/** Readable issues; `showValues: false` for replies that may hold secrets (the token endpoint). */
export function describeIssues(issues: readonly Issue[], showValues = true): SchemaIssue[] {
  return issues.map((issue) => {
    // An issue inside a union names the path of its branch: follow it for the full path.
    let path = issue.path;
    if (issue.code === 'invalid_union') {
      const inner = issue.errors[0]?.[0];
      if (inner) path = [...path, ...inner.path];
    }
    return { path: formatPath(path), problem: problem(issue, showValues) };
  });
}
