// What users paste as a data center URL, turned into `https://host/api/2` or refused with one
// clear sentence. Plain http is allowed only to this machine (the embedded emulator).

import { UsageError } from './errors.ts';

export const API_PATH = '/api/2';

export interface DataCenterUrl {
  /** `https://eu2-cloud.acronis.com` */
  origin: string;
  /** `https://eu2-cloud.acronis.com/api/2` */
  baseUrl: string;
  /** `eu2-cloud.acronis.com` (with the port when it is not the default) */
  host: string;
  loopback: boolean;
}

const EXAMPLE = 'e.g. https://eu2-cloud.acronis.com';
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** True for localhost, 127.0.0.0/8 and ::1 (`hostname` as URL gives it, brackets included). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function normaliseDataCenterUrl(input: string): DataCenterUrl {
  let text = String(input).trim();
  // Quotes or angle brackets copied along with the URL.
  while (text.length >= 2 && /^['"`<]/.test(text) && /['"`>]$/.test(text)) {
    text = text.slice(1, -1).trim();
  }
  if (text === '') throw new UsageError(`The data center URL is empty; give one, ${EXAMPLE}.`);
  if (/\s/.test(text)) {
    throw new UsageError(`The data center URL must not contain spaces; give one like ${EXAMPLE}.`);
  }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) {
      throw new UsageError(`The data center URL must start with https://, ${EXAMPLE}.`);
    }
    // No scheme: https, except on this machine, where the emulator and test servers speak http.
    const host = /^(\[[^\]]*\]|[^/:]+)/.exec(text)?.[1] ?? '';
    text = `${isLoopbackHost(host) ? 'http' : 'https'}://${text}`;
  } else if (scheme !== 'https' && scheme !== 'http') {
    throw new UsageError(`The data center URL must use https:// (not ${scheme}://), ${EXAMPLE}.`);
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`That is not a URL the client understands; give one like ${EXAMPLE}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      'The data center URL must not contain a user name or password; remove them and log in with credentials instead.',
    );
  }
  if (url.hostname === '')
    throw new UsageError(`The data center URL has no host name, ${EXAMPLE}.`);
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(
      `The data center URL must not have a query or #fragment: give only the address you log in to, ${EXAMPLE}.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && path !== API_PATH) {
    throw new UsageError(
      `The data center URL must not have a path (${url.pathname}): give only the address you log in to, ${EXAMPLE} (/api/2 is optional).`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new UsageError(
      `Plain http:// is refused for ${url.host}: the token and secrets would travel unencrypted; use https://${url.host}.`,
      'Plain http is only allowed to this machine (localhost, 127.0.0.1, ::1), e.g. the embedded emulator.',
    );
  }
  return { origin: url.origin, baseUrl: url.origin + API_PATH, host: url.host, loopback };
}
