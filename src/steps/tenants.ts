import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { SearchItem, Tenant } from '../schemas/index.ts';
import { CreatableKind } from '../schemas/index.ts';
import { visibleLine } from '../ui/visible.ts';
import { describe, expectName, expectOptions, isUuid } from './args.ts';
import { remember, type StepSession } from './session.ts';

/** What a helper accepts where a tenant goes: a UUID, an exact name, or a tenant object. */
export type TenantRef = string | { id: string };

async function fetchTenant(session: StepSession, id: string): Promise<Tenant> {
  const tenant = await api.getTenant(session.client, id, session.signal());
  remember(session, tenant);
  return tenant;
}

/** Tenants under the current tree whose name or other fields start with `text`. */
async function searchTenants(session: StepSession, text: string): Promise<SearchItem[]> {
  const result = await api.search(
    session.client,
    { tenant: session.homeTenantId, text, limit: 50 },
    session.signal(),
  );
  return result.items.filter((item) => item.obj_type === 'tenant');
}

async function pickOne(
  session: StepSession,
  helper: string,
  name: string,
  candidates: SearchItem[],
): Promise<string> {
  const listed = candidates.slice(0, 8).map((c) => `'${c.name}'`);
  if (!session.ask || candidates.length === 0) {
    const close = listed.length ? `; close matches: ${listed.join(', ')}` : '';
    throw new UsageError(
      `${helper}: no tenant is named exactly '${name}'${close}.`,
      'Check the spelling, or call it without arguments to choose from a list.',
    );
  }
  return session.ask.select(
    `No tenant is named exactly '${name}'. Did you mean one of these?`,
    candidates.map((c) => ({
      name: `${c.name}  (${c.kind ?? 'tenant'}${c.path ? `, ${c.path}` : ''})`,
      value: c.id,
    })),
  );
}

/** The id of the tenant a reference names, asking when a name is ambiguous. */
export async function resolveTenantId(
  session: StepSession,
  helper: string,
  ref: unknown,
): Promise<string> {
  if (ref === undefined) {
    const current = session.getTenantId();
    if (isUuid(current)) return current.toLowerCase();
    throw new UsageError(
      `tenant_id is ${describe(current)}, not a tenant UUID: set it with useTenant(...) or pass {tenant: ...} to ${helper}.`,
    );
  }
  if (typeof ref === 'object' && ref !== null && 'id' in ref && isUuid(ref.id)) {
    return ref.id.toLowerCase();
  }
  if (isUuid(ref)) return ref.toLowerCase();
  if (typeof ref === 'string') {
    const name = expectName(helper, ref);
    const known = [...session.seen.values()].filter((t) => t.name === name);
    if (known.length === 1 && known[0]) return known[0].id;
    if (name.length < 3) {
      throw new UsageError(
        `${helper}: '${name}' is neither a tenant UUID nor a name the platform can search (3 characters or more).`,
      );
    }
    const found = await searchTenants(session, name);
    const exact = found.filter((t) => t.name === name);
    if (exact.length === 1 && exact[0]) return exact[0].id;
    return pickOne(session, helper, name, exact.length > 1 ? exact : found);
  }
  throw new UsageError(
    `${helper} expects a tenant: a UUID, an exact name, or a tenant object, not ${describe(ref)}.`,
  );
}

/** Step 2, "a sub-tenant found by its name": the tenant whose name matches exactly. */
export async function findTenant(session: StepSession, name?: unknown): Promise<Tenant> {
  let wanted = name;
  if (wanted === undefined && session.ask) {
    wanted = await session.ask.input('Name of the tenant to find:', {
      validate: (v) => v.trim().length >= 3 || 'At least 3 characters: the search needs them.',
    });
  }
  if (wanted === undefined) {
    throw new UsageError(
      "findTenant expects the tenant's name, e.g. findTenant('Northwind Dental').",
    );
  }
  const text = expectName('findTenant', wanted, 3);
  const found = await session.busy(`Searching for '${text}'`, () => searchTenants(session, text));
  const exact = found.filter((t) => t.name === text);
  const id =
    exact.length === 1 && exact[0]
      ? exact[0].id
      : await pickOne(session, 'findTenant', text, exact.length > 1 ? exact : found);
  const tenant = await fetchTenant(session, id);
  session.setVariable('found_tenant_id', tenant.id);
  return tenant;
}

const KINDS = CreatableKind.options;

/** Step 2, "a sub-tenant created via the API": sets `created_tenant_id` as the page assumes. */
export async function createTenant(
  session: StepSession,
  name?: unknown,
  options?: unknown,
): Promise<Tenant> {
  const opts = expectOptions('createTenant', options, ['kind', 'parent'] as const);
  let wantedName = name;
  let kind = opts.kind;
  if (wantedName === undefined && session.ask) {
    wantedName = await session.ask.input('Name of the new tenant:', {
      validate: (v) => (v.trim().length > 0 && v.length <= 255) || 'A name of 1 to 255 characters.',
    });
    if (kind === undefined) {
      kind = await session.ask.select(
        'Kind:',
        KINDS.map((k) => ({ name: k, value: k })),
        'customer',
      );
    }
  }
  if (wantedName === undefined) {
    throw new UsageError(
      "createTenant expects a name, e.g. createTenant('Northwind Dental', {kind: 'customer'}).",
    );
  }
  const tenantName = expectName('createTenant', wantedName);
  const parsedKind = CreatableKind.safeParse(kind ?? 'customer');
  if (!parsedKind.success) {
    throw new UsageError(
      `createTenant expects kind to be one of ${KINDS.join(', ')}, not ${describe(kind)}.`,
    );
  }
  const parentId = await resolveTenantId(session, 'createTenant', opts.parent);
  const tenant = await session.busy(`Creating '${tenantName}'`, () =>
    api.createTenant(
      session.client,
      { name: tenantName, kind: parsedKind.data, parent_id: parentId },
      session.signal(),
    ),
  );
  remember(session, tenant);
  session.setVariable('created_tenant_id', tenant.id);
  session.note(
    `created_tenant_id = '${tenant.id}'  (make it current: tenant_id = created_tenant_id)`,
  );
  return tenant;
}

/** Makes a tenant the current one: `tenant_id` names it from now on. */
export async function useTenant(session: StepSession, ref?: unknown): Promise<Tenant> {
  let target = ref;
  if (target === undefined) {
    if (!session.ask) {
      throw new UsageError(
        "useTenant expects a tenant UUID or name, e.g. useTenant('Northwind Dental').",
      );
    }
    target = await pickFromTree(session);
  }
  const id = await resolveTenantId(session, 'useTenant', target);
  const tenant = await fetchTenant(session, id);
  session.setTenantId(tenant.id);
  return tenant;
}

/**
 * Offers the tree below the API client's tenant, one level at a time. A level of thousands
 * (a partner's customers) is narrowed by typing: the search prompt, where the Asker has one.
 * Names come from the platform: shown with their control characters made visible.
 */
export async function pickFromTree(session: StepSession): Promise<string> {
  const ask = session.ask;
  if (!ask) throw new UsageError('useTenant needs a terminal to offer the tree.');
  let parentId = session.homeTenantId;
  for (;;) {
    const parent = await fetchTenant(session, parentId);
    const kids = await session.busy('Reading the tree', () => children(session, parentId));
    const choices = [
      {
        name: `● ${visibleLine(parent.name)} (${parent.kind}) — use this one`,
        value: `use:${parent.id}`,
      },
      ...kids.map((t) => ({
        name: `${t.has_children ? '▸' : ' '} ${visibleLine(t.name)} (${t.kind}${t.mfa_status ? `, 2FA ${t.mfa_status}` : ''})`,
        value: t.has_children ? `open:${t.id}` : `use:${t.id}`,
      })),
    ];
    const question = `Tenants under '${visibleLine(parent.name)}'${kids.length > 12 ? ' (type to narrow)' : ''}:`;
    const choice = ask.search
      ? await ask.search<string>(question, choices)
      : await ask.select<string>(question, choices);
    const [action, id] = choice.split(':') as [string, string];
    if (action === 'use') return id;
    const pick = await ask.select<string>(`'${visibleLine(session.seen.get(id)?.name ?? id)}':`, [
      { name: 'Use this tenant', value: 'use' },
      { name: 'Show the tenants under it', value: 'open' },
    ]);
    if (pick === 'use') return id;
    parentId = id;
  }
}

/** The tenants directly under a tenant (the current one by default), with details. */
export async function children(session: StepSession, ref?: unknown): Promise<Tenant[]> {
  const id = await resolveTenantId(session, 'children', ref);
  const items: Tenant[] = [];
  for await (const page of api.listTenantPages(
    session.client,
    { parent_id: id },
    session.signal(),
  )) {
    for (const tenant of page) {
      remember(session, tenant);
      items.push(tenant);
    }
  }
  return items;
}

/** Every tenant below a tenant (the current one by default), by pages of the platform. */
export async function listTenants(session: StepSession, options?: unknown): Promise<Tenant[]> {
  const opts = expectOptions('listTenants', options, ['tenant', 'kind', 'subtree'] as const);
  const id = await resolveTenantId(session, 'listTenants', opts.tenant);
  if (
    opts.kind !== undefined &&
    !['partner', 'folder', 'customer', 'unit'].includes(String(opts.kind))
  ) {
    throw new UsageError(
      `listTenants expects kind to be partner, folder, customer or unit, not ${describe(opts.kind)}.`,
    );
  }
  const query = opts.subtree === false ? { parent_id: id } : { subtree_root_id: id };
  const items: Tenant[] = [];
  await session.busy('Listing tenants', async () => {
    for await (const page of api.listTenantPages(session.client, query, session.signal())) {
      for (const tenant of page) {
        remember(session, tenant);
        if (tenant.id === id) continue;
        if (opts.kind === undefined || tenant.kind === opts.kind) items.push(tenant);
      }
    }
  });
  return items;
}
