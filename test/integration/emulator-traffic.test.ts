// Token expiry, injected faults, the rate limit, latency, and the 500 safety net.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../src/emulator/context.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { Router } from '../../src/emulator/router.ts';
import { seedWorld } from '../../src/emulator/seed.ts';
import { createEmulatorServer } from '../../src/emulator/server.ts';
import { TokenSigner } from '../../src/emulator/tokens.ts';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function getToken(base: string, id: string, secret: string) {
  const res = await fetch(`${base}/idp/token`, {
    method: 'POST',
    headers: {
      Authorization: basic(id, secret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; expires_on: number };
}

describe('token lifetime', () => {
  it('answers 401 once tokenTtl has passed', async () => {
    const emu = await startEmulator({ tokenTtl: 1, tenants: 2 });
    try {
      const tok = await getToken(emu.base_url, emu.client_id, emu.client_secret);
      const get = () =>
        fetch(`${emu.base_url}/tenants/${emu.tenant_id}`, {
          headers: { Authorization: `Bearer ${tok.access_token}` },
        });
      expect((await get()).status).toBe(200);
      await new Promise((r) => setTimeout(r, tok.expires_on * 1000 - Date.now() + 50));
      const expired = await get();
      expect(expired.status).toBe(401);
      const body = (await expired.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('401');
      expect(body.error.message).toMatch(/expired/);
    } finally {
      await emu.close();
    }
  });
});

describe('faults', () => {
  it('with rate 1.0 every answer is 503, 429 or a dropped connection, and nothing changes', async () => {
    const emu = await startEmulator({ faults: 1, tenants: 2 });
    try {
      const tenants = emu.world.tenants.size;
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const isToken = i % 2 === 0;
        try {
          const res = await fetch(
            isToken ? `${emu.base_url}/idp/token` : `${emu.base_url}/tenants`,
            {
              method: 'POST',
              headers: {
                Authorization: basic(emu.client_id, emu.client_secret),
                'Content-Type': isToken ? 'application/x-www-form-urlencoded' : 'application/json',
              },
              body: isToken
                ? 'grant_type=client_credentials'
                : JSON.stringify({
                    name: `Fault ${i}`,
                    kind: 'customer',
                    parent_id: emu.tenant_id,
                  }),
            },
          );
          expect([503, 429]).toContain(res.status);
          expect(res.headers.get('retry-after')).toBe('1');
          const body = (await res.json()) as { error: { code: string } };
          expect(body.error.code).toBe(String(res.status));
          seen.add(String(res.status));
        } catch (error) {
          expect(String((error as Error).cause ?? error)).toMatch(
            /socket|closed|reset|terminated/i,
          );
          seen.add('drop');
        }
      }
      expect(seen).toEqual(new Set(['503', '429', 'drop']));
      expect(emu.world.tenants.size).toBe(tenants);
    } finally {
      await emu.close();
    }
  });

  it('latency delays answers', async () => {
    const emu = await startEmulator({ latency: 150, tenants: 1 });
    try {
      const started = performance.now();
      await fetch(`${emu.base_url}/tenants`);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await emu.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond N per second per client, others unaffected', async () => {
    const emu = await startEmulator({ rateLimit: 5, tenants: 1 });
    try {
      const tok = await getToken(emu.base_url, emu.client_id, emu.client_secret);
      // Start at the top of a fresh one-second window (the token request counted too).
      await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));
      const statuses = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${emu.base_url}/tenants/${emu.tenant_id}`, {
            headers: { Authorization: `Bearer ${tok.access_token}` },
          }).then(async (r) => {
            if (r.status === 429) {
              expect(r.headers.get('retry-after')).toBe('1');
              expect(((await r.json()) as { error: { code: string } }).error.code).toBe('429');
            } else await r.body?.cancel();
            return r.status;
          }),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      // The administrator's Basic login is another client.
      const me = await fetch(`${emu.base_url}/users/me`, {
        headers: { Authorization: basic(emu.admin.login, emu.admin.password) },
      });
      expect(me.status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});

describe('safety net', () => {
  it('turns a thrown error into a 500 envelope with code 1000 and keeps serving', async () => {
    const lines: string[] = [];
    const world = seedWorld({ seed: 1, tenants: 1, users: 0 });
    const router = new Router<Handler>()
      .add('GET', '/boom', () => {
        throw new TypeError('bug');
      })
      .add('GET', '/fine', () => ({ status: 200, body: { fine: true } }));
    const server = createEmulatorServer({
      world,
      signer: new TokenSigner(world.meta.signing_key),
      router,
      settings: { tokenTtl: 60 },
      latency: 0,
      faults: 0,
      rateLimit: 0,
      seed: 1,
      log: (line) => lines.push(line),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/2`;
    try {
      const boom = await fetch(`${base}/boom`);
      expect(boom.status).toBe(500);
      expect(await boom.json()).toMatchObject({
        error: { code: '1000', domain: 'PlatformAccountServer' },
      });
      expect((await fetch(`${base}/fine`)).status).toBe(200);
      expect(lines.some((l) => l.includes('TypeError: bug'))).toBe(true);
      expect(lines).toContain(lines.find((l) => /^GET \/api\/2\/boom 500 /.test(l)));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
