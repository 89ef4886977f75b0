// A real node:http server on port 0 for the client's unit tests (never the network), in the
// style of undici's own tests. Not a test file itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const state: TestServer = {
    url: '',
    requests: [],
    connections: 0,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      });
      handler(req, res, body);
    });
  });
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A JWT-looking token: header `{"typ":"JWT","alg":"RS256"}`, then a unique payload. */
export function fakeJwt(n: number): string {
  const header = Buffer.from('{"typ":"JWT","alg":"RS256","kid":"c00"}').toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: 'client', n, pad: 'x'.repeat(40) })).toString(
    'base64url',
  );
  return `${header}.${payload}.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl${n}`;
}

export const CLIENT_ID = '0d2ee0a3-9d3c-4a40-8d6a-3d8a3f2b8a11';
export const CLIENT_SECRET = 'sEcReT-7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e';
export const TENANT_ID = 'ede9f834-70b3-476c-83d9-736f9f8c7dae';

/** Answers `POST /api/2/idp/token` like the platform; returns true when it did. */
export function tokenEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  issue: { count: number; ttlS?: number },
): boolean {
  if (req.url !== '/api/2/idp/token') return false;
  const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
  if (req.headers.authorization !== expected) {
    sendJson(res, 401, {
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
    return true;
  }
  issue.count++;
  sendJson(res, 200, {
    access_token: fakeJwt(issue.count),
    expires_on: Math.floor(Date.now() / 1000) + (issue.ttlS ?? 7200),
    id_token: `id-${fakeJwt(issue.count)}`,
    token_type: 'bearer',
  });
  return true;
}
