// One keep-alive connection pool per data center, shared by every client of that origin and
// closed when the last one lets go. Proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY through
// undici's EnvHttpProxyAgent; loopback (the emulator) always goes direct.

import { Agent, buildConnector, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { keepParserInBaselineTier } from './wasm-tiering.ts';

export interface PoolLease {
  readonly dispatcher: Dispatcher;
  /** Connections opened so far (directly; a proxy tunnel counts as one). */
  connections(): number;
  release(): Promise<void>;
}

interface Entry {
  dispatcher: Dispatcher;
  refs: number;
  opened: number;
}

const shared = new Map<string, Entry>();

function proxyConfigured(): boolean {
  const env = process.env;
  return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

function create(entry: Entry, loopback: boolean, connectTimeoutMs: number): Dispatcher {
  keepParserInBaselineTier();
  // TLS verification stays on: custom CAs come through NODE_EXTRA_CA_CERTS, read by Node itself.
  const base = buildConnector({ timeout: connectTimeoutMs });
  const connect: buildConnector.connector = (options, callback) =>
    base(options, (...args) => {
      if (args[0] === null) entry.opened++;
      callback(...args);
    });
  if (loopback || !proxyConfigured()) return new Agent({ connect });
  return new EnvHttpProxyAgent({
    connect,
    proxyTls: { timeout: connectTimeoutMs },
    requestTls: { timeout: connectTimeoutMs },
  });
}

export function acquirePool(
  origin: string,
  loopback: boolean,
  connectTimeoutMs: number,
): PoolLease {
  const key = `${origin} ${connectTimeoutMs} ${loopback || !proxyConfigured() ? 'direct' : 'env-proxy'}`;
  let entry = shared.get(key);
  if (!entry || entry.refs === 0) {
    const fresh: Entry = { dispatcher: undefined as unknown as Dispatcher, refs: 0, opened: 0 };
    fresh.dispatcher = create(fresh, loopback, connectTimeoutMs);
    shared.set(key, fresh);
    entry = fresh;
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    dispatcher: held.dispatcher,
    connections: () => held.opened,
    release: async () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0) {
        if (shared.get(key) === held) shared.delete(key);
        await held.dispatcher.close();
      }
    },
  };
}
