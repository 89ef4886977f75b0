// Two-factor authentication: a tenant's setting (partners and customers own one; folders and
// units inherit it) and a user's own switch.
import { MfaToggleRequest, type UserMfaStatus } from '../../schemas/index.ts';
import { authenticate, visibleTenant, visibleUser } from '../access.ts';
import { type Ctx, nowIso, ok, type Reply, readJson } from '../context.ts';
import { forbidden, HttpError, PLATFORM_CODES } from '../errors.ts';
import { userView } from '../views.ts';
import { type TenantRec, type UserRec, World } from '../world.ts';
import { assertUnlocked } from './tenants.ts';

export function getTenantMfa(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  return ok(ctx.world.mfaInfo(t));
}

export function putTenantMfa(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { enabled } = readJson(ctx, MfaToggleRequest);
  const t = visibleTenant(ctx.world, who, ctx.params.id ?? '');
  if (t.kind === 'unit') {
    throw forbidden(
      'Units inherit two-factor authentication from their parent customer; change it there.',
    );
  }
  if (t.kind === 'folder') {
    throw forbidden(
      'Folders inherit two-factor authentication from their parent partner or customer; change it there.',
    );
  }
  assertUnlocked(ctx.world, who, t);
  if (!enabled && t.kind === 'partner' && t.pricing_mode === 'production') {
    throw new HttpError(
      400,
      'Two-factor authentication cannot be turned off for a partner tenant in production.',
      { code: PLATFORM_CODES.businessRules, info: 'Enforced since release 24.09.' },
    );
  }
  const at = nowIso();
  const users: UserRec[] = [];
  for (const u of ctx.world.mfaDomainUsers(t)) {
    const status: UserMfaStatus = enabled ? World.userMfaWhenEnabled(u) : 'disabled';
    if (status !== u.mfa_status) {
      users.push({ ...u, mfa_status: status, version: u.version + 1, updated_at: at });
    }
  }
  const next: TenantRec = {
    ...t,
    mfa_status: enabled ? 'enabled' : 'disabled',
    version: t.version + 1,
    updated_at: at,
  };
  ctx.world.commit({ tenants: [next], users });
  return ok(ctx.world.mfaInfo(next));
}

export function putUserMfa(ctx: Ctx): Reply {
  const who = authenticate(ctx);
  const { enabled } = readJson(ctx, MfaToggleRequest);
  const u = visibleUser(ctx.world, who, ctx.params.id ?? '');
  const home = ctx.world.tenants.get(u.tenant_id);
  const enforced = home !== undefined && ctx.world.mfaOwner(home).mfa_status === 'enabled';
  const status: UserMfaStatus = enabled
    ? World.userMfaWhenEnabled(u)
    : enforced
      ? 'forcibly_disabled'
      : 'disabled';
  const next: UserRec = { ...u, mfa_status: status, version: u.version + 1, updated_at: nowIso() };
  ctx.world.commit({ users: [next] });
  return ok(userView(next));
}
