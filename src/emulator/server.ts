// HTTP plumbing: body limits, the latency / fault / rate-limit gate that runs before any
// processing, routing, the error envelope, and one log line per request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseBasic } from './access.ts';
import type { Ctx, Handler, Reply, Settings } from './context.ts';
import {
  HttpError,
  internalError,
  OAuthHttpError,
  payloadTooLarge,
  routeNotFound,
} from './errors.ts';
import type { Router } from './router.ts';
import type { TokenSigner } from './tokens.ts';
import { FaultInjector, RateLimiter } from './traffic.ts';
import type { World } from './world.ts';

export const BODY_LIMIT = 1024 * 1024;
const PREFIX = '/api/2';
const SECRET_PARAMS = /^(password|client_secret|totp_code|access_token|assertion|token)$/i;

export interface ServerOptions {
  world: World;
  signer: TokenSigner;
  router: Router<Handler>;
  settings: Settings;
  latency: number;
  faults: number;
  rateLimit: number;
  seed: number;
  log: ((line: string) => void) | undefined;
}

export function createEmulatorServer(opts: ServerOptions): Server {
  const faults = new FaultInjector(opts.faults, opts.seed);
  const limiter = opts.rateLimit > 0 ? new RateLimiter(opts.rateLimit) : null;

  const server = createServer((req, res) => {
    const started = performance.now();
    let outcome = 'drop';
    res.on('finish', () => {
      outcome = String(res.statusCode);
    });
    res.on('close', () => {
      opts.log?.(
        `${req.method} ${loggablePath(req.url)} ${outcome} ${(performance.now() - started).toFixed(1)}ms`,
      );
    });
    handle(req, res).catch((error: unknown) => {
      // handle() answers its own errors; this only guards against a bug in that.
      opts.log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) send(res, internalError());
      else res.destroy();
    });
  });
  // Slow or stuck clients must not hold a connection for the default five minutes.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (opts.latency > 0) await new Promise((r) => setTimeout(r, opts.latency));
    // Faults and the rate limit come before anything is read or changed.
    const fault = faults.next();
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault !== null) {
      const status = fault === 'unavailable' ? 503 : 429;
      const message =
        fault === 'unavailable' ? 'Service temporarily unavailable.' : 'Too many requests.';
      send(res, new HttpError(status, message, { headers: { 'Retry-After': '1' } }));
      return;
    }
    if (limiter) {
      const wait = limiter.take(rateKey(req, opts));
      if (wait > 0) {
        send(
          res,
          new HttpError(429, 'Rate limit exceeded.', {
            info: `At most ${opts.rateLimit} requests per second per client.`,
            headers: { 'Retry-After': String(wait) },
          }),
        );
        return;
      }
    }
    try {
      const url = new URL(req.url ?? '/', 'http://emulator.invalid');
      if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) {
        throw routeNotFound(url.pathname);
      }
      const method = req.method ?? 'GET';
      const { handler, params } = opts.router.match(method, url.pathname.slice(PREFIX.length));
      const body = await readBody(req);
      const ctx: Ctx = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        params,
        world: opts.world,
        signer: opts.signer,
        settings: opts.settings,
      };
      send(res, handler(ctx));
    } catch (error) {
      if (error instanceof HttpError || error instanceof OAuthHttpError) {
        send(res, error);
        if (error instanceof HttpError && error.status === 413) {
          // Stop reading the oversized body: answer, then close the connection.
          res.on('finish', () => req.socket.destroySoon());
        }
        return;
      }
      opts.log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
      send(res, internalError());
    }
  }

  return server;
}

/** Reads the whole body, refusing (413) as soon as it passes the limit. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT) return Promise.reject(payloadTooLarge(BODY_LIMIT));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.off('data', onData);
        req.pause();
        reject(payloadTooLarge(BODY_LIMIT));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'Request body was cut off.'));
    });
  });
}

function send(res: ServerResponse, reply: Reply | HttpError | OAuthHttpError): void {
  if (res.headersSent || res.destroyed) return;
  const status = reply.status;
  const headers: Record<string, string | number | string[]> = { ...(reply.headers ?? {}) };
  if (!(reply instanceof Error) && reply.raw !== undefined) {
    headers['Content-Length'] = reply.raw.length;
    res.writeHead(status, headers);
    res.end(reply.raw);
    return;
  }
  const body = reply instanceof Error ? reply.body() : reply.body;
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** Who a request counts against: the token's client or user, the Basic login, else the IP. */
function rateKey(req: IncomingMessage, opts: ServerOptions): string {
  const header = req.headers.authorization ?? '';
  if (header.toLowerCase().startsWith('bearer ')) {
    const result = opts.signer.verify(header.slice(7).trim());
    if (result.ok) return `${result.claims.sub_type}:${result.claims.sub}`;
  }
  const basic = parseBasic(header);
  if (basic) return `${opts.world.clients.has(basic.name) ? 'client' : 'user'}:${basic.name}`;
  return `addr:${req.socket.remoteAddress ?? 'unknown'}`;
}

/** The path for the log: query values that could be secrets are masked. */
function loggablePath(raw: string | undefined): string {
  try {
    const url = new URL(raw ?? '/', 'http://emulator.invalid');
    for (const key of [...url.searchParams.keys()]) {
      if (SECRET_PARAMS.test(key)) url.searchParams.set(key, '***');
    }
    return url.pathname + url.search;
  } catch {
    return '(unparsable url)';
  }
}
