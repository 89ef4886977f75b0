// A lock file that says who holds it: `FILE.lock` holds the pid, the host and the time, and is
// created whole or not at all (written aside, then hard-linked into place, which fails if one
// exists). A second taker is told who holds it; a lock left by a process that is gone (kill -9,
// a crash) is taken over, so it never blocks for ever. Released on release() and, failing that,
// when this process exits.
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { randomHex } from './random-hex.ts';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time it was taken. */
  since: string;
  /** What holds it, e.g. `emulator`, `setMfa`. */
  what: string;
}

export interface HeldLock {
  readonly path: string;
  /** Removes the lock (if it is still ours); safe to call more than once. */
  release(): void;
}

/** The lock is held by a live process (this one included): who, and since when. */
export class LockHeldError extends Error {
  readonly path: string;
  readonly holder: LockHolder | undefined;

  constructor(path: string, holder: LockHolder | undefined) {
    super(`${path} is held by ${describeHolder(holder)}.`);
    this.name = 'LockHeldError';
    this.path = path;
    this.holder = holder;
  }
}

/** `process 1234 (emulator, since 2026-01-01T10:00:00Z)`, with the host when it is another. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process';
  const host = holder.host !== hostname() ? ` on ${holder.host}` : '';
  return `process ${holder.pid}${host} (${holder.what}, since ${holder.since})`;
}

/** Locks this process holds, by path, with the token written in each. */
const held = new Map<string, string>();
let exitHook = false;

function releaseAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const [path, token] of held) removeIfOurs(path, token);
  });
}

function removeIfOurs(path: string, token: string): void {
  try {
    if (JSON.parse(readFileSync(path, 'utf8')).token === token) rmSync(path, { force: true });
  } catch {
    // Gone already, or replaced by another taker: not ours to remove.
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid !== 'number' || !Number.isInteger(data.pid) || data.pid <= 0) return;
    return {
      pid: data.pid,
      host: typeof data.host === 'string' ? data.host : 'an unknown host',
      since: typeof data.since === 'string' ? data.since : 'an unknown time',
      what: typeof data.what === 'string' ? data.what : 'unknown',
    };
  } catch {
    return undefined;
  }
}

/** Whether the holder may still be running. Another host's processes cannot be checked. */
function alive(path: string, holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  // Our own pid: held by us, or left by an earlier process that had the same pid.
  if (holder.pid === process.pid) return held.has(path);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(holder.pid);
}

/** A killed process nobody has reaped yet still answers kill(pid, 0): Linux says 'Z' for it. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): kill(pid, 0) is the answer
  }
}

/** Creates `path` with `text` only if it does not exist. */
function createExclusive(path: string, text: string): void {
  const aside = `${path}.${process.pid}.${randomHex(4)}.tmp`;
  writeFileSync(aside, text, { mode: 0o600 });
  try {
    linkSync(aside, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // No hard links on this file system: an exclusive create (a reader may see it empty a moment).
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Takes the lock at `path`, or throws LockHeldError naming the live process that holds it. A
 * lock whose process is gone, or that cannot be read, is replaced.
 */
export function acquireLock(path: string, what: string): HeldLock {
  const token = randomHex(12);
  const mine: LockHolder & { token: string } = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    what,
    token,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(path, `${JSON.stringify(mine)}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if ((holder && alive(path, holder)) || attempt >= 2) throw new LockHeldError(path, holder);
      // Stale: left by a process that is gone (or unreadable). Replace it.
      rmSync(path, { force: true });
    }
  }
  held.set(path, token);
  releaseAllOnExit();
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      if (held.get(path) === token) held.delete(path);
      removeIfOurs(path, token);
    },
  };
}
