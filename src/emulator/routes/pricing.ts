// A tenant's pricing mode: trial until it switches to production (once, for good); a tenant
// in production may be suspended and back. `version` is a millisecond timestamp.
import { type Pricing, PricingPutRequest } from '../../schemas/index.ts';
import { authenticate, visibleTenant } from '../access.ts';
import { type Ctx, ok, type Reply, readJson } from '../context.ts';
import { HttpError, PLATFORM_CODES, versionMismatch } from '../errors.ts';
import { nextVersion } from '../offering.ts';
import { pricingDate } from '../seed.ts';
import type { TenantRec } from '../world.ts';
import { assertUnlocked } from './tenants.ts';

export const pricingView = (t: TenantRec): Pricing => ({
  mode: t.pricing_mode,
  currency: t.currency,
  production_start_date: t.production_start_date,
  version: t.pricing_version,
});

export function getPricing(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  return ok(pricingView(visibleTenant(ctx.world, who, ctx.params.id ?? '')));
}

const refuse = (message: string) =>
  new HttpError(400, message, { code: PLATFORM_CODES.businessRules });

export function putPricing(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const body = readJson(ctx, PricingPutRequest);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.kind !== 'customer' && t.kind !== 'partner') {
    throw refuse(`A ${t.kind} has no pricing of its own: it follows its parent.`);
  }
  if (t.id === who.tenantId) {
    throw new HttpError(403, "Your own tenant's pricing is set by its parent's administrators.", {
      code: PLATFORM_CODES.accessDenied,
    });
  }
  assertUnlocked(ctx.world, who, t);
  if (body.version !== t.pricing_version) throw versionMismatch(t.pricing_version, body.version);
  const mode = body.mode ?? t.pricing_mode;
  if (mode !== t.pricing_mode) {
    if (mode === 'trial')
      throw refuse('Production cannot go back to trial: the switch is for good.');
    if (t.pricing_mode === 'trial' && mode === 'suspended') {
      throw refuse('A tenant in trial cannot be suspended: switch it to production first.');
    }
  }
  const now = Date.now();
  const next: TenantRec = {
    ...t,
    pricing_mode: mode,
    currency: body.currency === undefined ? t.currency : body.currency,
    production_start_date:
      t.pricing_mode === 'trial' && mode === 'production'
        ? pricingDate(now)
        : t.production_start_date,
    pricing_version: nextVersion(t.pricing_version),
  };
  ctx.world.commit({ tenants: [next] });
  return ok(pricingView(next));
}
