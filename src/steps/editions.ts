// "Switching the edition of a service": the dry run's warnings, then `PUT /tenants/{id}/edition`.
// The old edition's items go off with their quotas: asked first.
import * as calls from '../api/calls/index.ts';
import { UsageError } from '../api/errors.ts';
import type { OfferingItem } from '../schemas/index.ts';
import { describe, expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { readItems } from './offering-items.ts';
import { checkServiceRef, findService } from './services.ts';
import type { StepSession } from './session.ts';
import { count, literal } from './wording.ts';

const EDITION_NAME = /^[A-Za-z0-9_]{1,64}$/;

const onNames = (items: readonly OfferingItem[]) =>
  items.filter((i) => i.status === 1).map((i) => i.name);

/**
 * `switchEdition('pck_per_gigabyte')`: Cyber Protection (`backup`) unless {service} names File
 * Sync & Share. Sets `edition` as the page builds it; answers the service's items afterwards.
 */
export async function switchEdition(
  session: StepSession,
  edition?: unknown,
  options?: unknown,
): Promise<OfferingItem[]> {
  const opts = expectOptions('switchEdition', options, ['tenant', 'service', 'yes'] as const);
  checkYes('switchEdition', opts.yes);
  if (edition !== undefined && (typeof edition !== 'string' || !EDITION_NAME.test(edition))) {
    throw new UsageError(
      `switchEdition expects an edition name like 'pck_per_gigabyte' or 'pck_per_workload', not ${describe(edition)}.`,
    );
  }
  if (edition === undefined && !session.ask) {
    throw new UsageError(
      "switchEdition expects the edition to switch to, e.g. switchEdition('pck_per_gigabyte').",
    );
  }
  if (opts.service !== undefined) checkServiceRef('switchEdition', opts.service);
  const apps = await session.busy('Reading the services', () =>
    calls.listApplications(session.client, session.signal()),
  );
  const app = findService('switchEdition', apps, opts.service ?? 'backup');
  const { tenant, items: all } = await readItems(session, 'switchEdition', opts.tenant, {
    edition: '*',
  });
  if (tenant.id === session.homeTenantId) {
    throw new UsageError(
      "switchEdition: your own tenant's edition is set by its parent's administrators; name a sub-tenant with {tenant: ...}.",
    );
  }
  const items = all.filter((i) => i.application_id === app.id);
  const current = [
    ...new Set(items.filter((i) => i.status === 1 && i.edition).map((i) => i.edition)),
  ] as string[];
  let target = edition as string | undefined;
  if (target === undefined && session.ask) {
    const offered = [...new Set(items.map((i) => i.edition).filter(Boolean))] as string[];
    if (offered.length === 0) throw new UsageError(`switchEdition: ${app.name} has no editions.`);
    target = await session.ask.select(
      `Edition of ${app.name} for '${tenant.name}':`,
      offered.map((e) => ({ name: current.includes(e) ? `${e} (now)` : e, value: e })),
    );
  }
  const to = target as string;
  session.setVariable('edition', { target_edition: to, application_id: app.id });
  if (current.length === 1 && current[0] === to) {
    session.note(`${app.name} of '${tenant.name}' is already in ${to}; nothing was sent.`);
    return items;
  }
  // The dry run: read-only, and where an unknown edition is refused before any change.
  const warnings = await session.busy('Asking the platform what the switch changes', () =>
    calls.editionWarnings(session.client, tenant.id, app.id, to, session.signal()),
  );
  const head = `'${tenant.name}' (${tenant.kind}, ${tenant.id})`;
  const on = onNames(items);
  const go = await confirmChange(session, {
    helper: 'switchEdition',
    yes: opts.yes,
    consequence: [
      `${head}: ${app.name} is in ${current.join(', ') || 'no edition'}, with ${count(on.length, 'item')} on${on.length ? ` (${on.join(', ')})` : ''}.`,
      `Switching to ${to} turns those off, with their quotas; the new edition's items the parent lacks stay off.`,
      ...(warnings.filter(Boolean).length ? [`The platform warns: ${warnings.join('; ')}`] : []),
    ].join(' '),
    question: `Switch ${app.name} of '${tenant.name}' to ${to}?`,
  });
  if (!go) return items;
  const result = await session.busy(`Switching to ${to}`, () =>
    calls.switchEdition(session.client, tenant.id, app.id, to, session.signal()),
  );
  const now = onNames(result);
  session.note(
    `${app.name} of '${tenant.name}' is in ${to}: ${now.length ? now.join(', ') : 'no item'} on.`,
  );
  if (current.length === 1 && current[0]) {
    session.note(
      `Undo with: await switchEdition(${literal(current[0])}, {tenant: '${tenant.id}', service: ${literal(app.type)}})  (quotas are not set back)`,
    );
  }
  return result;
}
