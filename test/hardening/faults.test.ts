// Issue 7, faults: a long session compressed against an emulator that fails, throttles, lags
// and expires tokens every 5 s; killing the emulator mid-write; Ctrl+C at each point of a call.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import * as api from '../../src/api/endpoints.ts';
import { TenantShellError } from '../../src/api/errors.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { TenantMfaInfo } from '../../src/schemas/index.ts';
import { CLIENT_ID, CLIENT_SECRET } from '../unit/api-test-server.ts';
import { artifactDir, keepOutput, recordFigures, registerSecrets } from './artifacts.ts';
import { startBadServer } from './catalogue-servers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('a long session against faults, latency, a rate limit and 5-second tokens', () => {
  it('finishes with every call succeeded or reported, no unsafe repeat, retries counted', async () => {
    const log: string[] = [];
    const emulator = await startEmulator({
      tenants: 12,
      faults: 0.15,
      latency: 5,
      rateLimit: 25,
      tokenTtl: 5,
      seed: 3,
      log: (l) => log.push(l),
    });
    registerSecrets(emulator.client_secret, emulator.admin.password);
    const client = await PlatformClient.connect({
      url: emulator.url,
      credentials: {
        kind: 'client',
        clientId: emulator.client_id,
        clientSecret: emulator.client_secret,
      },
    });
    const posts: Array<{ name: string; tries: number; ok: boolean }> = [];
    const outcomes = { ok: 0, reported: 0 } as Record<string, number>;
    const byCode: Record<string, number> = {};
    const customers = [...emulator.world.tenants.values()]
      .filter((t) => t.kind === 'customer' && t.ancestral_access && !t.update_lock.enabled)
      .map((t) => t.id);
    let records: Array<{ method: string; path: string; tries: number }> = [];
    client.onCall((r) => records.push({ method: r.method, path: r.path, tries: r.tries }));
    const started = Date.now();
    const SESSION_MS = 13_000;
    let n = 0;

    const worker = async (w: number) => {
      while (Date.now() - started < SESSION_MS) {
        const i = n++;
        const tenant = customers[i % customers.length] as string;
        const op = i % 5;
        try {
          if (op === 0) await api.getTenant(client, tenant);
          else if (op === 1)
            await client.request('PUT', `/tenants/${tenant}/mfa/status`, {
              json: { enabled: i % 2 === 0 },
              schema: TenantMfaInfo,
            });
          else if (op === 2) {
            for await (const _ of api.listTenantPages(client, { subtree_root_id: tenant })) {
              // read every page
            }
          } else if (op === 3) {
            const name = `Fault Session ${w}-${i}`;
            records = [];
            try {
              await client.request('POST', '/tenants', {
                json: { name, kind: 'customer', parent_id: emulator.tenant_id },
              });
              posts.push({ name, tries: records.at(-1)?.tries ?? 1, ok: true });
            } catch (error) {
              posts.push({ name, tries: records.at(-1)?.tries ?? 1, ok: false });
              throw error;
            }
          } else {
            await client.request('GET', '/search', {
              query: { tenant: emulator.tenant_id, text: 'Harbor' },
            });
          }
          outcomes.ok = (outcomes.ok ?? 0) + 1;
        } catch (error) {
          // Reported: one of ours, with a code and a sentence; never a bare crash.
          expect(error).toBeInstanceOf(TenantShellError);
          const code = (error as TenantShellError).code;
          byCode[code] = (byCode[code] ?? 0) + 1;
          outcomes.reported = (outcomes.reported ?? 0) + 1;
        }
      }
    };
    await Promise.all([worker(1), worker(2), worker(3)]);
    const stats = client.stats;
    await client.close();

    // No POST repeated where repeating is unsafe: the emulator saw as many POST /tenants as the
    // client made tries, each acknowledged one created exactly one tenant, each failed one none.
    const names = new Map<string, number>();
    for (const t of emulator.world.tenants.values())
      if (t.deleted_at === null) names.set(t.name, (names.get(t.name) ?? 0) + 1);
    for (const p of posts) expect(names.get(p.name) ?? 0).toBe(p.ok ? 1 : 0);
    const postLines = log.filter((l) => l.startsWith('POST /api/2/tenants ')).length;
    expect(postLines).toBe(posts.reduce((sum, p) => sum + p.tries, 0));
    // Outcome lines of the emulator: what was injected.
    const outcome = (l: string) => l.split(' ')[2];
    const injected = {
      unavailable_503: log.filter((l) => outcome(l) === '503').length,
      throttled_429: log.filter((l) => outcome(l) === '429').length,
      dropped: log.filter((l) => outcome(l) === 'drop').length,
    };
    await emulator.close();

    const calls = (outcomes.ok ?? 0) + (outcomes.reported ?? 0);
    expect(calls).toBeGreaterThan(50);
    expect(stats.renewals).toBeGreaterThanOrEqual(2);
    expect(stats.retries).toBeGreaterThan(0);
    recordFigures('faults_session', {
      wall_seconds: Math.round((Date.now() - started) / 1000),
      calls,
      succeeded: outcomes.ok ?? 0,
      reported: outcomes.reported ?? 0,
      reported_by_code: JSON.stringify(byCode),
      retries: stats.retries,
      token_renewals: stats.renewals,
      faults_injected: injected.unavailable_503 + injected.throttled_429 + injected.dropped,
      ...injected,
      posts: posts.length,
      posts_repeated_unsafely: 0,
    });
  }, 40_000);
});

describe('killing the emulator mid-write', () => {
  it('loses no acknowledged change (kill -9 while creating tenants)', async () => {
    const dir = artifactDir('emulator-kill');
    // The state file holds the client secret by design (a sandbox): kept out of the scanned artifacts.
    const state = join(mkdtempSync(join(tmpdir(), 'tenant-shell-kill-')), 'state.json');
    const start = async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'scripts/emulator.ts', '--port', '0', '--state', state],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((r) => lines.once('line', r));
      const info = JSON.parse(first) as {
        url: string;
        client_id: string;
        client_secret: string;
        tenant_id: string;
      };
      registerSecrets(info.client_secret);
      return { child, info, log: () => stderr };
    };
    const first = await start();
    const basic = `Basic ${Buffer.from(`${first.info.client_id}:${first.info.client_secret}`).toString('base64')}`;
    const tok = await request(`${first.info.url}/api/2/idp/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tok.body.json()) as { access_token: string }).access_token;
    registerSecrets(token);
    const acked: string[] = [];
    let stop = false;
    let inFlight = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `Kill Test ${w}-${i}`;
        inFlight++;
        try {
          const res = await request(`${first.info.url}/api/2/tenants`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name, kind: 'customer', parent_id: first.info.tenant_id }),
          });
          await res.body.text();
          if (res.statusCode === 201) acked.push(name);
        } catch {
          // After the kill this is the kill; before it, a passing socket error on a loaded machine.
          if (stop) return;
        } finally {
          inFlight--;
        }
      }
    };
    const workers = [1, 2, 3, 4].map(worker);
    const deadline = Date.now() + 20_000;
    while (acked.length < 150) {
      if (Date.now() > deadline)
        throw new Error(`only ${acked.length} creations acknowledged in 20 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const inFlightAtKill = inFlight;
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    // It may be gone already: wait for 'exit' only if it has not been seen.
    if (first.child.exitCode === null && first.child.signalCode === null) {
      await new Promise((r) => first.child.once('exit', r));
    }
    keepOutput(dir, 'emulator-1.log', first.log());

    const second = await start();
    const res = await request(
      `${second.info.url}/api/2/tenants?parent_id=${second.info.tenant_id}&limit=1000`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const items = ((await res.body.json()) as { items: Array<{ name: string }> }).items;
    const present = new Set(items.map((t) => t.name));
    const lost = acked.filter((name) => !present.has(name));
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    keepOutput(dir, 'emulator-2.log', second.log());
    expect(lost).toEqual([]);
    recordFigures('emulator_kill', {
      acknowledged_before_kill: acked.length,
      in_flight_at_kill: inFlightAtKill,
      lost_after_restart: lost.length,
    });
  }, 40_000);
});

describe('Ctrl+C at each point of a call', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function silentTls() {
    const sockets = new Set<Socket>();
    const server = createNetServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    });
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('cancels while connecting, waiting and reading, well within a second; the next call works', async () => {
    const bad = await startBadServer();
    servers.push(bad);
    const client = await PlatformClient.connect({
      url: bad.url,
      credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    registerSecrets(...client.redactor.secrets());
    const tlsUrl = await silentTls();
    const connecting = new PlatformClient({
      url: tlsUrl,
      // Only so that close() does not wait 10 s for the abandoned handshake.
      connectTimeoutMs: 1500,
      credentials: { kind: 'token', accessToken: 'fixed-token-for-the-connect-phase' },
    });
    const phases: Array<[string, (signal: AbortSignal) => Promise<unknown>]> = [
      ['connecting', (signal) => connecting.request('GET', '/good', { signal })],
      ['waiting', (signal) => client.request('GET', '/bad/stall-headers', { signal })],
      ['reading', (signal) => client.request('GET', '/bad/stall-body', { signal })],
    ];
    const figures: Record<string, number> = {};
    for (const [phase, run] of phases) {
      const controller = new AbortController();
      const call = run(controller.signal).then(
        () => {
          throw new Error(`${phase}: the call finished`);
        },
        (error: unknown) => error,
      );
      await new Promise((r) => setTimeout(r, 300));
      const pressed = performance.now();
      controller.abort();
      const error = await call;
      const ms = performance.now() - pressed;
      expect((error as TenantShellError).code, phase).toBe('E_CANCELLED');
      expect(ms, phase).toBeLessThan(1_000);
      figures[`${phase}_ms`] = Math.round(ms * 10) / 10;
      const next = await client.request('GET', '/good', { schema: TenantMfaInfo });
      expect(next.body.users_count).toBe(3);
    }
    await connecting.close();
    await client.close();
    recordFigures('cancel', figures);
  });
});
