// Benchmark 1: a tree-wide 2FA change. The shell's bulk helper (plan included) at several
// concurrencies, the route's ceiling at each (an undici Pool with as many connections, PUTting
// the same tenants), and the seed page's way: one call after another, in TypeScript with the
// same client and in Python with requests. A fresh emulator process for every measurement, so
// each one starts from the same state.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import * as api from '../src/api/endpoints.ts';
import type { MfaPlan } from '../src/bulk/plan.ts';
import type { MfaSummary } from '../src/bulk/summary.ts';
import { DEFAULT_CONCURRENCY } from '../src/steps/bulk-mfa.ts';
import { setMfa } from '../src/steps/mfa.ts';
import {
  type EmulatorProcess,
  fmt,
  helperSession,
  LATENCY,
  log,
  median,
  realPython,
  startEmulatorProcess,
  table,
} from './bench-lib.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenant-shell-bench-'));

async function withEmulator<T>(tenants: number, run: (emu: EmulatorProcess) => Promise<T>) {
  const emu = await startEmulatorProcess({ tenants });
  try {
    return await run(emu);
  } finally {
    await emu.close();
  }
}

/** The tenants a subtree-wide enable changes (from a dry run: not timed). */
async function changeableIds(emu: EmulatorProcess): Promise<string[]> {
  const { session, client } = await helperSession(emu);
  const plan = (await setMfa(session, true, { subtree: true, dryRun: true })) as MfaPlan;
  await client.close();
  return plan.pending().map((e) => e.id);
}

async function bulk(emu: EmulatorProcess, concurrency: number) {
  const { session, client } = await helperSession(emu);
  const report = join(dir, `bulk-${concurrency}.json`);
  const t0 = performance.now();
  const summary = (await setMfa(session, true, {
    subtree: true,
    yes: true,
    concurrency,
    report,
  })) as MfaSummary;
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  if (summary.failed || summary.interrupted) throw new Error(`bulk run failed: ${summary}`);
  const entries = JSON.parse(readFileSync(report, 'utf8')).tenants as {
    id: string;
    state: string;
  }[];
  const ids = entries.filter((e) => e.state === 'changed').map((e) => e.id);
  return { changed: summary.changed, seconds, ids };
}

/** What the route allows at this concurrency: bare undici, no validation, no plan. */
async function ceiling(emu: EmulatorProcess, ids: string[], concurrency: number, token: string) {
  const pool = new Pool(emu.url, { connections: concurrency });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const res = await pool.request({
          path: `/api/2/tenants/${id}/mfa/status`,
          method: 'PUT',
          headers,
          body: '{"enabled": true}',
        });
        await res.body.text();
        if (res.statusCode !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  if (errors) throw new Error(`ceiling run: ${errors} non-200 answers`);
  return { seconds, rate: ids.length / seconds };
}

async function tokenOf(emu: EmulatorProcess): Promise<string> {
  const res = await fetch(`${emu.base_url}/idp/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${emu.client_id}:${emu.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function sequentialTs(emu: EmulatorProcess, ids: string[]) {
  const { client } = await helperSession(emu);
  const t0 = performance.now();
  for (const id of ids) await api.setTenantMfa(client, id, true);
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  return { seconds, rate: ids.length / seconds };
}

const PYTHON_LOOP = `
import json, sys, time, requests
base_url, token, ids_file = sys.argv[1], sys.argv[2], sys.argv[3]
auth = {'Authorization': 'Bearer ' + token}
ids = json.load(open(ids_file))
mfa_status = json.dumps({'enabled': True}, indent=4)
t0 = time.perf_counter()
for tenant_id in ids:
    response = requests.put(
        f'{base_url}/tenants/{tenant_id}/mfa/status',
        headers={'Content-Type': 'application/json', **auth},
        data=mfa_status,
    )
    assert response.status_code == 200, response.status_code
print(time.perf_counter() - t0)
`;

async function sequentialPython(emu: EmulatorProcess, ids: string[]) {
  const file = join(dir, 'ids.json');
  writeFileSync(file, JSON.stringify(ids));
  const token = await tokenOf(emu);
  const out = execFileSync(realPython(), ['-c', PYTHON_LOOP, emu.base_url, token, file], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const seconds = Number(out.trim());
  return { seconds, rate: ids.length / seconds };
}

export async function benchTree(customers: number, concurrencies: number[]): Promise<string> {
  const rows: (string | number)[][] = [];
  const byConcurrency = new Map<number, { helper: number; ceiling: number }>();
  for (const c of concurrencies) {
    // At the default, three fresh runs each (the median): it is the row the targets are read on.
    const repeats = c === DEFAULT_CONCURRENCY ? 3 : 1;
    const helper: number[] = [];
    const top: number[] = [];
    let changed = 0;
    for (let i = 0; i < repeats; i++) {
      log(`tree: bulk helper and ceiling at concurrency ${c} (${i + 1}/${repeats})`);
      await withEmulator(customers, async (emu) => {
        const run = await bulk(emu, c);
        const roof = await ceiling(emu, run.ids, c, await tokenOf(emu));
        changed = run.changed;
        helper.push(run.changed / run.seconds);
        top.push(roof.rate);
      });
    }
    const h = median(helper);
    const t = median(top);
    byConcurrency.set(c, { helper: h, ceiling: t });
    const runs = repeats > 1 ? ` (median of ${repeats})` : '';
    rows.push([
      `shell \`setMfa(true, {subtree: true, yes: true, concurrency: ${c}})\`${c === DEFAULT_CONCURRENCY ? ' (default)' : ''}${runs}`,
      c,
      changed,
      `${(changed / h).toFixed(2)} s`,
      fmt.rate(h),
      fmt.pct(h / t),
    ]);
    rows.push([
      `ceiling: undici Pool PUT loop, same tenants${runs}`,
      c,
      changed,
      `${(changed / t).toFixed(2)} s`,
      fmt.rate(t),
      '100%',
    ]);
  }
  log('tree: sequential loop, TypeScript (same client)');
  const seq = await withEmulator(customers, async (emu) => {
    const ids = await changeableIds(emu);
    return { ids: ids.length, ...(await sequentialTs(emu, ids)) };
  });
  rows.push([
    'sequential loop, same client (`await setTenantMfa` one by one)',
    1,
    seq.ids,
    `${seq.seconds.toFixed(2)} s`,
    fmt.rate(seq.rate),
    '',
  ]);
  log('tree: sequential loop, Python requests (the seed page)');
  const py = await withEmulator(customers, async (emu) => {
    const ids = await changeableIds(emu);
    return { ids: ids.length, ...(await sequentialPython(emu, ids)) };
  });
  rows.push([
    'sequential loop, Python `requests.put` as on the seed page',
    1,
    py.ids,
    `${py.seconds.toFixed(2)} s`,
    fmt.rate(py.rate),
    '',
  ]);
  const chosen = byConcurrency.get(DEFAULT_CONCURRENCY);
  const lines = [
    `### 1. Tree-wide 2FA change (${customers} customers, \`--latency ${LATENCY}\`)`,
    '',
    table(['way', 'concurrency', 'tenants changed', 'time', 'tenants/s', 'of the ceiling'], rows),
    '',
  ];
  if (chosen) {
    const speedup = chosen.helper / seq.rate;
    const share = chosen.helper / chosen.ceiling;
    lines.push(
      `Target, default concurrency ${DEFAULT_CONCURRENCY}: at least 10x the sequential loop: **${speedup.toFixed(1)}x** (${speedup >= 10 ? 'met' : `missed by ${(10 - speedup).toFixed(1)}x`}); at least 80% of the ceiling: **${fmt.pct(share)}** (${share >= 0.8 ? 'met' : `missed by ${((0.8 - share) * 100).toFixed(0)} points`}).`,
    );
  }
  return lines.join('\n');
}
