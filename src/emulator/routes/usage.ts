// Usage figures of one tenant or a batch of them.
import { authenticate, visibleTenant } from '../access.ts';
import { type Ctx, ok, type Reply, uuidList, wordSet } from '../context.ts';
import { type UsageFilter, usagesOf } from '../usage.ts';

function filterOf(ctx: Ctx): UsageFilter {
  const f: UsageFilter = {};
  const names = wordSet(ctx, 'usage_names');
  if (names) f.usageNames = names;
  const editions = wordSet(ctx, 'editions');
  if (editions) f.editions = editions;
  return f;
}

export function tenantUsages(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  return ok({ items: usagesOf(ctx.world, t, filterOf(ctx)) });
}

export function tenantsUsages(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const f = filterOf(ctx);
  const items = uuidList(ctx, 'tenants').map((id) => {
    const t = visibleTenant(ctx.world, who, id);
    return { tenant: t.id, usages: usagesOf(ctx.world, t, f) };
  });
  return ok({ items });
}
