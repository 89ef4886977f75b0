// A loopback server in front of the emulator that passes every request on, except those a
// test wants answered otherwise (refused, slowed down, answered with a hostile message).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** Decides a request: answer it yourself (return true), or let it through (after a delay). */
export type Interceptor = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface EmulatorProxy {
  url: string;
  close(): Promise<void>;
}

export async function startEmulatorProxy(
  target: () => string,
  intercept: Interceptor = () => false,
): Promise<EmulatorProxy> {
  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (await intercept(req, res)) return;
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const answer = await request(`${target()}${req.url}`, {
      method: req.method as 'GET',
      headers,
      body: body.length > 0 ? body : undefined,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(answer.headers))
      if (typeof v === 'string' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    res.writeHead(answer.statusCode, out);
    res.end(Buffer.from(await answer.body.arrayBuffer()));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      forward(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
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
