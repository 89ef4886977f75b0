// Runs the CommonJS bundle through `vm.Script` with a V8 code cache, so a start-up neither
// parses nor compiles what the last run used (about half of what is left of it: README,
// Benchmarks). The cache is made at the end of a run, when it holds every function that run
// compiled, and lives where the user's caches live, never beside the package, which may be
// read-only. It is keyed by the bundle's bytes, size, inode and modification time, the Node
// version and the architecture, and its payload carries a checksum (V8 checks neither: it runs
// whatever cache it is given for a source of the same length). A missing, stale, corrupt or
// rejected cache just means compiling as without one (and writing a fresh one after a
// successful run). The checksums are zlib's CRC-32: node:crypto would cost 3–10 ms of every
// start to load, and these guard against a torn or foreign file, not an adversary.
// TENANT_SHELL_CODE_CACHE=0 turns it off.
'use strict';
const { isAscii } = require('node:buffer');
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, isAbsolute, join } = require('node:path');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

const MAGIC = Buffer.from('TSV8CC2\n');
const DIGEST = 8;
/** Caches of other bundles or Node versions not rewritten for this long are removed. */
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** Where the user's caches live: XDG on Linux and the like, the platform's folder elsewhere. */
function cacheDir(env = process.env, platform = process.platform) {
  let home;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  let root;
  if (platform === 'win32') root = env.LOCALAPPDATA || (home && join(home, 'AppData', 'Local'));
  else if (platform === 'darwin') root = home && join(home, 'Library', 'Caches');
  else
    root =
      env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
        ? env.XDG_CACHE_HOME
        : home && join(home, '.cache');
  return root ? join(root, 'tenant-shell', 'v8') : undefined;
}

/** DIGEST bytes: the CRC-32 of `data`, then `more` (a number, or the CRC-32 of a string). */
function digest(data, more) {
  const out = Buffer.alloc(DIGEST);
  out.writeUInt32LE(crc32(data), 0);
  out.writeUInt32LE(typeof more === 'number' ? more >>> 0 : crc32(more), 4);
  return out;
}

/** The payload's check: its CRC-32 and its length. */
const check = (payload) => digest(payload, payload.length);

/**
 * The file's layout: MAGIC, the key (which bundle, which Node), the payload's check, the payload.
 * Answers the payload if the file is whole and made for `key`, else undefined.
 */
function readCache(file, key) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const start = MAGIC.length + 2 * DIGEST;
  if (bytes.length <= start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!bytes.subarray(MAGIC.length, MAGIC.length + DIGEST).equals(key)) return undefined;
  const payload = bytes.subarray(start);
  return check(payload).equals(bytes.subarray(MAGIC.length + DIGEST, start)) ? payload : undefined;
}

/** Writes atomically (a reader sees the old file or the new one), then prunes old siblings. */
function writeCache(file, key, payload) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat([MAGIC, key, check(payload), payload]));
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // No folder to leave it in.
    }
    return;
  }
  try {
    const now = Date.now();
    for (const name of readdirSync(dirname(file))) {
      const other = join(dirname(file), name);
      if (other !== file && now - statSync(other).mtimeMs > PRUNE_AFTER_MS) rmSync(other);
    }
  } catch {
    // Pruning is housekeeping: another process may be doing the same.
  }
}

/** Runs that say little of what a session runs: their cache would cover too little. */
const SHORT_RUN = new Set(['--help', '-h', '--version']);

/**
 * Compiles and runs the bundle as a CommonJS module (with `require`, `module`, `__filename`).
 * `dir` is where caches go (undefined: no cache); `argv` the shell's arguments.
 * Answers what happened, for the tests: 'accepted', 'rejected', 'none' or 'off'.
 */
function runBundle(
  bundle,
  { dir = cacheDir(), argv = process.argv.slice(2), env = process.env } = {},
) {
  const bytes = readFileSync(bundle);
  // The build makes it ASCII (scripts/build.ts): a latin1 read is then exact, and fast.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const enabled = dir !== undefined && env.TENANT_SHELL_CODE_CACHE !== '0';
  const { size, ino, mtimeMs } = statSync(bundle);
  const key = digest(bytes, `${size}\0${ino}\0${mtimeMs}\0${process.version}\0${process.arch}`);
  const file = enabled ? join(dir, `${key.toString('hex')}.bin`) : undefined;
  const cachedData = file ? readCache(file, key) : undefined;
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    {
      filename: bundle,
      cachedData,
    },
  );
  const state = !enabled
    ? 'off'
    : cachedData === undefined
      ? 'none'
      : script.cachedDataRejected
        ? 'rejected'
        : 'accepted';
  if (file && state !== 'accepted' && !argv.some((a) => SHORT_RUN.has(a))) {
    process.once('exit', (code) => {
      if (code === 0) writeCache(file, key, script.createCachedData());
    });
  }
  // import() in a vm.Script needs a flag on Node 20 (and vm's USE_MAIN_CONTEXT_DEFAULT_LOADER
  // warns that it is experimental, and is lost when the code comes from the cache): the bundle's
  // one import() of a name known only at run time, a cell's, comes here (src/cell/modules.ts).
  Object.defineProperty(globalThis, Symbol.for('tenant-shell.host-import'), {
    value: (specifier, options) => import(specifier, options),
    configurable: true,
  });
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script
    .runInThisContext()
    .call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return state;
}

module.exports = { cacheDir, readCache, writeCache, runBundle };
