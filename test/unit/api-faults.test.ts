import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientOptions, PlatformClient } from '../../src/api/client.ts';
import { ApiError, CancelledError, NetworkError, TimeoutError } from '../../src/api/errors.ts';
import type { CallRecord } from '../../src/api/request-log.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Handler,
  sendJson,
  startServer,
  type TestServer,
  tokenEndpoint,
} from './api-test-server.ts';

const credentials = { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } as const;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  server: TestServer;
  client: PlatformClient;
  waits: number[];
  records: CallRecord[];
  issued: { count: number; ttlS?: number };
}

/** A server whose API part is `handler`, and a logged-in client whose waits are recorded, not slept. */
async function setup(
  handler: Handler,
  options: Partial<ClientOptions> = {},
  ttlS?: number,
): Promise<Setup> {
  const issued = { count: 0, ...(ttlS === undefined ? {} : { ttlS }) };
  const server = await startServer((req, res, body) => {
    if (tokenEndpoint(req, res, issued)) return;
    handler(req, res, body);
  });
  cleanups.push(() => server.close());
  const waits: number[] = [];
  const client = await PlatformClient.connect({
    url: server.url,
    credentials,
    ...options,
    retry: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options.retry,
    },
  });
  cleanups.push(() => client.close());
  const records: CallRecord[] = [];
  client.onCall((r) => records.push(r));
  return { server, client, waits, records, issued };
}

/** Drops the connection the first `times` times a path is asked for, then answers 200. */
function dropFirst(times: number): Handler {
  const seen = new Map<string, number>();
  return (req, res) => {
    const n = (seen.get(req.url ?? '') ?? 0) + 1;
    seen.set(req.url ?? '', n);
    if (n <= times) {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, { ok: true, n });
  };
}

describe('dropped connections', () => {
  it('are retried for GET and PUT', async () => {
    const s = await setup(dropFirst(2), { retry: { baseDelayMs: 10 } });
    expect((await s.client.request('GET', '/tenants/a')).body).toEqual({ ok: true, n: 3 });
    expect((await s.client.request('PUT', '/tenants/b', { json: { version: 1 } })).body).toEqual({
      ok: true,
      n: 3,
    });
    expect(s.records.map((r) => r.retries)).toEqual([2, 2]);
    expect(s.records.map((r) => r.tries)).toEqual([3, 3]);
    expect(s.client.stats.retries).toBe(4);
    expect(s.waits).toHaveLength(4);
  });

  it('are NOT retried for POST (it may have taken effect)', async () => {
    const s = await setup(dropFirst(1));
    const error = await s.client
      .request('POST', '/tenants', { json: { name: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('E_NETWORK');
    expect((error as NetworkError).message).toMatch(/connection to 127\.0\.0\.1:\d+ was dropped/);
    expect((error as NetworkError).hint).toMatch(/not repeated automatically/);
    expect(
      s.server.requests.filter((r) => r.method === 'POST' && r.url === '/api/2/tenants'),
    ).toHaveLength(1);
    expect(s.records[0]).toMatchObject({ tries: 1, retries: 0, error: { code: 'E_NETWORK' } });
  });

  it('give up after the bounded number of tries', async () => {
    const s = await setup(dropFirst(100), { retry: { tries: 3, baseDelayMs: 1 } });
    await expect(s.client.request('GET', '/tenants/a')).rejects.toBeInstanceOf(NetworkError);
    expect(s.server.requests.filter((r) => r.url === '/api/2/tenants/a')).toHaveLength(3);
  });
});

describe('429 and 50x', () => {
  it('honours Retry-After given as an HTTP date', async () => {
    let n = 0;
    const s = await setup((_req, res) => {
      n++;
      if (n === 1) {
        const at = new Date(Date.now() + 3000).toUTCString();
        sendJson(
          res,
          429,
          { error: { code: '429', message: 'Too many requests' } },
          { 'retry-after': at },
        );
      } else sendJson(res, 200, { ok: true });
    });
    await s.client.request('GET', '/tenants/x');
    expect(s.waits).toHaveLength(1);
    // Whole seconds in the header: between 2 and 3 s from now.
    expect(s.waits[0]).toBeGreaterThan(1500);
    expect(s.waits[0]).toBeLessThanOrEqual(3000);
    expect(s.records[0]?.retries).toBe(1);
  });

  it('honours Retry-After in seconds, for POST too on 429 (nothing was processed)', async () => {
    let n = 0;
    const s = await setup((_req, res) => {
      n++;
      if (n === 1)
        sendJson(
          res,
          429,
          { error: { code: '429', message: 'slow down' } },
          { 'retry-after': '7' },
        );
      else sendJson(res, 201, { ok: true });
    });
    expect((await s.client.request('POST', '/tenants', { json: {} })).status).toBe(201);
    expect(s.waits).toEqual([7000]);
  });

  it('does not repeat a POST after a 503', async () => {
    const s = await setup((_req, res) =>
      sendJson(res, 503, { error: { code: '503', message: 'busy' } }, { 'retry-after': '1' }),
    );
    const error = await s.client.request('POST', '/tenants', { json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(s.waits).toEqual([]);
  });

  it('keeps the total wait within maxWaitMs', async () => {
    const s = await setup(
      (_req, res) =>
        sendJson(res, 503, { error: { code: '503', message: 'busy' } }, { 'retry-after': '10' }),
      {
        retry: { tries: 10, maxWaitMs: 25_000 },
      },
    );
    const error = await s.client.request('GET', '/tenants/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(s.waits).toEqual([10_000, 10_000]);
    expect((error as ApiError).retries).toBe(2);
    expect(s.records[0]).toMatchObject({ status: 503, tries: 3, retries: 2 });
  });

  it('backs off exponentially with jitter when there is no Retry-After, within the bound', async () => {
    const s = await setup(
      (_req, res) => sendJson(res, 502, { error: { code: '502', message: 'bad gateway' } }),
      {
        retry: {
          tries: 10,
          baseDelayMs: 1000,
          maxDelayMs: 60_000,
          maxWaitMs: 20_000,
          random: () => 0.999,
        },
      },
    );
    await expect(s.client.request('GET', '/tenants/x')).rejects.toBeInstanceOf(ApiError);
    expect(s.waits).toEqual([999, 1998, 3996, 7992]);
    expect(s.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
  });
});

describe('cancellation and timeouts', () => {
  it('an aborted signal cancels a call in flight quickly, as E_CANCELLED', async () => {
    const s = await setup(() => {
      /* never answers */
    });
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 50);
    const error = await s.client
      .request('GET', '/tenants/x', { signal: ac.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('E_CANCELLED');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(s.records[0]?.error?.code).toBe('E_CANCELLED');
  });

  it('cancels a retry wait too', async () => {
    const server = await startServer((req, res) => {
      if (tokenEndpoint(req, res, { count: 0 })) return;
      sendJson(res, 503, { error: { code: '503', message: 'busy' } }, { 'retry-after': '20' });
    });
    cleanups.push(() => server.close());
    const client = await PlatformClient.connect({ url: server.url, credentials });
    cleanups.push(() => client.close());
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const started = performance.now();
    await expect(client.request('GET', '/x', { signal: ac.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an already aborted signal sends nothing', async () => {
    const s = await setup((_req, res) => sendJson(res, 200, {}));
    const before = s.server.requests.length;
    await expect(
      s.client.request('GET', '/x', { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(s.server.requests.length).toBe(before);
  });

  it('a call that takes too long is E_TIMEOUT (whole call)', async () => {
    const s = await setup(() => {}, { timeoutMs: 200 });
    const started = performance.now();
    const error = await s.client.request('GET', '/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('call');
    expect((error as TimeoutError).code).toBe('E_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a server that accepts TCP but never completes TLS is a connect timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const client = new PlatformClient({
      url: `https://127.0.0.1:${port}`,
      credentials,
      connectTimeoutMs: 150,
    });
    cleanups.push(() => client.close());
    const started = performance.now();
    const error = await client.ensureToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('connect');
    expect((error as TimeoutError).message).toBe(
      `Could not connect to 127.0.0.1:${port} within 150 ms.`,
    );
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a refused connection is E_NETWORK naming the host', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new PlatformClient({ url: `http://127.0.0.1:${port}`, credentials });
    cleanups.push(() => client.close());
    const error = await client.ensureToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).networkCode).toBe('ECONNREFUSED');
    expect((error as NetworkError).message).toBe(`127.0.0.1:${port} refused the connection.`);
  });
});

describe('keep-alive', () => {
  it('reuses one connection across sequential calls', async () => {
    const s = await setup((_req, res) => sendJson(res, 200, { ok: true }));
    for (let i = 0; i < 20; i++) await s.client.request('GET', `/tenants/${i}`);
    expect(s.server.connections).toBe(1);
    expect(s.client.stats.connections).toBe(1);
    expect(s.client.stats.calls).toBe(21);
  });

  it('shares one pool between clients of the same data center', async () => {
    const s = await setup((_req, res) => sendJson(res, 200, { ok: true }));
    const second = await PlatformClient.connect({ url: `${s.server.url}/api/2/`, credentials });
    cleanups.push(() => second.close());
    await second.request('GET', '/x');
    await s.client.request('GET', '/y');
    expect(s.server.connections).toBe(1);
  });
});

describe('tokens', () => {
  it('renews once on a 401 and repeats the call once', async () => {
    let rejectNext = 1;
    const s = await setup((_req, res) => {
      if (rejectNext-- > 0) sendJson(res, 401, { error: { code: '401', message: 'Unauthorized' } });
      else sendJson(res, 200, { ok: true });
    });
    expect((await s.client.request('GET', '/x')).body).toEqual({ ok: true });
    expect(s.issued.count).toBe(2);
    expect(s.client.stats.renewals).toBe(1);
    const call = s.records.find((r) => r.path === '/api/2/x');
    expect(call).toMatchObject({ status: 200, tries: 2 });
  });

  it('a second 401 is the answer (no loop)', async () => {
    const s = await setup((_req, res) =>
      sendJson(res, 401, { error: { code: '401', message: 'Unauthorized' } }),
    );
    const error = await s.client.request('GET', '/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).hint).toMatch(/data center URL/); // the token is seconds old
    expect(s.issued.count).toBe(2);
  });

  it('concurrent callers share one renewal of an expired token', async () => {
    const s = await setup((_req, res) => sendJson(res, 200, { ok: true }), {}, 0);
    expect(s.issued.count).toBe(1);
    await Promise.all(Array.from({ length: 8 }, (_, i) => s.client.request('GET', `/t/${i}`)));
    expect(s.issued.count).toBe(2);
  });

  it('a fixed bearer token is used as given and never renewed', async () => {
    const s = await setup((_req, res) =>
      sendJson(res, 401, { error: { code: '401', message: 'expired' } }),
    );
    const fixed = new PlatformClient({
      url: s.server.url,
      credentials: { kind: 'token', accessToken: 'fixed-token-0123456789abcdef' },
    });
    cleanups.push(() => fixed.close());
    await expect(fixed.request('GET', '/x')).rejects.toBeInstanceOf(ApiError);
    expect(s.server.requests.at(-1)?.headers.authorization).toBe(
      'Bearer fixed-token-0123456789abcdef',
    );
    expect(s.issued.count).toBe(1);
  });

  it('raw() with the caller’s own copy of auth still gets renewal', async () => {
    let rejectNext = 0;
    const s = await setup((req, res) => {
      if (rejectNext-- > 0) sendJson(res, 401, { error: { code: '401', message: 'Unauthorized' } });
      else sendJson(res, 200, { auth: req.headers.authorization });
    });
    const auth = { ...s.client.auth };
    rejectNext = 1;
    const res = await s.client.raw('PUT', `${s.client.baseUrl}/x`, {
      headers: { 'Content-Type': 'application/json', ...auth },
      text: JSON.stringify({ enabled: true }),
    });
    expect(res.status_code).toBe(200);
    expect(res.json()).toEqual({ auth: s.client.auth.Authorization });
    expect(s.server.requests.at(-1)?.headers['content-type']).toBe('application/json');
  });
});

describe('MockAgent as the dispatcher', () => {
  it('retries a reset GET through any dispatcher', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    cleanups.push(() => agent.close());
    const pool = agent.get('https://dc.example.com');
    pool.intercept({ path: '/api/2/idp/token', method: 'POST' }).reply(200, {
      access_token: 'mock-token-0123456789abcdef',
      expires_on: Math.floor(Date.now() / 1000) + 7200,
      token_type: 'bearer',
    });
    pool
      .intercept({ path: '/api/2/tenants/x', method: 'GET' })
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    pool
      .intercept({ path: '/api/2/tenants/x', method: 'GET' })
      .reply(200, { ok: true }, { headers: { 'content-type': 'application/json' } });
    const client = await PlatformClient.connect({
      url: 'dc.example.com',
      credentials,
      dispatcher: agent,
      retry: { sleep: async () => {} },
    });
    cleanups.push(() => client.close());
    expect((await client.request('GET', '/tenants/x')).body).toEqual({ ok: true });
    expect(client.stats.retries).toBe(1);
  });
});
