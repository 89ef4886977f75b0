import { switchToProduction } from '../pricing.ts';
import type { HelperSpec } from '../spec.ts';

export const CUSTOMER_HELPERS: readonly HelperSpec[] = [
  {
    name: 'switchToProduction',
    topic: 'Customers',
    tutorial: 'switching-to-production',
    step: 4,
    summary: 'Switch a customer from trial to production, for good (asks first); sets pricing.',
    details:
      'Takes a tenant (tenant_id by default); {yes: true} answers the question. There is no undo.',
    example: 'await switchToProduction(customer_tenant_id)',
    takesTenant: true,
    run: (s, tenant, opts) => switchToProduction(s, tenant, opts),
  },
];
