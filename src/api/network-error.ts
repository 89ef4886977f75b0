// What a failed connection means to the user: undici's and Node's low-level error codes
// (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, CERT_...) as a NetworkError or TimeoutError that
// names the host and says what to check. Through a proxy the only connection made is to the
// proxy, so a refused or unreachable one, or a CONNECT it turns down, is named as the proxy's.

import { NetworkError, type TenantShellError, TimeoutError, UsageError } from './errors.ts';
import type { ProxyInUse } from './pool.ts';

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_|ERR_SSL_)/;

export function networkError(
  error: unknown,
  host: string,
  connectTimeoutMs: number,
  timeoutMs: number,
  method: string,
  proxy?: ProxyInUse,
): TenantShellError {
  const err = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const raw = typeof err?.code === 'string' ? err.code : undefined;
  const inner = typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  const code = raw === 'UND_ERR_SOCKET' && inner ? inner : (raw ?? inner);
  const options = { cause: error };
  if (proxy) {
    const failed = proxyError(error, code, host, proxy, connectTimeoutMs);
    if (failed) return failed;
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError('connect', connectTimeoutMs, host, options);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError('call', timeoutMs, host, options);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(
        host,
        code,
        `Cannot find the host ${host} (DNS lookup failed).`,
        'Check the spelling of the data center URL, your network, and HTTPS_PROXY if you need a proxy.',
        options,
      );
    case 'ECONNREFUSED':
      return new NetworkError(
        host,
        code,
        `${host} refused the connection.`,
        'Check the URL and port; for the embedded emulator, is it still running?',
        options,
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'ECONNABORTED':
      return new NetworkError(
        host,
        code,
        `The connection to ${host} was dropped (${code}).`,
        method === 'POST' || method === 'DELETE'
          ? 'A POST or DELETE is not repeated automatically: check whether it took effect before sending it again.'
          : 'Try again; a proxy or firewall may be cutting connections.',
        options,
      );
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return new NetworkError(
        host,
        code,
        `${host} cannot be reached (${code}).`,
        'Check your network connection and proxy settings (HTTPS_PROXY).',
        options,
      );
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new NetworkError(
        host,
        code,
        `${host} did not answer with TLS (https).`,
        'If it is a local emulator, use http://; otherwise check the port and any proxy.',
        options,
      );
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return new UsageError('This client is closed; log in again.', '', options);
    default:
      if (code && TLS_CODES.test(code)) {
        return new NetworkError(
          host,
          code,
          `The TLS certificate of ${host} could not be verified (${code}).`,
          'Behind a TLS-inspecting proxy? Save its CA certificate as PEM and start with NODE_EXTRA_CA_CERTS=/path/to/ca.pem.',
          options,
        );
      }
      return new NetworkError(
        host,
        code,
        `The request to ${host} failed: ${typeof err?.message === 'string' ? err.message : String(error)}${code ? ` (${code})` : ''}.`,
        'Check your network connection and the data center URL.',
        options,
      );
  }
}

/** Failures that can only be the proxy's when one is in use; undefined for the others. */
function proxyError(
  error: unknown,
  code: string | undefined,
  host: string,
  proxy: ProxyInUse,
  connectTimeoutMs: number,
): TenantShellError | undefined {
  const name = `The proxy ${proxy.host} (${proxy.variable})`;
  const fix = `Check ${proxy.variable} (host:port of a running proxy), or unset it to connect directly; NO_PROXY lists hosts that skip it.`;
  const options = { cause: error };
  const message = error instanceof Error ? error.message : '';
  // undici: "Proxy response (502) !== 200 when HTTP Tunneling" (lib/dispatcher/proxy-agent.js).
  const tunnel = /Proxy response \((\d{3})\)/.exec(message)?.[1];
  if (tunnel !== undefined) {
    const status = Number(tunnel);
    if (status === 407) {
      return new NetworkError(
        host,
        'PROXY_407',
        `${name} asks for a login (407) before it connects to ${host}.`,
        `Put the proxy's login in ${proxy.variable}, as http://user:password@${proxy.host}.`,
        options,
      );
    }
    return new NetworkError(
      host,
      `PROXY_${status}`,
      `${name} answered ${status} when asked to connect to ${host}: the proxy could not or would not reach it.`,
      `Check that the proxy may reach ${host} (its allow list, its own network), or set NO_PROXY=${host.replace(/:\d+$/, '')} to go direct.`,
      options,
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(host, code, `${name} refused the connection.`, fix, options);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(
        host,
        code,
        `Cannot find the proxy host of ${proxy.variable}, ${proxy.host} (DNS lookup failed).`,
        fix,
        options,
      );
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new NetworkError(host, code, `${name} cannot be reached (${code}).`, fix, options);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new NetworkError(
        host,
        code,
        `Could not connect to the proxy ${proxy.host} (${proxy.variable}) within ${connectTimeoutMs} ms.`,
        fix,
        options,
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'ECONNABORTED':
      // Through a proxy either end may have cut it: say both, not the data center alone.
      return new NetworkError(
        host,
        code,
        `The connection to ${host} through the proxy ${proxy.host} (${proxy.variable}) was dropped (${code}).`,
        `The proxy or ${host} cut it; try again, and if it keeps happening check the proxy (or unset ${proxy.variable} to connect directly).`,
        options,
      );
    default:
      return undefined;
  }
}

/** Failures a plain-http request to a TLS port ends in: the server hangs up, or answers bytes that are not HTTP. */
const NOT_HTTP = /other side closed|does not match the HTTP\/1\.1 protocol|HPE_/i;

/**
 * An http:// URL (this machine only) whose connection was dropped or answered with something
 * that is not HTTP: if the port speaks TLS, that is what happened, and https:// is the fix.
 * Anything else is left as it was. The probe is one TLS handshake to the same loopback port.
 */
export async function plainHttpToTls(
  failure: TenantShellError,
  origin: string,
): Promise<TenantShellError> {
  if (!(failure instanceof NetworkError) || !origin.startsWith('http://')) return failure;
  const cause = failure.cause as { message?: unknown; code?: unknown } | undefined;
  const text = `${String(cause?.message ?? '')} ${String(cause?.code ?? '')}`;
  if (!NOT_HTTP.test(text)) return failure;
  const url = new URL(origin);
  if (!(await speaksTls(url.hostname, Number(url.port) || 80))) return failure;
  return new NetworkError(
    failure.host,
    'PLAIN_HTTP_TO_TLS',
    `${failure.host} speaks TLS (https), but the URL says http://, so it hung up on the plain request; nothing reached the API.`,
    `Use https://${failure.host} instead.`,
    { cause: failure },
  );
}

function speaksTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // node:tls is loaded here, when a connection has already failed, not at every start.
    const socket = process.getBuiltinModule('node:tls').connect({
      host: host.replace(/^\[|\]$/g, ''),
      port,
      // Only "does it do a TLS handshake at all": its certificate does not matter here.
      rejectUnauthorized: false,
      timeout: 1000,
    });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('timeout', () => done(false));
    // A TLS alert back is TLS too; an HTTP server's answer is "wrong version number" and such.
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(typeof error.code === 'string' && /^ERR_SSL_.*ALERT/.test(error.code)),
    );
  });
}
