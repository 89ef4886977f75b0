import { TenantMfaStatus } from './tenants.ts';
import * as z from './zod.ts';

const Count = z.int().check(z.nonnegative());

/** `PUT /tenants/{id}/mfa/status` and `PUT /users/{id}/mfa/status` body. */
export const MfaToggleRequest = z.strictObject({ enabled: z.boolean() });
export type MfaToggleRequest = z.infer<typeof MfaToggleRequest>;

/** The status object exactly as the seed page shows it; the emulator answers with this. */
export const TenantMfaInfo = z.object({
  mfa_status: TenantMfaStatus,
  users_with_totp_enabled_count: Count,
  users_count: Count,
  update_allowed: z.boolean(),
});
export type TenantMfaInfo = z.infer<typeof TenantMfaInfo>;

/** What a client accepts: the seed's spelling or the older one (`users_with_totp_enabled`,
 * `users`), normalised to the seed's. */
export const TenantMfaInfoReply = z.pipe(
  z
    .looseObject({
      mfa_status: TenantMfaStatus,
      users_with_totp_enabled_count: z.optional(Count),
      users_with_totp_enabled: z.optional(Count),
      users_count: z.optional(Count),
      users: z.optional(Count),
      update_allowed: z.boolean(),
    })
    .check((ctx) => {
      const v = ctx.value;
      if (
        v.users_with_totp_enabled_count === undefined &&
        v.users_with_totp_enabled === undefined
      ) {
        ctx.issues.push({
          code: 'custom',
          input: v,
          path: ['users_with_totp_enabled_count'],
          message: 'missing (neither users_with_totp_enabled_count nor users_with_totp_enabled)',
        });
      }
      if (v.users_count === undefined && v.users === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: v,
          path: ['users_count'],
          message: 'missing (neither users_count nor users)',
        });
      }
    }),
  z.transform(
    (v): TenantMfaInfo => ({
      mfa_status: v.mfa_status,
      users_with_totp_enabled_count:
        v.users_with_totp_enabled_count ?? v.users_with_totp_enabled ?? 0,
      users_count: v.users_count ?? v.users ?? 0,
      update_allowed: v.update_allowed,
    }),
  ),
);
