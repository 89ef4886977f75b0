// The route table: every endpoint the emulator answers, relative to /api/2.
import type { Handler } from '../context.ts';
import { Router } from '../router.ts';
import { token } from './auth.ts';
import { createClient, getClient } from './clients.ts';
import { getTenantMfa, putTenantMfa, putUserMfa } from './mfa.ts';
import { search } from './search.ts';
import {
  createTenant,
  deleteTenant,
  getTenant,
  listChildren,
  listTenants,
  listTenantUsers,
  updateTenant,
} from './tenants.ts';
import { checkLogin, createUser, getUser, me, sendActivationEmail, setPassword } from './users.ts';

export function buildRouter(): Router<Handler> {
  return new Router<Handler>()
    .add('POST', '/idp/token', token)
    .add('POST', '/clients', createClient)
    .add('GET', '/clients/:id', getClient)
    .add('GET', '/tenants', listTenants)
    .add('POST', '/tenants', createTenant)
    .add('GET', '/tenants/:id', getTenant)
    .add('PUT', '/tenants/:id', updateTenant)
    .add('DELETE', '/tenants/:id', deleteTenant)
    .add('GET', '/tenants/:id/children', listChildren)
    .add('GET', '/tenants/:id/users', listTenantUsers)
    .add('GET', '/tenants/:id/mfa/status', getTenantMfa)
    .add('PUT', '/tenants/:id/mfa/status', putTenantMfa)
    .add('GET', '/search', search)
    .add('GET', '/users/me', me)
    .add('GET', '/users/check_login', checkLogin)
    .add('POST', '/users', createUser)
    .add('GET', '/users/:id', getUser)
    .add('POST', '/users/:id/send-activation-email', sendActivationEmail)
    .add('POST', '/users/:id/password', setPassword)
    .add('PUT', '/users/:id/mfa/status', putUserMfa);
}
