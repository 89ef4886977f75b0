// What the benchmarks share: the emulator as a separate process, a logged-in helper session,
// medians, Markdown tables. Loopback only; every child is killed when its measurement ends.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PlatformClient } from '../src/api/client.ts';
import type { SeenTenant, StepSession } from '../src/steps/session.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LATENCY = 20;

export interface EmulatorProcess {
  url: string;
  base_url: string;
  client_id: string;
  client_secret: string;
  tenant_id: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** `node --import tsx scripts/emulator.ts --port 0 --quiet ...`, as `npm run emulator` starts it. */
export async function startEmulatorProcess(flags: {
  tenants: number;
  latency?: number;
  faults?: number;
}): Promise<EmulatorProcess> {
  const args = [
    '--import',
    'tsx',
    `${ROOT}scripts/emulator.ts`,
    '--port',
    '0',
    '--quiet',
    '--tenants',
    String(flags.tenants),
    '--latency',
    String(flags.latency ?? LATENCY),
  ];
  if (flags.faults) args.push('--faults', String(flags.faults));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve(JSON.parse(line)),
    );
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  return {
    url: String(info.url),
    base_url: String(info.base_url),
    client_id: String(info.client_id),
    client_secret: String(info.client_secret),
    tenant_id: String(info.tenant_id),
    child,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A helper session as the shell builds one, without a terminal (no prompts, no bars). */
export async function helperSession(
  emu: EmulatorProcess,
): Promise<{ session: StepSession; client: PlatformClient }> {
  const client = await PlatformClient.connect({
    url: emu.url,
    credentials: { kind: 'client', clientId: emu.client_id, clientSecret: emu.client_secret },
  });
  // The shell subscribes to every call (for .curl and --verbose): the benchmark pays for it too.
  let last: unknown;
  client.onCall((record) => {
    last = record;
  });
  void last;
  let tenantId: unknown = emu.tenant_id;
  const session: StepSession = {
    client,
    homeTenantId: emu.tenant_id,
    getTenantId: () => tenantId,
    setTenantId: (id) => {
      tenantId = id;
    },
    setVariable: () => {},
    seen: new Map<string, SeenTenant>(),
    ask: null,
    assumeYes: false,
    signal: () => undefined,
    busy: (_text, work) => work(),
    note: () => {},
  };
  return { session, client };
}

/** The environment of a shell under measurement: its own home, no colour, only the secret it needs. */
export function shellEnv(
  home: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    TERM: 'xterm',
    NO_COLOR: '1',
    TENANT_SHELL_HISTORY: join(home, 'history'),
    TENANT_SHELL_CONFIG_DIR: join(home, 'config'),
    TENANT_SHELL_CLIENT_SECRET: clientSecret,
    ...extra,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The Python interpreter itself, not the version manager's shim (toolchain.md: +300 ms). */
export function realPython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).trim();
}

export const fmt = {
  ms: (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`,
  rate: (x: number) => `${x.toFixed(0)}/s`,
  mib: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`,
  pct: (x: number) => `${(x * 100).toFixed(0)}%`,
};

export function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
