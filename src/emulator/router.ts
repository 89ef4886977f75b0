// A tiny method + path-pattern router. A pattern segment ':name' matches a UUID only, so a
// malformed id is simply "no such endpoint" (404); a known path with the wrong method is 405.
import { methodNotAllowed, routeNotFound } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (text: string) => UUID.test(text);

export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  readonly #routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.#routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler and params for a request, or throws the 404/405 answer. */
  match(method: string, path: string): { handler: H; params: Params } {
    const parts = path.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw methodNotAllowed(method, [...new Set(allowed)]);
    throw routeNotFound(path);
  }
}

function matchSegments(pattern: string[], parts: string[]): Params | null {
  if (pattern.length !== parts.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (want.startsWith(':')) {
      if (!isUuid(got)) return null;
      params[want.slice(1)] = got.toLowerCase();
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}
