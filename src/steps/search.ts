// "Searching for a tenant" and "Searching for a user account": `GET /search` under a tenant.
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { SearchItem } from '../schemas/index.ts';
import { describe, expectOptions } from './args.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count } from './wording.ts';

const DEFAULT_LIMIT = 50;

/**
 * Tenants and users under tenant_id (or {tenant}) whose words start with the text's words.
 * {type: 'tenant' | 'user'} keeps one kind; {limit} is 1 to 300.
 */
export async function search(
  session: StepSession,
  text?: unknown,
  options?: unknown,
): Promise<SearchItem[]> {
  const opts = expectOptions('search', options, ['tenant', 'type', 'limit'] as const);
  if (opts.type !== undefined && opts.type !== 'tenant' && opts.type !== 'user') {
    throw new UsageError(
      `search expects type to be 'tenant' or 'user', not ${describe(opts.type)}.`,
    );
  }
  const limit = opts.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 300) {
    throw new UsageError(
      `search expects limit to be a whole number from 1 to 300, not ${describe(limit)}.`,
    );
  }
  let wanted = text;
  if (wanted === undefined && session.ask) {
    wanted = await session.ask.input(
      'Search for (a name, login or e-mail, 3 characters or more):',
      {
        validate: (v) => v.trim().length >= 3 || 'At least 3 characters: the search needs them.',
      },
    );
  }
  if (typeof wanted !== 'string' || wanted.trim().length < 3 || wanted.length > 255) {
    throw new UsageError(
      `search expects a text of 3 to 255 characters (a tenant name, a login or an e-mail), e.g. search('Northwind'), not ${describe(wanted)}.`,
    );
  }
  const under = await resolveTenantId(session, 'search', opts.tenant);
  const result = await session.busy(`Searching for '${wanted.trim()}'`, () =>
    api.search(session.client, { tenant: under, text: wanted.trim(), limit }, session.signal()),
  );
  const items = opts.type ? result.items.filter((i) => i.obj_type === opts.type) : result.items;
  for (const i of items) {
    if (i.obj_type === 'tenant' && i.name && i.kind) {
      remember(session, { id: i.id, name: i.name, kind: i.kind, parent_id: i.parent_id ?? null });
    }
  }
  const tenants = items.filter((i) => i.obj_type === 'tenant').length;
  session.note(
    `${count(tenants, 'tenant')} and ${count(items.length - tenants, 'user')} found${result.items.length >= limit ? ` (the first ${limit}: {limit} up to 300)` : ''}; tenants closed to higher-level administrators are not searched.`,
  );
  return items;
}
