import { createPartner } from '../partners.ts';
import type { HelperSpec } from '../spec.ts';

export const PARTNER_HELPERS: readonly HelperSpec[] = [
  {
    name: 'createPartner',
    topic: 'Partners',
    tutorial: 'provisioning-partner-tenant',
    step: 3,
    summary:
      'Create a partner with 2FA and every offering item its parent passes down; sets partner_id.',
    details:
      '{parent} (tenant_id by default), {customer_id}, {ancestral_access} (false: self-service), {enhanced_security: true} (for good: asks first), {items: false}, {edition}. Undo: deleteTenant.',
    example: "await createPartner('Partner, Inc', {customer_id: 'PI-1'})",
    run: (s, name, opts) => createPartner(s, name, opts),
  },
];
