// The route table: every endpoint the emulator answers, relative to /api/2.
import type { Handler } from '../context.ts';
import { Router } from '../router.ts';
import { token } from './auth.ts';
import { createClient, getClient } from './clients.ts';
import { issueOtt, logout, ottLogin } from './idp.ts';
import { getTenantMfa, putTenantMfa, putUserMfa } from './mfa.ts';
import {
  availableForChild,
  editionDryRun,
  listInfra,
  listOfferingItems,
  putEdition,
  putOfferingItems,
  subtreeOfferingItems,
} from './offering-items.ts';
import { getPricing, putPricing } from './pricing.ts';
import {
  createReport,
  deleteReport,
  getReport,
  getStored,
  listStored,
  tenantReports,
  updateReport,
} from './reports.ts';
import { search } from './search.ts';
import {
  disableService,
  enableService,
  getApplication,
  listApplications,
  tenantApplications,
  tenantsApplications,
} from './services.ts';
import {
  createTenant,
  deleteTenant,
  getTenant,
  listChildren,
  listTenants,
  listTenantUsers,
  restoreTenant,
  updateTenant,
} from './tenants.ts';
import { tenantsUsages, tenantUsages } from './usage.ts';
import {
  checkLogin,
  createUser,
  deleteUser,
  getAccessPolicies,
  getUser,
  listUsers,
  me,
  putAccessPolicies,
  sendActivationEmail,
  setPassword,
  updateUser,
} from './users.ts';

export function buildRouter(): Router<Handler> {
  return (
    new Router<Handler>()
      .add('POST', '/idp/token', token)
      .add('POST', '/idp/ott', issueOtt)
      .add('POST', '/idp/ott/login', ottLogin)
      .add('GET', '/idp/logout', logout)
      .add('POST', '/clients', createClient)
      .add('GET', '/clients/:id', getClient)
      // Fixed segments before ':id', so /tenants/usages is not read as a tenant id.
      .add('GET', '/tenants/applications', tenantsApplications)
      .add('GET', '/tenants/offering_items', subtreeOfferingItems)
      .add('GET', '/tenants/usages', tenantsUsages)
      .add('GET', '/tenants', listTenants)
      .add('POST', '/tenants', createTenant)
      .add('GET', '/tenants/:id', getTenant)
      .add('PUT', '/tenants/:id', updateTenant)
      .add('DELETE', '/tenants/:id', deleteTenant)
      .add('POST', '/tenants/:id/restore', restoreTenant)
      .add('GET', '/tenants/:id/children', listChildren)
      .add('GET', '/tenants/:id/users', listTenantUsers)
      .add('GET', '/tenants/:id/mfa/status', getTenantMfa)
      .add('PUT', '/tenants/:id/mfa/status', putTenantMfa)
      .add('GET', '/tenants/:id/applications', tenantApplications)
      .add('GET', '/tenants/:id/offering_items', listOfferingItems)
      .add('PUT', '/tenants/:id/offering_items', putOfferingItems)
      .add('GET', '/tenants/:id/offering_items/available_for_child', availableForChild)
      .add('GET', '/tenants/:id/edition', editionDryRun)
      .add('PUT', '/tenants/:id/edition', putEdition)
      .add('GET', '/tenants/:id/pricing', getPricing)
      .add('PUT', '/tenants/:id/pricing', putPricing)
      .add('GET', '/tenants/:id/usages', tenantUsages)
      .add('GET', '/tenants/:id/reports', tenantReports)
      .add('GET', '/applications', listApplications)
      .add('GET', '/applications/:app', getApplication)
      .add('POST', '/applications/:app/bindings/tenants/:tenant', enableService)
      .add('DELETE', '/applications/:app/bindings/tenants/:tenant', disableService)
      .add('GET', '/infra', listInfra)
      .add('POST', '/reports', createReport)
      .add('GET', '/reports/:id', getReport)
      .add('PUT', '/reports/:id', updateReport)
      .add('DELETE', '/reports/:id', deleteReport)
      .add('GET', '/reports/:id/stored', listStored)
      .add('GET', '/reports/:id/stored/:stored', getStored)
      .add('GET', '/search', search)
      .add('GET', '/users', listUsers)
      .add('GET', '/users/me', me)
      .add('GET', '/users/check_login', checkLogin)
      .add('POST', '/users', createUser)
      .add('GET', '/users/:id', getUser)
      .add('PUT', '/users/:id', updateUser)
      .add('DELETE', '/users/:id', deleteUser)
      .add('GET', '/users/:id/access_policies', getAccessPolicies)
      .add('PUT', '/users/:id/access_policies', putAccessPolicies)
      .add('POST', '/users/:id/send-activation-email', sendActivationEmail)
      .add('POST', '/users/:id/password', setPassword)
      .add('PUT', '/users/:id/mfa/status', putUserMfa)
  );
}
