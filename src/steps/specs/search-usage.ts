import { search } from '../search.ts';
import type { HelperSpec } from '../spec.ts';
import { usage } from '../usage.ts';

export const SEARCH_USAGE_HELPERS: readonly HelperSpec[] = [
  {
    name: 'search',
    topic: 'Search and usage',
    tutorial: 'searching-tenants-users',
    step: 2,
    summary: 'Tenants and users under tenant_id whose name, login or e-mail starts with the text.',
    details: "{type: 'tenant' | 'user'}, {tenant} to search under another, {limit} 1 to 300 (50).",
    example: "await search('Northwind')",
    run: (s, text, opts) => search(s, text, opts),
  },
  {
    name: 'usage',
    topic: 'Search and usage',
    tutorial: 'fetching-usage',
    step: 2,
    summary: "A tenant's usages, or several tenants' at once (sets tenant_ids and batch).",
    details:
      "Takes a tenant or a list of them; {usage_names: ['storage', 'workstations']}, {editions}.",
    example: "await usage(tenant_ids, {usage_names: ['storage', 'workstations']})",
    takesTenant: true,
    run: (s, tenants, opts) => usage(s, tenants, opts),
  },
];
