// GET /search: prefix search over tenants and users under one tenant. The index yields
// candidates for the most selective query token; each is re-checked (all tokens, liveness,
// the subtree and ancestral access) and the walk stops at `limit`.
import { authenticate, visibleTenant } from '../access.ts';
import { type Ctx, intParam, ok, type Reply } from '../context.ts';
import { badRequest } from '../errors.ts';
import { isUuid } from '../router.ts';
import { matchesAll, tokenize } from '../search-index.ts';
import { isLive } from '../world.ts';

export const SEARCH_DEFAULT_LIMIT = 10;
export const SEARCH_MAX_LIMIT = 300;

export function search(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { world } = ctx;
  const text = (ctx.query.get('text') ?? '').trim();
  if (text.length < 3) throw badRequest('text: at least 3 characters are required');
  const query = tokenize(text);
  if (query.length === 0) throw badRequest('text: needs letters or digits');
  const limit = intParam(ctx, 'limit', {
    min: 1,
    max: SEARCH_MAX_LIMIT,
    fallback: SEARCH_DEFAULT_LIMIT,
  });
  const rootParam = ctx.query.get('tenant') || who.tenantId;
  if (!isUuid(rootParam)) throw badRequest('tenant: expected a UUID');
  const root = visibleTenant(world, who, rootParam.toLowerCase());

  // Walk the narrowest prefix range; counting stops as soon as a range is no better.
  let driver = query[0] as string;
  let best = world.search.count(driver);
  for (const token of query.slice(1)) {
    const n = world.search.count(token, best);
    if (n < best) {
      driver = token;
      best = n;
    }
  }
  const seen = new Set<string>();
  const items: Record<string, unknown>[] = [];
  for (const id of world.search.candidates(driver)) {
    if (seen.has(id)) continue;
    seen.add(id);
    const tokens = world.tokensOf(id);
    if (!tokens || !matchesAll(tokens, query)) continue;
    const t = world.tenants.get(id);
    if (t) {
      if (!isLive(t) || !world.isVisible(root.id, t.id)) continue;
      items.push({
        obj_type: 'tenant',
        id: t.id,
        parent_id: t.parent_id,
        path: world.pathOf(root.id, t.id),
        name: t.name,
        kind: t.kind,
      });
    } else {
      const u = world.users.get(id);
      if (!u || !world.isVisible(root.id, u.tenant_id)) continue;
      items.push({
        obj_type: 'user',
        id: u.id,
        parent_id: u.tenant_id,
        path: world.pathOf(root.id, u.tenant_id),
        login: u.login,
        first_name: u.contact.firstname ?? null,
        last_name: u.contact.lastname ?? null,
      });
    }
    if (items.length >= limit) break;
  }
  return ok({ items });
}
