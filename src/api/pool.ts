// One keep-alive connection pool per data center, shared by every client of that origin and
// closed when the last one lets go. The proxy comes from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (read
// here, as curl reads them: `host:port` without a scheme means http://) and goes to undici's
// ProxyAgent; loopback (the emulator) always goes direct.

import { Agent, buildConnector, type Dispatcher, ProxyAgent } from 'undici';
import { UsageError } from './errors.ts';
import { keepParserInBaselineTier } from './wasm-tiering.ts';

/** The proxy a pool goes through: what to call it in a message, never its password. */
export interface ProxyInUse {
  /** `127.0.0.1:3128` */
  host: string;
  /** The variable it came from, e.g. `HTTPS_PROXY`. */
  variable: string;
}

export interface PoolLease {
  readonly dispatcher: Dispatcher;
  /** Set when the calls go through a proxy: a failure to connect is then the proxy's. */
  readonly proxy: ProxyInUse | undefined;
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

type Env = Record<string, string | undefined>;

/** The first of the variables that is set (lower case first, as curl and undici read them). */
function pick(env: Env, names: string[]): { variable: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { variable: name, value };
  }
  return undefined;
}

/** True when NO_PROXY names the host (exactly, as a parent domain, or `*`), as undici matches. */
export function bypassesProxy(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname.toLowerCase();
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    if (entry === '*') return true;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number(parsed[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The proxy for `origin` from the environment, or undefined to go direct. A value curl accepts
 * (`host:port`, `http://host:port`, with a login) is accepted; anything else is one sentence.
 */
export function proxyFor(
  origin: string,
  env: Env = process.env,
): { url: string; shown: ProxyInUse } | undefined {
  const target = new URL(origin);
  const https = target.protocol === 'https:';
  const found = https
    ? (pick(env, ['https_proxy', 'HTTPS_PROXY']) ?? pick(env, ['http_proxy', 'HTTP_PROXY']))
    : pick(env, ['http_proxy', 'HTTP_PROXY']);
  if (!found) return undefined;
  const port = Number(target.port) || (https ? 443 : 80);
  const noProxy = pick(env, ['no_proxy', 'NO_PROXY'])?.value ?? '';
  if (bypassesProxy(target.hostname, port, noProxy)) return undefined;
  const { variable, value } = found;
  const refuse = (why: string): never => {
    throw new UsageError(
      `${variable} is '${shownValue(value)}', which is not a proxy address (${why}): set it to host:port or http://host:port, or unset it to connect directly.`,
    );
  };
  const schemed = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  let url: URL;
  try {
    url = new URL(schemed ? value : `http://${value}`);
  } catch {
    return refuse('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(`${url.protocol}// proxies are not supported`);
  }
  // Without a scheme, a bare word is more likely a mistake than a proxy on port 80.
  if (!url.hostname || (!schemed && !/:\d+\/?$/.test(value))) return refuse('no port');
  return { url: url.href, shown: { host: url.host, variable } };
}

/** The value as it may be shown: a password in it is masked. */
function shownValue(value: string): string {
  return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:****@').slice(0, 100);
}

function create(entry: Entry, proxy: string | undefined, connectTimeoutMs: number): Dispatcher {
  keepParserInBaselineTier();
  // TLS verification stays on: custom CAs come through NODE_EXTRA_CA_CERTS, read by Node itself.
  const base = buildConnector({ timeout: connectTimeoutMs });
  const connect: buildConnector.connector = (options, callback) =>
    base(options, (...args) => {
      if (args[0] === null) entry.opened++;
      callback(...args);
    });
  if (proxy === undefined) return new Agent({ connect });
  return new ProxyAgent({
    uri: proxy,
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
  const proxy = loopback ? undefined : proxyFor(origin);
  const key = `${origin} ${connectTimeoutMs} ${proxy?.url ?? 'direct'}`;
  let entry = shared.get(key);
  if (!entry || entry.refs === 0) {
    const fresh: Entry = { dispatcher: undefined as unknown as Dispatcher, refs: 0, opened: 0 };
    fresh.dispatcher = create(fresh, proxy?.url, connectTimeoutMs);
    shared.set(key, fresh);
    entry = fresh;
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    dispatcher: held.dispatcher,
    proxy: proxy?.shown,
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
