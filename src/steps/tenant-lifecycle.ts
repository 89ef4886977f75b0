// "Suspending, reactivating and terminating a tenant": `enabled: false` (its users and API
// clients cannot log in; data kept), `enabled: true`, and DELETE, which the platform allows
// only for a disabled tenant, so termination suspends first, as the page does.
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { Tenant } from '../schemas/index.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import type { StepSession } from './session.ts';
import { changeTenant, readTenant, usersIn } from './tenant-access.ts';
import { count } from './wording.ts';

const head = (t: Tenant) => `'${t.name}' (${t.kind}, ${t.id})`;
const users = (n: number | undefined) =>
  n === undefined ? 'its users' : `its ${count(n, 'user')}`;

function notYourOwn(session: StepSession, helper: string, t: Tenant, what: string): void {
  if (t.id === session.homeTenantId) {
    throw new UsageError(
      `${helper}: '${t.name}' is the tenant your API client belongs to, which it cannot ${what}; name a sub-tenant.`,
    );
  }
}

/** What the tenant holds, for the confirmation: users (folders and units included), children. */
async function holdings(session: StepSession, t: Tenant) {
  return session.busy('Counting what it holds', () =>
    Promise.all([usersIn(session, t.id), api.children(session.client, t.id, {}, session.signal())]),
  );
}

/** Suspends a tenant, after saying whom it locks out. Sets `suspended`. */
export async function disableTenant(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  const opts = expectOptions('disableTenant', options, ['yes'] as const);
  checkYes('disableTenant', opts.yes);
  const t = await readTenant(session, 'disableTenant', tenant);
  notYourOwn(session, 'disableTenant', t, 'disable');
  if (!t.enabled) {
    session.note(`'${t.name}' is disabled already; nothing was sent.`);
    return t;
  }
  const [n, kids] = await holdings(session, t);
  const go = await confirmChange(session, {
    helper: 'disableTenant',
    yes: opts.yes,
    consequence: [
      `${head(t)}: ${users(n)} (those of its ${count(kids.length, 'direct sub-tenant')} included) and its API clients can no longer log in until it is enabled again.`,
      'Its data is kept and its services are still billed.',
    ].join(' '),
    question: `Suspend '${t.name}'?`,
  });
  if (!go) return t;
  const result = await changeTenant(session, t, `Suspending '${t.name}'`, { enabled: false });
  session.setVariable('suspended', result);
  session.note(`Undo with: await enableTenant('${t.id}')`);
  return result;
}

/** Reactivates a suspended tenant. Sets `reactivated`. */
export async function enableTenant(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  expectOptions('enableTenant', options, [] as const);
  const t = await readTenant(session, 'enableTenant', tenant);
  if (t.enabled) {
    session.note(`'${t.name}' is enabled already; nothing was sent.`);
    return t;
  }
  const result = await changeTenant(session, t, `Reactivating '${t.name}'`, { enabled: true });
  session.setVariable('reactivated', result);
  session.note(`Undo with: await disableTenant('${t.id}')`);
  return result;
}

/**
 * Terminates a tenant: suspends it if it is not, then `DELETE /tenants/{id}?version=` with the
 * version that answer gives. Its sub-tenants, users and API clients go with it.
 */
export async function deleteTenant(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<{ id: string; name: string; deleted: boolean }> {
  const opts = expectOptions('deleteTenant', options, ['yes'] as const);
  checkYes('deleteTenant', opts.yes);
  const t = await readTenant(session, 'deleteTenant', tenant);
  notYourOwn(session, 'deleteTenant', t, 'delete');
  const [n, kids] = await holdings(session, t);
  const go = await confirmChange(session, {
    helper: 'deleteTenant',
    yes: opts.yes,
    consequence: [
      `${head(t)}: deleting it deletes its ${count(kids.length, 'direct sub-tenant')} (and theirs), ${users(n)} and its API clients, and stops its services.`,
      ...(t.enabled ? ['It is suspended first: the platform deletes only a disabled tenant.'] : []),
      'Its users and API clients cannot be brought back.',
    ].join(' '),
    question: `Delete '${t.name}' with everything in it? It cannot be undone.`,
  });
  if (!go) return { id: t.id, name: t.name, deleted: false };
  const disabled = t.enabled
    ? await changeTenant(session, t, `Suspending '${t.name}'`, { enabled: false })
    : t;
  await session.busy(`Deleting '${t.name}'`, () =>
    api.deleteTenant(session.client, t.id, disabled.version, session.signal()),
  );
  session.seen.delete(t.id);
  session.note(
    `'${t.name}' is deleted; its users and API clients are gone for good. The tenants alone (disabled, without users) can be restored: await post('/tenants/${t.id}/restore')`,
  );
  return { id: t.id, name: t.name, deleted: true };
}
