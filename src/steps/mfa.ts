import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { MfaPlan } from '../bulk/plan.ts';
import type { MfaSummary } from '../bulk/summary.ts';
import type { Tenant, TenantMfaInfo, User } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { expectBoolean, expectOptions } from './args.ts';
import { BULK_OPTIONS, isBulk, setMfaBulk } from './bulk-mfa.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { nameUser, resolveUser } from './user-ref.ts';

/** Steps 5-6 read back: the tenant's 2FA status object, exactly as the page shows it. */
export async function getMfa(session: StepSession, tenant?: unknown): Promise<TenantMfaInfo> {
  // Outside the spinner: naming the tenant may ask which one was meant.
  const id = await resolveTenantId(session, 'getMfa', tenant);
  return session.busy('Reading the 2FA status', () =>
    api.getTenantMfa(session.client, id, session.signal()),
  );
}

function usersLockedOut(status: TenantMfaInfo): number {
  return Math.max(0, status.users_count - status.users_with_totp_enabled_count);
}

/**
 * The platform keeps 2FA on for partner tenants in production (since release 24.09): turning
 * it off is refused with code 1027, so enabling it there has no way back.
 */
export function cannotBeTurnedOff(tenant: Pick<Tenant, 'kind' | 'pricing_mode'>): boolean {
  return tenant.kind === 'partner' && tenant.pricing_mode === 'production';
}

const ONE_WAY =
  'This cannot be undone: the platform keeps 2FA on for partner tenants in production, so it cannot be turned off again.';

/** The sentence the confirmation shows: the page's "Important" box, with this tenant's numbers. */
export function describeChange(tenant: Tenant, status: TenantMfaInfo, enabled: boolean): string {
  const head = `${tenant.name} (${tenant.kind}, ${tenant.id}): 2FA is ${status.mfa_status}.`;
  if (!enabled) {
    return `${head}\nDisabling it lets its users log in with a password alone.`;
  }
  const out = usersLockedOut(status);
  return [
    head,
    `Enabling it requires every user of this tenant (its folders and units included) to set up 2FA:`,
    `${out} of ${status.users_count} user${status.users_count === 1 ? '' : 's'} will be unable to log in until they do.`,
    ...(cannotBeTurnedOff(tenant) ? [ONE_WAY] : []),
  ].join('\n');
}

/**
 * Steps 3 to 6: `PUT {"enabled": ...}` to /tenants/{tenant_id}/mfa/status, after showing what
 * the page's "Important" box warns and asking, and refusing what the platform would refuse.
 * With `{subtree: true}`, `{tenants: [...]}` or `{resume: FILE}`, the same over many tenants
 * (bulk-mfa.ts): a plan, one confirmation, a summary and a report.
 */
export function setMfa(
  session: StepSession,
  enabledArg?: unknown,
  options?: { tenant?: unknown; yes?: unknown },
): Promise<TenantMfaInfo>;
export function setMfa(
  session: StepSession,
  enabledArg?: unknown,
  options?: unknown,
): Promise<TenantMfaInfo | MfaPlan | MfaSummary>;
export async function setMfa(
  session: StepSession,
  enabledArg?: unknown,
  options?: unknown,
): Promise<TenantMfaInfo | MfaPlan | MfaSummary> {
  const opts = expectOptions('setMfa', options, ['tenant', 'yes', ...BULK_OPTIONS] as const);
  let enabled = enabledArg;
  if (enabled === undefined && session.ask) {
    enabled = await session.ask.select('Two-factor authentication:', [
      { name: 'Enable', value: true },
      { name: 'Disable', value: false },
    ]);
  }
  if (enabled === undefined) {
    throw new UsageError(
      'setMfa expects true (enable) or false (disable), e.g. await setMfa(true).',
    );
  }
  const wanted = expectBoolean('setMfa', 'its first argument', enabled);
  if (isBulk(opts)) return setMfaBulk(session, wanted, opts);
  const yes = opts.yes === undefined ? session.assumeYes : expectBoolean('setMfa', 'yes', opts.yes);

  let id = await resolveTenantId(session, 'setMfa', opts.tenant);
  let [tenant, status] = await session.busy('Reading the tenant', () =>
    Promise.all([
      api.getTenant(session.client, id, session.signal()),
      api.getTenantMfa(session.client, id, session.signal()),
    ]),
  );
  remember(session, tenant);

  if (tenant.kind === 'unit') {
    const parentId = tenant.parent_id;
    const explanation = `'${tenant.name}' is a unit: units inherit 2FA from their customer, so it cannot be set here.`;
    if (!parentId || !session.ask) {
      throw new UsageError(
        explanation,
        `Set it on the parent customer: await setMfa(${wanted}, {tenant: '${parentId}'}).`,
      );
    }
    session.note(explanation);
    const parent = await api.getTenant(session.client, parentId, session.signal());
    const take = await session.ask.confirm(
      `Change it for '${parent.name}' (${parent.kind}) instead?`,
      true,
    );
    if (!take) throw new UsageError('Nothing was sent.');
    id = parent.id;
    tenant = parent;
    status = await api.getTenantMfa(session.client, id, session.signal());
    remember(session, tenant);
  }
  if (!status.update_allowed) {
    throw new UsageError(
      `The platform does not allow changing 2FA for '${tenant.name}' (update_allowed is false).`,
      'It may be locked or managed above you; getMfa() shows its status.',
    );
  }
  const already =
    (status.mfa_status === 'enabled') === wanted && status.mfa_status !== 'disable_in_progress';
  if (already) {
    session.note(`2FA is already ${status.mfa_status} for '${tenant.name}'; nothing was sent.`);
    return status;
  }
  if (!wanted && cannotBeTurnedOff(tenant)) {
    throw new UsageError(
      `2FA cannot be turned off for '${tenant.name}': the platform keeps it on for partner tenants in production (code 1027); nothing was sent.`,
      'An integration that logs in as a user needs an API client or a service account instead.',
    );
  }

  if (!yes) {
    if (!session.ask) {
      throw new UsageError(
        `setMfa(${wanted}) changes how ${status.users_count} user(s) of '${tenant.name}' log in; without a terminal to confirm, pass {yes: true}.`,
      );
    }
    session.note(describeChange(tenant, status, wanted));
    const go = await session.ask.confirm(
      `${wanted ? 'Enable' : 'Disable'} 2FA for '${tenant.name}'?`,
      false,
    );
    if (!go) {
      session.note('Nothing was sent.');
      return status;
    }
  }
  // Without a confirmation (--yes), the one-way change is still said before it is sent.
  if (yes && wanted && cannotBeTurnedOff(tenant)) session.note(`'${tenant.name}': ${ONE_WAY}`);

  const response = await session.busy(`${wanted ? 'Enabling' : 'Disabling'} 2FA`, () =>
    api.setTenantMfaRaw(session.client, id, wanted, session.signal()),
  );
  // As on the page: `response.status_code` and `response.json()` after the PUT.
  session.setVariable('response', response);
  const result = response.parse();
  if (wanted && cannotBeTurnedOff(tenant)) {
    session.note(`2FA is on for '${tenant.name}' for good: there is no undo.`);
  } else {
    session.note(`Undo with: await setMfa(${!wanted}, {tenant: '${id}'})`);
  }
  return result;
}

/**
 * The third documented 2FA operation, one user's setting: `PUT /users/{id}/mfa/status`
 * `{enabled}`. Enabling locks the user out until they set up an authenticator app, so it asks
 * first ({yes: true} answers it); disabling only lets them in with a password alone, as the
 * page warns of nothing there. Answers the user as it is afterwards (its `mfa_status`).
 */
export async function setUserMfa(
  session: StepSession,
  userRef?: unknown,
  enabledArg?: unknown,
  options?: unknown,
): Promise<User> {
  const opts = expectOptions('setUserMfa', options, ['yes'] as const);
  checkYes('setUserMfa', opts.yes);
  if (enabledArg === undefined && !session.ask) {
    throw new UsageError(
      'setUserMfa expects the user and true (enable) or false (disable), e.g. await setUserMfa(user_id, true).',
    );
  }
  const given =
    enabledArg === undefined
      ? undefined
      : expectBoolean('setUserMfa', 'its second argument', enabledArg);
  const user = await resolveUser(session, 'setUserMfa', userRef);
  const on =
    given ??
    (await (session.ask as NonNullable<StepSession['ask']>).select(
      `Two-factor authentication for '${visibleLine(user.login)}':`,
      [
        { name: 'Enable', value: true },
        { name: 'Disable', value: false },
      ],
    ));
  const who = await nameUser(session, user);
  const status = user.mfa_status ?? 'disabled';
  const isOn = status === 'enabled' || status === 'setup_required';
  if (isOn === on) {
    session.note(`2FA is already ${status} for ${who}; nothing was sent.`);
    return user;
  }
  if (on) {
    const go = await confirmChange(session, {
      helper: 'setUserMfa',
      yes: opts.yes,
      consequence: `Enabling 2FA for ${who} locks them out until they set up a one-time-password app (unless they have one already).`,
      question: `Enable 2FA for '${visibleLine(user.login)}'?`,
    });
    if (!go) return user;
  }
  const after = await session.busy(
    `${on ? 'Enabling' : 'Disabling'} 2FA for the user`,
    async () => {
      await api.setUserMfa(session.client, user.id, on, session.signal());
      return api.getUser(session.client, user.id, session.signal());
    },
  );
  session.note(`${who}: 2FA is ${after.mfa_status ?? (on ? 'on' : 'off')} now.`);
  session.note(`Undo with: await setUserMfa('${user.id}', ${!on})`);
  return after;
}
