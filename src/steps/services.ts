// The services page: enable a service for a sub-tenant (a binding; no offering item goes on)
// and disable it (irreversible: the service's data in the tenant and below is deleted).
import * as calls from '../api/calls/index.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { Application, Tenant } from '../schemas/index.ts';
import { describe, expectOptions, isUuid } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count, literal } from './wording.ts';

/** The Management Portal: every tenant has it, and it cannot be disabled. */
const PLATFORM_TYPE = 'platform';

export interface ServiceChange {
  tenant: { id: string; name: string; kind: string };
  service: { id: string; name: string; type: string };
  enabled: boolean;
  /** The services enabled in the tenant afterwards (their types). */
  services: string[];
}

/** A service named by its type (`backup`), its name, its id or an object with an id. */
export function findService(
  helper: string,
  apps: readonly Application[],
  ref: unknown,
): Application {
  const id =
    typeof ref === 'object' && ref !== null && 'id' in ref && isUuid(ref.id)
      ? ref.id.toLowerCase()
      : isUuid(ref)
        ? ref.toLowerCase()
        : undefined;
  const text = typeof ref === 'string' ? ref.trim().toLowerCase() : undefined;
  const found = apps.find(
    (a) =>
      (id !== undefined && a.id === id) ||
      (text !== undefined && (a.type.toLowerCase() === text || a.name.toLowerCase() === text)),
  );
  if (found) return found;
  const types = apps.map((a) => `'${a.type}'`).join(', ');
  throw new UsageError(
    `${helper} expects a service by its type (${types}), its name or its id, not ${describe(ref)}.`,
  );
}

export function checkServiceRef(helper: string, ref: unknown): void {
  const ok =
    (typeof ref === 'string' && ref.trim().length > 0 && ref.length <= 255) ||
    (typeof ref === 'object' && ref !== null && 'id' in ref && isUuid(ref.id));
  if (!ok) {
    throw new UsageError(
      `${helper} expects a service: its type like 'backup', its name or its id, not ${describe(ref)}.`,
    );
  }
}

interface Target {
  tenant: Tenant;
  app: Application;
  apps: Application[];
  enabled: string[];
}

/** Reads the tenant, the catalogue and what the tenant has; asks for the service if needed. */
async function target(
  session: StepSession,
  helper: string,
  serviceArg: unknown,
  tenantRef: unknown,
  offer: (tenant: Tenant, apps: Application[], enabled: string[]) => Promise<Application[]>,
): Promise<Target> {
  if (serviceArg !== undefined) checkServiceRef(helper, serviceArg);
  else if (!session.ask) {
    throw new UsageError(
      `${helper} expects a service, e.g. ${helper}('backup') (the types are in GET /applications).`,
    );
  }
  const id = await resolveTenantId(session, helper, tenantRef);
  if (id === session.homeTenantId) {
    throw new UsageError(
      `${helper}: the services of your own tenant are set by its parent's administrators; name a sub-tenant with {tenant: ...}.`,
    );
  }
  const [tenant, apps, enabled] = await session.busy('Reading the tenant and its services', () =>
    Promise.all([
      api.getTenant(session.client, id, session.signal()),
      calls.listApplications(session.client, session.signal()),
      calls.getTenantApplications(session.client, id, session.signal()),
    ]),
  );
  remember(session, tenant);
  let ref = serviceArg;
  if (ref === undefined && session.ask) {
    const choices = await offer(tenant, apps, enabled);
    if (choices.length === 0) {
      throw new UsageError(`${helper}: there is no service to choose for '${tenant.name}'.`);
    }
    ref = await session.ask.select(
      `Service for '${tenant.name}':`,
      choices.map((a) => ({ name: `${a.name} (${a.type})`, value: a.id })),
    );
  }
  return { tenant, apps, enabled, app: findService(helper, apps, ref) };
}

function answer(t: Target, enabledIds: readonly string[], enabled: boolean): ServiceChange {
  return {
    tenant: { id: t.tenant.id, name: t.tenant.name, kind: t.tenant.kind },
    service: { id: t.app.id, name: t.app.name, type: t.app.type },
    enabled,
    services: t.apps.filter((a) => enabledIds.includes(a.id)).map((a) => a.type),
  };
}

/**
 * Steps 1 to 4: checks that the parent has the service (the platform refuses with 1026
 * otherwise), then `POST /applications/{id}/bindings/tenants/{tenant}`. Sets `application_id`.
 */
export async function enableService(
  session: StepSession,
  service?: unknown,
  options?: unknown,
): Promise<ServiceChange> {
  const opts = expectOptions('enableService', options, ['tenant'] as const);
  let parentApps: string[] = [];
  const t = await target(session, 'enableService', service, opts.tenant, async (tenant, apps) => {
    parentApps = tenant.parent_id
      ? await calls.getTenantApplications(session.client, tenant.parent_id, session.signal())
      : [];
    return apps.filter((a) => parentApps.includes(a.id));
  });
  session.setVariable('application_id', t.app.id);
  if (t.enabled.includes(t.app.id)) {
    session.note(`${t.app.name} is already enabled for '${t.tenant.name}'; nothing was sent.`);
    return answer(t, t.enabled, true);
  }
  if (t.tenant.parent_id && parentApps.length === 0) {
    parentApps = await calls.getTenantApplications(
      session.client,
      t.tenant.parent_id,
      session.signal(),
    );
  }
  if (t.tenant.parent_id && !parentApps.includes(t.app.id)) {
    throw new UsageError(
      `${t.app.name} cannot be enabled for '${t.tenant.name}': its parent does not have it (the platform would answer 1026); nothing was sent.`,
      'Enable it for the parent first.',
    );
  }
  await session.busy(`Enabling ${t.app.name}`, () =>
    calls.enableService(session.client, t.app.id, t.tenant.id, session.signal()),
  );
  session.note(
    `${t.app.name} is enabled for '${t.tenant.name}', with none of its offering items: turn them on with setOfferingItems(...).`,
  );
  session.note(
    `Undo with: await disableService(${literal(t.app.type)}, {tenant: '${t.tenant.id}'})  (it deletes the service's data there)`,
  );
  return answer(t, [...t.enabled, t.app.id], true);
}

/**
 * Step 5: `DELETE` of the binding, after saying what goes with it (the tenant's enabled items
 * of the service, its sub-tenants) and asking. There is no undo.
 */
export async function disableService(
  session: StepSession,
  service?: unknown,
  options?: unknown,
): Promise<ServiceChange> {
  const opts = expectOptions('disableService', options, ['tenant', 'yes'] as const);
  checkYes('disableService', opts.yes);
  if (typeof service === 'string' && service.trim().toLowerCase() === PLATFORM_TYPE) {
    throw new UsageError(
      'disableService: the Management Portal (platform) cannot be disabled; nothing was sent.',
    );
  }
  const t = await target(session, 'disableService', service, opts.tenant, async (_t, apps, on) =>
    apps.filter((a) => on.includes(a.id) && a.type !== PLATFORM_TYPE),
  );
  if (t.app.type === PLATFORM_TYPE) {
    throw new UsageError(
      'disableService: the Management Portal (platform) cannot be disabled; nothing was sent.',
    );
  }
  if (!t.enabled.includes(t.app.id)) {
    session.note(`${t.app.name} is not enabled for '${t.tenant.name}'; nothing was sent.`);
    return answer(t, t.enabled, false);
  }
  const [items, kids] = await session.busy('Reading what the service holds there', () =>
    Promise.all([
      calls.listOfferingItems(
        session.client,
        t.tenant.id,
        { edition: '*', status: 1 },
        session.signal(),
      ),
      api.children(session.client, t.tenant.id, {}, session.signal()),
    ]),
  );
  const on = items.filter((i) => i.application_id === t.app.id);
  const head = `'${t.tenant.name}' (${t.tenant.kind}, ${t.tenant.id})`;
  const go = await confirmChange(session, {
    helper: 'disableService',
    yes: opts.yes,
    consequence: [
      `${head}: ${t.app.name} is enabled, with ${count(on.length, 'offering item')} on${on.length ? ` (${on.map((i) => i.name).join(', ')})` : ''}.`,
      `Disabling it stops the service there and in its ${count(kids.length, 'direct sub-tenant')} (and theirs), turns their items off and deletes the service's data. It cannot be undone.`,
    ].join(' '),
    question: `Disable ${t.app.name} for '${t.tenant.name}' and delete its data?`,
  });
  if (!go) return answer(t, t.enabled, true);
  await session.busy(`Disabling ${t.app.name}`, () =>
    calls.disableService(session.client, t.app.id, t.tenant.id, session.signal()),
  );
  session.note(
    `${t.app.name} is disabled for '${t.tenant.name}' and its data there is deleted: there is no undo.`,
  );
  return answer(
    t,
    t.enabled.filter((a) => a !== t.app.id),
    false,
  );
}
