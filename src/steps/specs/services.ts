import { switchEdition } from '../editions.ts';
import { offeringItems, setOfferingItems } from '../offering-items.ts';
import { setQuota } from '../quotas.ts';
import { disableService, enableService } from '../services.ts';
import type { HelperSpec } from '../spec.ts';

export const SERVICE_HELPERS: readonly HelperSpec[] = [
  {
    name: 'offeringItems',
    topic: 'Services and offering items',
    tutorial: 'fetching-available-offering-items',
    step: 2,
    summary: "tenant_id's offering items, every edition; sets offering_items.",
    details:
      "Takes a tenant (id, exact name or object); {edition: 'advanced'} one edition, {status: 1} the enabled ones, {type: 'infra'} the storages.",
    example: 'await offeringItems(tenant_id, {status: 1})',
    takesTenant: true,
    run: (s, tenant, opts) => offeringItems(s, tenant, opts),
  },
  {
    name: 'enableService',
    topic: 'Services and offering items',
    tutorial: 'enabling-disabling-service',
    step: 4,
    summary: 'Enable a service (by type, name or id) for a sub-tenant; sets application_id.',
    details:
      "{tenant} names the sub-tenant (tenant_id by default); checks its parent has the service; no offering item goes on. Undo: disableService (it deletes the service's data).",
    example: "await enableService('backup', {tenant: created_tenant_id})",
    run: (s, service, opts) => enableService(s, service, opts),
  },
  {
    name: 'disableService',
    topic: 'Services and offering items',
    tutorial: 'enabling-disabling-service',
    step: 5,
    summary: 'Disable a service for a sub-tenant and below, deleting its data there (asks first).',
    details: '{tenant} names the sub-tenant; {yes: true} answers the question. There is no undo.',
    example: "await disableService('backup', {tenant: created_tenant_id})",
    run: (s, service, opts) => disableService(s, service, opts),
  },
  {
    name: 'setOfferingItems',
    topic: 'Services and offering items',
    tutorial: 'changing-quotas-items-edition',
    step: 5,
    summary: 'Turn offering items on or off by name; turning off (quotas dropped) asks first.',
    details:
      "{tenant}; {infra: <storage id>} picks one storage's item; {edition} narrows the names; {yes: true}. Prints the undo.",
    example: 'await setOfferingItems({adv_vms: true, adv_workstations: false})',
    run: (s, changes, opts) => setOfferingItems(s, changes, opts),
  },
  {
    name: 'setQuota',
    topic: 'Services and offering items',
    tutorial: 'changing-quotas-items-edition',
    step: 4,
    summary: "Set an enabled item's quota (soft limit) and {overage} (hard limit); null for none.",
    details:
      "The item by name or usage name; storage as bytes or '200 GB'. A limit of 0 or below the usage asks first ({yes: true}). {tenant, infra}. Prints the undo.",
    example: "await setQuota('workstations', 10, {overage: 2})",
    run: (s, item, value, opts) => setQuota(s, item, value, opts),
  },
  {
    name: 'switchEdition',
    topic: 'Services and offering items',
    tutorial: 'changing-quotas-items-edition',
    step: 6,
    summary:
      "Switch a service's edition (Cyber Protection by default) after the dry run; asks first.",
    details:
      "{tenant}; {service: 'files_cloud'} for File Sync & Share; {yes: true}. The old edition's items go off with their quotas. Sets edition.",
    example: "await switchEdition('pck_per_gigabyte')",
    run: (s, edition, opts) => switchEdition(s, edition, opts),
  },
];
