import { z } from 'zod';
import { Uuid } from './common.ts';
import { Contact } from './tenants.ts';

export const UserMfaStatus = z.enum(['disabled', 'forcibly_disabled', 'setup_required', 'enabled']);
export type UserMfaStatus = z.infer<typeof UserMfaStatus>;

export const User = z.looseObject({
  id: Uuid,
  version: z.number().int(),
  login: z.string(),
  tenant_id: Uuid,
  personal_tenant_id: Uuid.nullish(),
  enabled: z.boolean(),
  activated: z.boolean().optional(),
  contact: Contact.nullish(),
  mfa_status: UserMfaStatus.optional(),
  created_at: z.string().nullish(),
});
export type User = z.infer<typeof User>;

/** `POST /users` body, as the official examples send it. */
export const UserCreateRequest = z.object({
  tenant_id: Uuid,
  login: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only'),
  contact: z.looseObject({
    email: z.email(),
    firstname: z.string().max(255).optional(),
    lastname: z.string().max(255).optional(),
  }),
});
export type UserCreateRequest = z.infer<typeof UserCreateRequest>;
