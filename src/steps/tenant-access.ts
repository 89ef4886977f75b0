// Who may see and change a tenant: limiting higher-level administrators' access
// (`ancestral_access`), moving it under another parent, and locking it (`update_lock`).
// Each reads the tenant's current `version` and sends it with the change, as the pages do.
import * as api from '../api/endpoints.ts';
import { ApiError, UsageError } from '../api/errors.ts';
import type { Tenant, TenantUpdateRequest } from '../schemas/index.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count } from './wording.ts';

/** The tenant a reference names, read fresh (its version is sent with the change). */
export async function readTenant(
  session: StepSession,
  helper: string,
  ref: unknown,
): Promise<Tenant> {
  const id = await resolveTenantId(session, helper, ref);
  const tenant = await session.busy('Reading the tenant', () =>
    api.getTenant(session.client, id, session.signal()),
  );
  remember(session, tenant);
  return tenant;
}

/** `PUT /tenants/{id}` with the version just read; the answer is remembered. */
export async function changeTenant(
  session: StepSession,
  tenant: Tenant,
  what: string,
  changes: Omit<TenantUpdateRequest, 'version'>,
): Promise<Tenant> {
  const result = await session.busy(what, () =>
    api.updateTenant(
      session.client,
      tenant.id,
      { ...changes, version: tenant.version },
      session.signal(),
    ),
  );
  remember(session, result);
  return result;
}

/** How many users the tenant holds (its folders and units included), if the platform says. */
export async function usersIn(session: StepSession, id: string): Promise<number | undefined> {
  try {
    return (await api.getTenantMfa(session.client, id, session.signal())).users_count;
  } catch (error) {
    if (error instanceof ApiError) return undefined;
    throw error;
  }
}

const head = (t: Tenant) => `'${t.name}' (${t.kind}, ${t.id})`;
const users = (n: number | undefined) =>
  n === undefined ? 'its users' : `its ${count(n, 'user')}`;

/**
 * "Limiting access to a tenant": `ancestral_access: false`. Administrators above it, maybe
 * you, no longer see into it: asked first. The undo is printed only if you still can.
 */
export async function limitAccess(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  const opts = expectOptions('limitAccess', options, ['yes'] as const);
  checkYes('limitAccess', opts.yes);
  const t = await readTenant(session, 'limitAccess', tenant);
  if (t.kind === 'unit') {
    throw new UsageError(
      `limitAccess: '${t.name}' is a unit; higher-level access can be limited on partners, folders and customers only.`,
    );
  }
  if (t.id === session.homeTenantId) {
    throw new UsageError(
      'limitAccess: that is your own tenant; name one of its sub-tenants (a tenant, not its ancestors, chooses who sees it).',
    );
  }
  if (t.ancestral_access === false) {
    session.note(`'${t.name}' is closed to higher-level administrators already; nothing was sent.`);
    return t;
  }
  const n = await usersIn(session, t.id);
  const go = await confirmChange(session, {
    helper: 'limitAccess',
    yes: opts.yes,
    consequence: [
      `${head(t)}: administrators above it lose sight of it. It leaves their searches, they cannot log in as ${users(n)}, and only its own administrators can open it again.`,
      'Your API client keeps access only if it created the tenant.',
    ].join(' '),
    question: `Close '${t.name}' to higher-level administrators?`,
  });
  if (!go) return t;
  const result = await changeTenant(session, t, 'Limiting access', { ancestral_access: false });
  const stillSeen = await api.getTenant(session.client, t.id, session.signal()).then(
    () => true,
    (error: unknown) => {
      if (error instanceof ApiError) return false;
      throw error;
    },
  );
  if (stillSeen) session.note(`Undo with: await allowAccess('${t.id}')`);
  else {
    session.note(
      `'${t.name}' is closed to you now: only its own administrators can open it again (no undo from here).`,
    );
  }
  return result;
}

/** `ancestral_access: true`: opens the tenant to the administrators above it again. */
export async function allowAccess(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  expectOptions('allowAccess', options, [] as const);
  const t = await readTenant(session, 'allowAccess', tenant);
  if (t.ancestral_access !== false) {
    session.note(`'${t.name}' is open to higher-level administrators already; nothing was sent.`);
    return t;
  }
  const result = await changeTenant(session, t, 'Opening access', { ancestral_access: true });
  session.note(`Undo with: await limitAccess('${t.id}')`);
  return result;
}

/**
 * "Moving a tenant": `parent_id` set to a partner or folder, with the version. The platform
 * checks the rest (not under itself, 1007; not inside a customer, 1008; services, 1014).
 * Sets `moved`.
 */
export async function moveTenant(
  session: StepSession,
  tenant?: unknown,
  parent?: unknown,
  options?: unknown,
): Promise<Tenant> {
  expectOptions('moveTenant', options, [] as const);
  if (tenant === undefined || (parent === undefined && !session.ask)) {
    throw new UsageError(
      "moveTenant expects the tenant and its new parent, e.g. moveTenant('Northwind Dental', 'Managed Customers').",
    );
  }
  const t = await readTenant(session, 'moveTenant', tenant);
  let to = parent;
  if (to === undefined && session.ask) {
    to = await session.ask.input(`Move '${t.name}' under (a partner or folder, its name or id):`, {
      validate: (v) => v.trim().length >= 3 || 'A tenant id or a name of 3 characters or more.',
    });
  }
  const target = await readTenant(session, 'moveTenant', to);
  if (t.kind === 'unit') {
    throw new UsageError(`moveTenant: '${t.name}' is a unit, and units cannot be moved.`);
  }
  if (target.id === t.id || target.id === t.parent_id) {
    session.note(`'${t.name}' is already there; nothing was sent.`);
    return t;
  }
  if (target.kind !== 'partner' && target.kind !== 'folder') {
    throw new UsageError(
      `moveTenant: '${target.name}' is a ${target.kind}; a tenant moves only under a partner or a folder.`,
    );
  }
  const from = t.parent_id;
  const result = await changeTenant(session, t, `Moving '${t.name}'`, { parent_id: target.id });
  session.setVariable('moved', result);
  if (from) session.note(`Undo with: await moveTenant('${t.id}', '${from}')`);
  return result;
}

/**
 * The lock example: `update_lock: {enabled: true, owner_id}`, your own tenant owning it unless
 * {owner} says otherwise. Then only administrators of the owner and above may change it; with
 * another owner that may exclude you: asked first. Sets `locked`.
 */
export async function lockTenant(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  const opts = expectOptions('lockTenant', options, ['owner', 'yes'] as const);
  checkYes('lockTenant', opts.yes);
  const t = await readTenant(session, 'lockTenant', tenant);
  const ownerId =
    opts.owner === undefined
      ? session.homeTenantId
      : await resolveTenantId(session, 'lockTenant', opts.owner);
  if (t.update_lock?.enabled && t.update_lock.owner_id === ownerId) {
    session.note(`'${t.name}' is locked already; nothing was sent.`);
    return t;
  }
  const yours = ownerId === session.homeTenantId;
  if (!yours) {
    const owner = session.seen.get(ownerId)?.name ?? ownerId;
    const go = await confirmChange(session, {
      helper: 'lockTenant',
      yes: opts.yes,
      consequence: `${head(t)}: once locked for '${owner}', only administrators of '${owner}' and above may change or unlock it; if you are below it, you cannot.`,
      question: `Lock '${t.name}' for '${owner}'?`,
    });
    if (!go) return t;
  }
  const result = await changeTenant(session, t, `Locking '${t.name}'`, {
    update_lock: { enabled: true, owner_id: ownerId },
  });
  session.setVariable('locked', result);
  session.note(
    yours
      ? `Undo with: await unlockTenant('${t.id}')`
      : `Undo, as an administrator of the lock's owner: await unlockTenant('${t.id}')`,
  );
  return result;
}

/** `update_lock: {enabled: false}`. */
export async function unlockTenant(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Tenant> {
  expectOptions('unlockTenant', options, [] as const);
  const t = await readTenant(session, 'unlockTenant', tenant);
  if (!t.update_lock?.enabled) {
    session.note(`'${t.name}' is not locked; nothing was sent.`);
    return t;
  }
  const owner = t.update_lock.owner_id;
  const result = await changeTenant(session, t, `Unlocking '${t.name}'`, {
    update_lock: { enabled: false },
  });
  session.note(
    `Undo with: await lockTenant('${t.id}'${owner && owner !== session.homeTenantId ? `, {owner: '${owner}'}` : ''})`,
  );
  return result;
}
