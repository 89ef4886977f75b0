// The journey's new state survives a restart with --state: offering items and quotas, pricing,
// roles, moves and reports come back as they were acknowledged; an older state file without
// them still loads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'emulator-journey-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tokenOf(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${emu.client_id}:${emu.client_secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(
  emu: RunningEmulator,
  token: string,
  method: string,
  path: string,
  json?: unknown,
) {
  const res = await fetch(`${emu.base_url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

describe('state file with the journey', () => {
  it('keeps items, quotas, pricing, roles, moves and reports across a restart', async () => {
    const state = join(dir, 'journey.json');
    let emu = await startEmulator({ tenants: 4, state });
    let token = await tokenOf(emu);
    const folder = (
      await call(emu, token, 'POST', '/tenants', {
        name: 'State Folder',
        kind: 'folder',
        parent_id: emu.tenant_id,
      })
    ).body;
    const forFolder = (
      await call(
        emu,
        token,
        'GET',
        `/tenants/${emu.tenant_id}/offering_items/available_for_child?kind=folder&edition=*`,
      )
    ).body.items;
    expect(
      (
        await call(emu, token, 'PUT', `/tenants/${folder.id}/offering_items`, {
          offering_items: forFolder,
        })
      ).status,
    ).toBe(200);
    const c = (
      await call(emu, token, 'POST', '/tenants', {
        name: 'State Customer',
        kind: 'customer',
        parent_id: emu.tenant_id,
      })
    ).body;
    const set = await call(emu, token, 'PUT', `/tenants/${c.id}/offering_items`, {
      offering_items: [{ name: 'workstations', quota: { value: 9, overage: 1 } }],
    });
    expect(set.status).toBe(200);
    const pricing = (await call(emu, token, 'GET', `/tenants/${c.id}/pricing`)).body;
    const prod = (
      await call(emu, token, 'PUT', `/tenants/${c.id}/pricing`, { ...pricing, mode: 'production' })
    ).body;
    const moved = (
      await call(emu, token, 'PUT', `/tenants/${c.id}`, { version: 1, parent_id: folder.id })
    ).body;
    expect(moved.parent_id).toBe(folder.id);
    const u = (
      await call(emu, token, 'POST', '/users', {
        tenant_id: c.id,
        login: 'state.user',
        contact: { email: 'state.user@example.test' },
      })
    ).body;
    const roles = (
      await call(emu, token, 'PUT', `/users/${u.id}/access_policies`, {
        items: [
          { trustee_id: u.id, trustee_type: 'user', tenant_id: c.id, role_id: 'company_admin' },
        ],
      })
    ).body.items;
    const report = (
      await call(emu, token, 'POST', '/reports', {
        parameters: { tenant_id: c.id, level: 'itself', kind: 'usage_current' },
        schedule: { type: 'once' },
        result_action: 'save',
      })
    ).body;
    const items = (await call(emu, token, 'GET', `/tenants/${c.id}/offering_items?status=1`)).body
      .items;
    await emu.close();

    emu = await startEmulator({ state });
    token = await tokenOf(emu);
    try {
      expect(
        (await call(emu, token, 'GET', `/tenants/${c.id}/offering_items?status=1`)).body.items,
      ).toEqual(items);
      expect((await call(emu, token, 'GET', `/tenants/${c.id}/pricing`)).body).toEqual(prod);
      expect((await call(emu, token, 'GET', `/tenants/${c.id}`)).body.parent_id).toBe(folder.id);
      expect((await call(emu, token, 'GET', `/tenants/${folder.id}/children`)).body.items).toEqual([
        c.id,
      ]);
      expect(
        (await call(emu, token, 'GET', `/tenants/${emu.tenant_id}/children`)).body.items,
      ).not.toContain(c.id);
      expect((await call(emu, token, 'GET', `/users/${u.id}/access_policies`)).body.items).toEqual(
        roles,
      );
      expect((await call(emu, token, 'GET', `/reports/${report.id}`)).body).toEqual(report);
    } finally {
      await emu.close();
    }
  });

  it('loads a state file written before the journey (no items, pricing, roles or reports)', async () => {
    const state = join(dir, 'old.json');
    const emu = await startEmulator({ tenants: 2, state });
    await emu.close();
    const data = JSON.parse(readFileSync(state, 'utf8'));
    const strip = (o: Record<string, unknown>, keys: string[]) => {
      for (const k of keys) delete o[k];
      return o;
    };
    data.tenants = data.tenants.map((t: Record<string, unknown>) =>
      strip(
        { ...t, pricing_mode: t.pricing_mode === 'suspended' ? 'production' : t.pricing_mode },
        [
          'production_start_date',
          'pricing_version',
          'currency',
          'enhanced_security',
          'creator_client',
          'applications',
          'offering_items',
        ],
      ),
    );
    data.users = data.users.map((u: Record<string, unknown>) =>
      strip(
        {
          ...u,
          personal_tenant_id: u.personal_tenant_id ?? '00000000-0000-4000-8000-000000000001',
        },
        ['roles', 'language', 'notifications', 'business_types'],
      ),
    );
    delete data.reports;
    writeFileSync(state, JSON.stringify(data));
    const again = await startEmulator({ state });
    try {
      const token = await tokenOf(again);
      expect((await call(again, token, 'GET', `/tenants/${again.tenant_id}`)).status).toBe(200);
      expect(
        (await call(again, token, 'GET', `/tenants/${again.tenant_id}/offering_items`)).status,
      ).toBe(200);
      expect(
        (await call(again, token, 'GET', `/tenants/${again.tenant_id}/reports`)).body.items,
      ).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
