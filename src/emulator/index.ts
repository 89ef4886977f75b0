// The embedded emulator of the platform's account-management API, started in-process.
import type { AddressInfo } from 'node:net';
import { StateStore } from './persistence.ts';
import { buildRouter } from './routes/index.ts';
import { seedWorld } from './seed.ts';
import { createEmulatorServer } from './server.ts';
import { TokenSigner } from './tokens.ts';
import type { World } from './world.ts';

export { StateFileError } from './persistence.ts';
export { ADMIN_LOGIN, ADMIN_PASSWORD, HIDDEN_CUSTOMER, LOCKED_CUSTOMER } from './seed.ts';
export { totp } from './totp.ts';
export type { ClientRec, TenantRec, UserRec, World } from './world.ts';

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Customers seeded under the partner (default 12). */
  tenants?: number;
  /** Ordinary users spread over the seeded customers and units (default 2 per customer). */
  users?: number;
  /** Access token lifetime in seconds (default 7200, as on the platform). */
  tokenTtl?: number;
  /** Delay before every answer, in ms. */
  latency?: number;
  /** Share of requests (0..1) answered 503, 429 or dropped before they are processed. */
  faults?: number;
  /** Requests per second per client beyond which the answer is 429. 0/absent = no limit. */
  rateLimit?: number;
  /** File that keeps the world across restarts (plus FILE.journal). */
  state?: string;
  /** Seed of the generated world (default 1). */
  seed?: number;
  /** Receives one line per request (never credentials). */
  log?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  base_url: string;
  client_id: string;
  client_secret: string;
  tenant_id: string;
  admin: { login: string; password: string };
  world: World;
  close(): Promise<void>;
}

export const DEFAULT_TENANTS = 12;
export const DEFAULT_TOKEN_TTL = 7200;

function check(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${value}.`);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tenants = opts.tenants ?? DEFAULT_TENANTS;
  const settings = {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    tenants,
    users: opts.users ?? tenants * 2,
    tokenTtl: opts.tokenTtl ?? DEFAULT_TOKEN_TTL,
    latency: opts.latency ?? 0,
    faults: opts.faults ?? 0,
    rateLimit: opts.rateLimit ?? 0,
    seed: opts.seed ?? 1,
  };
  check('port', settings.port, 0, 65535);
  check('tenants', settings.tenants, 0, 1_000_000);
  check('users', settings.users, 0, 5_000_000);
  check('tokenTtl', settings.tokenTtl, 1);
  check('latency', settings.latency, 0, 600_000);
  check('faults', settings.faults, 0, 1);
  check('rateLimit', settings.rateLimit, 0);
  check('seed', settings.seed, 0, 2 ** 32 - 1);

  const fresh = () => seedWorld(settings);
  const { world, store } = opts.state
    ? StateStore.open(opts.state, fresh)
    : { world: fresh(), store: null };
  const signer = new TokenSigner(world.meta.signing_key);
  const server = createEmulatorServer({
    world,
    signer,
    router: buildRouter(),
    settings: { tokenTtl: settings.tokenTtl },
    latency: settings.latency,
    faults: settings.faults,
    rateLimit: settings.rateLimit,
    seed: settings.seed,
    log: opts.log,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store?.close();
    throw error;
  }

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | null = null;
  return {
    url,
    base_url: `${url}/api/2`,
    client_id: world.meta.client_id,
    client_secret: world.meta.client_secret,
    tenant_id: world.meta.partner_id,
    admin: { login: world.meta.admin_login, password: world.meta.admin_password },
    world,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() (and test runs) for seconds otherwise.
        server.closeAllConnections();
      }).finally(() => store?.close());
      return closing;
    },
  };
}
