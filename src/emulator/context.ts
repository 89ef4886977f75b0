// What a route handler gets (the parsed request and the world) and the small helpers every
// handler uses to read it: JSON bodies validated by the shared zod schemas, query numbers.
import type { IncomingHttpHeaders } from 'node:http';
import type * as z from 'zod/mini';
import { badRequest, HttpError, unsupportedMediaType } from './errors.ts';
import type { Params } from './router.ts';
import type { TokenSigner } from './tokens.ts';
import type { World } from './world.ts';

export interface Settings {
  tokenTtl: number;
}

export interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  params: Params;
  world: World;
  signer: TokenSigner;
  settings: Settings;
}

export interface Reply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with its own Content-Type in `headers` (a report file). */
  raw?: Buffer;
  headers?: Record<string, string | string[]>;
}

export type Handler = (ctx: Ctx) => Reply;

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** One readable sentence for the first schema problem, naming the field. */
export function describeIssues(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'body: invalid';
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  if (issue.code === 'unrecognized_keys') {
    return `${issue.keys.join(', ')}: unexpected field${issue.keys.length > 1 ? 's' : ''}`;
  }
  return `${field}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

/** The body as `schema` says, or 415 (not JSON) / 400 (unparsable, wrong shape). */
export function readJson<S extends z.ZodMiniType>(ctx: Ctx, schema: S): z.infer<S> {
  if (mediaType(ctx.headers) !== 'application/json') throw unsupportedMediaType('application/json');
  let value: unknown;
  try {
    value = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw badRequest('body: not valid JSON', 'Send a JSON object.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('body: expected a JSON object');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return parsed.data;
}

/** An integer query parameter within bounds, the default when absent, else 400. */
export function intParam(
  ctx: Ctx,
  name: string,
  bounds: { min: number; max: number; fallback?: number },
): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') {
    if (bounds.fallback !== undefined) return bounds.fallback;
    throw badRequest(`${name}: required`);
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < bounds.min || value > bounds.max) {
    throw badRequest(`${name}: expected an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** Which one of `names` the query gives: exactly one is required (a listing's scope). */
export function oneOfParams(ctx: Ctx, names: readonly string[]): string {
  const given = names.filter((k) => ctx.query.has(k));
  const [only] = given;
  if (given.length === 1 && only !== undefined) return only;
  throw badRequest(
    given.length === 0
      ? `One of ${names.slice(0, -1).join(', ')} or ${names.at(-1)} is required.`
      : `Give only one of ${given.join(', ')}.`,
  );
}

export const nowIso = () => new Date().toISOString();

export { HttpError };

/** A comma-separated list of UUIDs from the query: required, at most `max`. */
export function uuidList(ctx: Ctx, name: string, max = 100): string[] {
  const raw = ctx.query.get(name);
  if (raw === null || raw.trim() === '')
    throw badRequest(`${name}: required (comma-separated ids)`);
  const ids = [...new Set(raw.split(',').map((s) => s.trim().toLowerCase()))];
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined)
    throw badRequest(`${name}: ${JSON.stringify(bad.slice(0, 60))} is not a UUID`);
  if (ids.length > max) throw badRequest(`${name}: at most ${max} ids per call`);
  return ids;
}

/** A comma-separated list of words from the query, or undefined when absent. */
export function wordSet(ctx: Ctx, name: string): Set<string> | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
