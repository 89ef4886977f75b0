// Loopback servers that misbehave like the things integrators meet instead of the platform: a
// web page, a proxy's error page, a reply of the wrong shape, an endless download, a stall, a
// redirect. Each answers the token endpoint properly, so a client logs in first and then meets
// the bad reply on `/api/2/bad/<kind>`; `/api/2/good` answers a valid 2FA status.
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sendJson, tokenEndpoint } from '../unit/api-test-server.ts';

export const GOOD_STATUS = {
  mfa_status: 'disabled',
  users_with_totp_enabled_count: 0,
  users_count: 3,
  update_allowed: true,
};

export interface BadServer {
  url: string;
  /** Requests seen, by path. */
  seen: string[];
  /** Authorization headers seen on requests that were not for the token. */
  authorizations: string[];
  close(): Promise<void>;
}

const FIFTY_MB = 50 * 1024 * 1024;

function bigBody(res: ServerResponse, declared: boolean): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(declared ? { 'content-length': String(FIFTY_MB) } : {}),
  });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const pump = () => {
    while (sent < FIFTY_MB) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => {
    sent = FIFTY_MB;
  });
  pump();
}

export async function startBadServer(redirectTo?: () => string): Promise<BadServer> {
  const issue = { count: 0 };
  const held = new Set<ServerResponse>();
  const state: BadServer = { url: '', seen: [], authorizations: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      state.seen.push(path);
      if (tokenEndpoint(req, res, issue)) return;
      state.authorizations.push(String(req.headers.authorization ?? ''));
      const kind = path.replace(/^\/api\/2\/bad\//, '').replace(/\?.*$/, '');
      switch (path === '/api/2/good' ? 'good' : kind) {
        case 'good':
          return sendJson(res, 200, GOOD_STATUS);
        case 'text':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('OK, all fine');
        case 'html-502':
          res.writeHead(502, { 'content-type': 'text/html' });
          return res.end(
            '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
          );
        case 'html-200':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
        case 'wrong-shape':
          return sendJson(res, 200, { status: 'on', users: 'three' });
        case 'wrong-types':
          return sendJson(res, 200, { ...GOOD_STATUS, users_count: '3', mfa_status: 'maybe' });
        case 'null':
          return sendJson(res, 200, null);
        case 'array':
          return sendJson(res, 200, [GOOD_STATUS]);
        case 'empty-200':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
          return res.end();
        case 'truncated-json': {
          const text = '{"mfa_status": "ena';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
          return res.end(text);
        }
        case 'binary':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b]));
        case 'big-declared':
          return bigBody(res, true);
        case 'big-chunked':
          return bigBody(res, false);
        case 'stall-headers':
          held.add(res);
          return;
        case 'stall-body':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
          res.write('{"mfa_status": "enabled", "users_c');
          held.add(res);
          return;
        case 'redirect-away':
          res.writeHead(302, { location: `${redirectTo?.() ?? 'http://127.0.0.1:9'}/api/2/good` });
          return res.end();
        case 'redirect-nowhere':
          res.writeHead(302, { 'content-length': '0' });
          return res.end();
        case 'retry-after-day-429':
          return sendJson(
            res,
            429,
            { error: { code: '429', message: 'Too many requests.' } },
            { 'retry-after': '86400' },
          );
        case 'gzip-unasked': {
          const packed = gzipSync(JSON.stringify(GOOD_STATUS));
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            'content-length': String(packed.length),
          });
          return res.end(packed);
        }
        case 'gzip-unlabelled': {
          const packed = gzipSync(JSON.stringify(GOOD_STATUS));
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(packed);
        }
        case 'redirect-same':
          res.writeHead(307, { location: '/api/2/good' });
          return res.end();
        case 'huge-message':
          return sendJson(res, 400, {
            error: {
              code: '1027',
              message: `Rejected. ${'very long explanation '.repeat(50_000)}`,
            },
          });
        case 'multiline-message':
          return sendJson(res, 400, {
            error: {
              code: '1027',
              message: 'first line\n\n    at Object.<anonymous>\n    at next',
            },
          });
        case 'weird-envelope':
          return sendJson(res, 500, { error: { code: 1000, message: ['not', 'a', 'string'] } });
        case 'unauthorized':
          return sendJson(res, 401, { error: { code: '401', message: 'Token is invalid.' } });
        case 'retry-after-forever':
          return sendJson(
            res,
            503,
            { error: { code: '503', message: 'Maintenance.' } },
            { 'retry-after': '99999' },
          );
        default:
          return sendJson(res, 404, { error: { code: '404', message: 'No such route.' } });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A server for the login: answers every path with `answer` (HTML, 404 JSON, another JSON). */
export async function startOneAnswerServer(
  answer: (res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Accepts connections and never says a word. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A proxy that turns every CONNECT down with `status` (a 502 from a proxy that cannot reach
 * the host, a 407 asking for a login). It never opens a connection anywhere.
 */
export async function startRefusingProxy(
  /**
   * The answer to CONNECT; 0: hang up without a word; 200: open the tunnel, then hang up on
   * whatever comes through it.
   */
  status: number,
): Promise<{ url: string; hostPort: string; connects: string[]; close(): Promise<void> }> {
  const connects: string[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(status);
    res.end();
  });
  server.on('connect', (req, socket: Socket) => {
    connects.push(String(req.url));
    socket.on('error', () => {});
    if (status === 0) socket.destroy();
    else if (status === 200) {
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      socket.once('data', () => socket.destroy());
    } else
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${hostPort}`,
    hostPort,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A process of its own, waited for until it printed its first line; killed and reaped by stop(). */
export interface OtherProcess {
  pid: number;
  /** The first line it printed on stdout. */
  firstLine: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `node --import tsx` with `args` from the project's root, until its first stdout line. */
export function startOtherProcess(args: string[]): Promise<OtherProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0 || child.pid === undefined) return;
      resolve({
        pid: child.pid,
        firstLine: out.slice(0, nl),
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before a line: ${err}`)));
  });
}

/** Another process holding the lock at `path` (as acquireLock takes it) until stopped. */
export function holdLockElsewhere(path: string, what: string): Promise<OtherProcess> {
  const code = `const { acquireLock } = await import(${JSON.stringify(new URL('../../src/lock-file.ts', import.meta.url).href)}); acquireLock(${JSON.stringify(path)}, ${JSON.stringify(what)}); console.log('held'); setInterval(() => {}, 60_000);`;
  return startOtherProcess(['--input-type=module', '-e', code]);
}

/**
 * A port that speaks TLS, as far as a client can tell without a certificate: a TLS client's
 * hello gets a handshake-failure alert, a plain HTTP request gets the connection closed (what
 * Node's and OpenSSL's servers do with one).
 */
export async function startTlsPort(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', (first: Buffer) => {
      if (first[0] === 0x16) socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
      else socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
