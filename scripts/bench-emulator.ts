// `node --import tsx scripts/bench-emulator.ts`: the emulator's throughput and latency on
// PUT /tenants/{id}/mfa/status, PUT /tenants/{id}/offering_items and GET /tenants/{id}/usages,
// each next to a bare node:http server answering the same route with a fixed body, /search
// latency, and memory with 100,000 customers and their offering items (per tenant). Servers run in child processes
// so the load generator does not share their event loop. Loopback only, bounded in time.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values: args } = parseArgs({
  options: {
    child: { type: 'string' },
    tenants: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    queries: { type: 'string', default: '200' },
  },
});
const TENANTS = Number(args.tenants);
const DURATION_MS = Math.min(Number(args.duration), 20) * 1000;
const CONCURRENCY = Number(args.concurrency);
const QUERIES = Number(args.queries);
const FIXED = JSON.stringify({
  mfa_status: 'enabled',
  users_with_totp_enabled_count: 0,
  users_count: 1,
  update_allowed: true,
});
/** What the bare server answers on the offering-items and usage routes: the emulator's size. */
const FIXED_ITEMS = JSON.stringify({
  items: [
    {
      application_id: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb',
      name: 'workstations',
      edition: 'standard',
      usage_name: 'workstations',
      type: 'count',
      measurement_unit: 'quantity',
      locked: false,
      status: 1,
      quota: { value: 10, overage: 2, version: 1_700_000_000_000 },
    },
  ],
});

// ---- children -------------------------------------------------------------------------------

async function emulatorChild(): Promise<void> {
  const { startEmulator } = await import('../src/emulator/index.ts');
  const started = performance.now();
  const emu = await startEmulator({ tenants: TENANTS });
  const seedMs = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  const customers = [...emu.world.tenants.values()].filter(
    (t) =>
      t.kind === 'customer' && !t.update_lock.enabled && emu.world.isVisible(emu.tenant_id, t.id),
  );
  const target = customers[Math.floor(customers.length / 2)];
  // The customer the offering-item and usage runs use: one of the partner's own, with items.
  const itemsTarget = customers.find(
    (t, i) =>
      i > customers.length / 3 && t.parent_id === emu.tenant_id && t.offering_items.length > 0,
  );
  let items = 0;
  for (const t of emu.world.tenants.values()) items += t.offering_items.length;
  const names = customers
    .filter((_, i) => i % Math.ceil(customers.length / 500) === 0)
    .map((t) => t.name);
  process.stdout.write(
    `${JSON.stringify({
      url: emu.url,
      base_url: emu.base_url,
      client_id: emu.client_id,
      client_secret: emu.client_secret,
      tenant_id: emu.tenant_id,
      target: target?.id,
      itemsTarget: itemsTarget?.id,
      items,
      names,
      seedMs,
      tenants: emu.world.tenants.size,
      users: emu.world.users.size,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
    })}\n`,
  );
}

function bareChild(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      const fixed =
        req.method === 'PUT' && /^\/api\/2\/tenants\/[^/]+\/mfa\/status$/.test(url)
          ? FIXED
          : /^\/api\/2\/tenants\/[^/]+\/(offering_items|usages)$/.test(url)
            ? FIXED_ITEMS
            : null;
      if (fixed !== null) {
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(fixed),
        });
        res.end(fixed);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ base_url: `http://127.0.0.1:${port}/api/2` })}\n`);
  });
}

interface EmulatorInfo {
  base_url: string;
  client_id: string;
  client_secret: string;
  tenant_id: string;
  target: string;
  itemsTarget: string;
  items: number;
  names: string[];
  seedMs: number;
  tenants: number;
  users: number;
  rss: number;
  heapUsed: number;
}

// ---- load generator -----------------------------------------------------------------------

function spawnChild(kind: string): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, '--child', kind, '--tenants', String(TENANTS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve({ child, info: JSON.parse(line) }),
    );
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)));
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

/** One load run's requests: method and the body of the i-th request. */
interface Shape {
  method: 'GET' | 'PUT';
  body: (i: number) => string | undefined;
}
const MFA_SHAPE: Shape = {
  method: 'PUT',
  body: (i) => (i % 2 === 0 ? '{"enabled": true}' : '{"enabled": false}'),
};
/** A soft quota that changes on every request (no quota.version: not checked then). */
const ITEMS_SHAPE: Shape = {
  method: 'PUT',
  body: (i) =>
    JSON.stringify({
      offering_items: [{ name: 'workstations', quota: { value: 10 + (i % 50), overage: 2 } }],
    }),
};
const USAGE_SHAPE: Shape = { method: 'GET', body: () => undefined };

async function load(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  shape: Shape = MFA_SHAPE,
) {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + DURATION_MS;
  const worker = async (n: number) => {
    let i = n;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await pool.request({
        path: `${url.pathname}${path}`,
        method: shape.method,
        headers,
        body: shape.body(i++),
      });
      await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => worker(n)));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    requests: latencies.length,
    errors,
  };
}

async function searchLatency(baseUrl: string, tenantId: string, token: string, texts: string[]) {
  const pool = new Pool(new URL(baseUrl).origin, { connections: 1 });
  const times: number[] = [];
  let hits = 0;
  for (const text of texts) {
    const t0 = performance.now();
    const res = await pool.request({
      path: `${new URL(baseUrl).pathname}/search?tenant=${tenantId}&text=${encodeURIComponent(text)}&limit=10`,
      method: 'GET',
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.body.json()) as { items: unknown[] };
    times.push(performance.now() - t0);
    hits += body.items.length;
  }
  await pool.close();
  times.sort((a, b) => a - b);
  return { median: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1] ?? 0, hits };
}

async function main(): Promise<void> {
  const emu = await spawnChild('emulator');
  const bare = await spawnChild('bare');
  try {
    const info = emu.info as unknown as EmulatorInfo;
    const tokenRes = await fetch(`${info.base_url}/idp/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${info.client_id}:${info.client_secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const path = `/tenants/${info.target}/mfa/status`;

    const emuLoad = await load(info.base_url, path, headers);
    const bareLoad = await load(String(bare.info.base_url), path, headers);
    const itemsPath = `/tenants/${info.itemsTarget}/offering_items`;
    const emuItems = await load(info.base_url, itemsPath, headers, ITEMS_SHAPE);
    const bareItems = await load(String(bare.info.base_url), itemsPath, headers, ITEMS_SHAPE);
    const usagePath = `/tenants/${info.itemsTarget}/usages`;
    const emuUsage = await load(info.base_url, usagePath, headers, USAGE_SHAPE);
    const bareUsage = await load(String(bare.info.base_url), usagePath, headers, USAGE_SHAPE);

    const names = info.names.slice(0, QUERIES);
    const exact = await searchLatency(info.base_url, info.tenant_id, token, names);
    const prefixes = names.map((n) => n.split(' ')[0]?.slice(0, 4) ?? 'nort');
    const broad = await searchLatency(info.base_url, info.tenant_id, token, prefixes);
    const none = await searchLatency(
      info.base_url,
      info.tenant_id,
      token,
      names.slice(0, 50).map((_, i) => `zzz${i} nomatch`),
    );

    const ms = (x: number) => `${x.toFixed(2)} ms`;
    const mb = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MiB`;
    const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
    const loadRow = (label: string, r: Awaited<ReturnType<typeof load>>) => [
      label,
      `${r.rps.toFixed(0)} req/s`,
      ms(r.p50),
      ms(r.p99),
      `${r.requests} req, ${r.errors} non-200`,
    ];
    const rows = [
      loadRow('PUT mfa/status, emulator', emuLoad),
      loadRow('PUT mfa/status, bare node:http', bareLoad),
      loadRow('PUT offering_items, emulator', emuItems),
      loadRow('PUT offering_items, bare node:http', bareItems),
      loadRow('GET usages, emulator', emuUsage),
      loadRow('GET usages, bare node:http', bareUsage),
      [
        'GET /search, exact names',
        '',
        ms(exact.median),
        ms(exact.p99),
        `${names.length} queries, max ${ms(exact.max)}`,
      ],
      [
        'GET /search, 4-letter prefix',
        '',
        ms(broad.median),
        ms(broad.p99),
        `${prefixes.length} queries, max ${ms(broad.max)}`,
      ],
      [
        'GET /search, no match',
        '',
        ms(none.median),
        ms(none.p99),
        `50 queries, max ${ms(none.max)}`,
      ],
    ];
    const out = [
      `Emulator benchmark: ${info.tenants} tenants, ${info.users} users, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per load run, Node ${process.version}`,
      '',
      '| measurement | throughput | p50 / median | p99 | notes |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      `| emulator memory after seeding (GC'd) | | | | RSS ${mb(info.rss)}, heap ${mb(info.heapUsed)}, seeded in ${(info.seedMs / 1000).toFixed(1)} s |`,
      `| memory per tenant | | | | ${kb(info.heapUsed / info.tenants)} heap, ${kb(info.rss / info.tenants)} RSS per tenant (${info.tenants} tenants, ${info.users} users, ${info.items} offering items) |`,
      '',
      `Command: node --import tsx scripts/bench-emulator.ts --tenants ${TENANTS} --duration ${DURATION_MS / 1000} --concurrency ${CONCURRENCY}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    emu.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
  }
}

if (args.child === 'emulator') await emulatorChild();
else if (args.child === 'bare') bareChild();
else await main();
