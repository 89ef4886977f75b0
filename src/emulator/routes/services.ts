// Services ("applications"): the platform's catalogue, what a tenant has enabled, and the
// bindings that enable or disable one for a tenant (disabling cascades down the subtree).
import { authenticate, visibleTenant } from '../access.ts';
import { APP, APP_BY_ID, APPLICATIONS, type ApplicationDef, ITEM_BY_NAME } from '../catalogue.ts';
import { type Ctx, noContent, ok, type Reply, uuidList } from '../context.ts';
import { HttpError, PLATFORM_CODES, routeNotFound } from '../errors.ts';
import { appsOf, cascadeOff, parentOf } from '../offering.ts';
import type { TenantRec } from '../world.ts';
import { assertNotPersonal } from './tenants.ts';

const appView = (a: ApplicationDef) => ({
  id: a.id,
  name: a.name,
  type: a.type,
  api_base_url: a.api_base_url,
  usages: a.usages,
});

export function listApplications(ctx: Ctx): Reply {
  authenticate(ctx);
  return ok({ items: APPLICATIONS.map(appView) });
}

export function getApplication(ctx: Ctx): Reply {
  authenticate(ctx);
  const app = APP_BY_ID.get(ctx.params.app ?? '');
  if (!app) throw routeNotFound(ctx.path);
  return ok(appView(app));
}

export function tenantApplications(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  return ok({ items: [...appsOf(t)] });
}

export function tenantsApplications(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const items = uuidList(ctx, 'tenants').map((id) => {
    const t = visibleTenant(ctx.world, who, id);
    return { tenant: t.id, applications: [...appsOf(t)] };
  });
  return ok({ items });
}

function bindingTarget(ctx: Ctx): { t: TenantRec; appId: string } {
  const who = authenticate(ctx);
  const appId = ctx.params.app ?? '';
  if (!APP_BY_ID.has(appId)) throw routeNotFound(ctx.path);
  const t = visibleTenant(ctx.world, who, ctx.params.tenant ?? '');
  assertNotPersonal(t);
  if (t.id === who.tenantId) {
    throw new HttpError(
      403,
      "Services of your own tenant are set by its parent's administrators.",
      {
        code: PLATFORM_CODES.accessDenied,
      },
    );
  }
  return { t, appId };
}

/** Enabling a service switches none of its offering items on (the guide says so). */
export function enableService(ctx: Ctx): Reply {
  const { t, appId } = bindingTarget(ctx);
  const parent = parentOf(ctx.world, t);
  if (!parent || !appsOf(parent).includes(appId)) {
    throw new HttpError(400, 'The service cannot be enabled: the parent tenant does not have it.', {
      code: PLATFORM_CODES.cannotEnableService,
      info: 'GET /tenants/{parent_id}/applications lists what the parent can pass down.',
    });
  }
  if (!t.applications.includes(appId)) {
    ctx.world.commit({ tenants: [{ ...t, applications: [...t.applications, appId] }] });
  }
  return noContent();
}

/** Disabling stops the service in the tenant and all its sub-tenants, items included. */
export function disableService(ctx: Ctx): Reply {
  const { t, appId } = bindingTarget(ctx);
  if (appId === APP.platform) {
    throw new HttpError(400, 'The Management Portal (platform) service cannot be disabled.', {
      code: PLATFORM_CODES.businessRules,
    });
  }
  if (!t.applications.includes(appId)) return noContent();
  const next: TenantRec = {
    ...t,
    applications: t.applications.filter((a) => a !== appId),
    offering_items: t.offering_items.filter((r) => itemApp(r.name) !== appId),
  };
  const cascade = cascadeOff(ctx.world, next, new Set(), new Set([appId]));
  ctx.world.commit({ tenants: [next, ...cascade] });
  return noContent();
}

const itemApp = (name: string) => ITEM_BY_NAME.get(name)?.application_id;
