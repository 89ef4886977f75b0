// The scan the run ends with: every file under a directory, searched for every registered
// secret (raw, URL-encoded and in a Basic header) and for any whole JWT, masked or not.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A JWT in full: header, payload and signature. A masked one (`eyJhbGciOiJIUzI1…`) is not. */
const WHOLE_JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;

const CODE_CACHE = /[\\/]tenant-shell[\\/]v8[\\/][0-9a-f]{16}\.bin$/;

export interface ScanHit {
  file: string;
  /** Which secret (shown masked) or `a whole JWT`. */
  what: string;
}

export interface ScanResult {
  files: number;
  bytes: number;
  secrets: number;
  hits: ScanHit[];
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** The forms a secret can take in text: as is, URL-encoded, base64 (inside Basic). */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret)]);
  return [...out];
}

export function scanForSecrets(dir: string, secrets: Iterable<string>): ScanResult {
  const needles = new Map<string, string>();
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    for (const form of forms(secret)) needles.set(form, `${secret.slice(0, 4)}…`);
  }
  const result: ScanResult = { files: 0, bytes: 0, secrets: needles.size, hits: [] };
  for (const file of walk(dir)) {
    // The shell's V8 code cache (bin/code-cache.js) is compiled code of the bundle: it holds the
    // bundle's own literals, such as the embedded emulator's fixed admin password, and nothing
    // of a session (test/unit/code-cache.test.ts checks that).
    if (CODE_CACHE.test(file)) continue;
    const size = statSync(file).size;
    result.files++;
    result.bytes += size;
    const text = readFileSync(file).toString('latin1');
    const name = relative(dir, file);
    for (const [needle, shown] of needles) {
      if (text.includes(needle)) result.hits.push({ file: name, what: shown });
    }
    for (const match of text.matchAll(WHOLE_JWT)) {
      result.hits.push({ file: name, what: `a whole JWT ${match[0].slice(0, 12)}…` });
    }
  }
  return result;
}

/** `Basic base64(id:secret)`: registered along with the secret itself. */
export function basicForm(id: string, secret: string): string {
  return Buffer.from(`${id}:${secret}`).toString('base64');
}
