// Benchmark 2: one call. `getMfa(id)` (argument checks, the client's error model, zod, the call
// record the shell subscribes to) beside the same GET made with raw undici `request` and
// `body.json()`, each on its own warm keep-alive connection. Rounds alternate which goes first
// so drift in machine load hits both alike; the ratio is the median of the per-round ratios.
// (Adapted from the timed test that left the suite: timings belong here.)
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { getMfa } from '../src/steps/mfa.ts';
import {
  type EmulatorProcess,
  helperSession,
  LATENCY,
  log,
  median,
  startEmulatorProcess,
  table,
} from './bench-lib.ts';

// A bare server answering the status object: what is left is the client's own cost.
const BARE = `
const { createServer } = require('node:http');
const status = JSON.stringify({ mfa_status: 'disabled', users_with_totp_enabled_count: 0, users_count: 2, update_allowed: true });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.url === '/api/2/idp/token'
      ? JSON.stringify({ access_token: 'x'.repeat(400), expires_on: Math.floor(Date.now() / 1000) + 7200, token_type: 'bearer' })
      : status;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function bareServer(): Promise<{ emu: EmulatorProcess; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (d) => resolve(String(d).trim())),
  );
  const url = `http://127.0.0.1:${port}`;
  const emu: EmulatorProcess = {
    url,
    base_url: `${url}/api/2`,
    client_id: 'bench',
    client_secret: 'bench-secret',
    tenant_id: 'ede9f834-70b3-476c-83d9-736f9f8c7dae',
    child,
    close: async () => {
      child.kill();
    },
  };
  return { emu, child };
}

async function compare(emu: EmulatorProcess, perRound: number, rounds: number) {
  const { session, client } = await helperSession(emu);
  const id = emu.tenant_id;
  const agent = new Agent();
  const token = (client.auth.Authorization ?? '').toString();
  const headers = { authorization: token, 'user-agent': 'bench', accept: 'application/json' };
  const target = `${emu.base_url}/tenants/${id}/mfa/status`;
  const raw = async () => {
    const res = await request(target, { dispatcher: agent, headers });
    return res.body.json();
  };
  const helper = () => getMfa(session, id);
  const time = async (fn: () => Promise<unknown>, n: number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return (performance.now() - t) / n;
  };
  try {
    await time(raw, perRound);
    await time(helper, perRound);
    const ratios: number[] = [];
    const raws: number[] = [];
    const helpers: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const a = round % 2 ? await time(raw, perRound) : 0;
      const h = await time(helper, perRound);
      const b = round % 2 ? 0 : await time(raw, perRound);
      raws.push(a || b);
      helpers.push(h);
      ratios.push(h / (a || b));
    }
    if (client.stats.connections !== 1) throw new Error('the helper used more than one connection');
    return { raw: median(raws), helper: median(helpers), ratio: median(ratios) };
  } finally {
    await client.close();
    await agent.close();
  }
}

const time = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
const signed = (x: number, unit: string, digits = 1) =>
  `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}${unit}`;

export async function benchCall(): Promise<string> {
  const rows: (string | number)[][] = [];
  const runs: {
    name: string;
    start: () => Promise<EmulatorProcess>;
    perRound: number;
    rounds: number;
  }[] = [
    {
      name: `emulator, \`--latency ${LATENCY}\``,
      start: () => startEmulatorProcess({ tenants: 12 }),
      perRound: 20,
      rounds: 12,
    },
    {
      name: 'emulator, `--latency 0`',
      start: () => startEmulatorProcess({ tenants: 12, latency: 0 }),
      perRound: 200,
      rounds: 20,
    },
    {
      name: 'bare node:http server, fixed body',
      start: async () => (await bareServer()).emu,
      perRound: 300,
      rounds: 30,
    },
  ];
  let main: number | undefined;
  for (const r of runs) {
    log(`call: ${r.name}`);
    const emu = await r.start();
    try {
      const m = await compare(emu, r.perRound, r.rounds);
      main ??= m.ratio;
      rows.push([
        r.name,
        time(m.raw),
        time(m.helper),
        signed((m.ratio - 1) * 100, '%'),
        signed((m.helper - m.raw) * 1000, ' µs', 0),
        `${r.rounds} × ${r.perRound}`,
      ]);
    } finally {
      await emu.close();
    }
  }
  const over = ((main ?? Number.NaN) - 1) * 100;
  return [
    '### 2. One call: `getMfa(id)` beside raw undici on a warm connection',
    '',
    table(
      [
        'server',
        'raw undici `request`',
        '`getMfa()`',
        'overhead (median ratio)',
        'per call',
        'rounds × calls',
      ],
      rows,
    ),
    '',
    `Target, at \`--latency ${LATENCY}\`: within 15% of raw undici: **${signed(over, '%')}** (${over <= 15 ? 'met' : `missed by ${(over - 15).toFixed(1)} points`}). The rows below it show the same helper where the server costs less, down to a server that does nothing.`,
  ].join('\n');
}
