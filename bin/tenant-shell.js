#!/usr/bin/env node
// The installed command. Runs the bundle (`node --import tsx scripts/build.ts` makes it) through
// the V8 code cache (./code-cache.js), because it starts in a fraction of the time; in a checkout
// whose sources are newer than the bundle, rebuilds it first, so an edit is never hidden by an
// old bundle (and runs the TypeScript sources through tsx if that build fails). An installed
// package without sources runs the bundle. TENANT_SHELL_FROM_SOURCE=1 forces the sources.
// CommonJS (bin/package.json says so): an ES-module entry point costs Node's module loader
// 7–20 ms at every start, and nothing here needs it.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'bundle', 'tenant-shell.cjs');
const sources = join(root, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.TENANT_SHELL_FROM_SOURCE === '1') return false;
  try {
    const built = statSync(bundle).mtimeMs;
    if (!existsSync(sources)) return true;
    const newest = Math.max(newestSource(sources), statSync(join(root, 'package.json')).mtimeMs);
    return built >= newest;
  } catch {
    return false;
  }
}

/**
 * A checkout whose sources changed since the last build (a fresh clone has no bundle): builds it
 * (a second or two, once), so that this start and the next ones run from it. False when the
 * build fails (an edit that does not compile, a read-only checkout): the sources then run, and
 * tsx reports the error where it is.
 */
function rebuild() {
  if (process.env.TENANT_SHELL_FROM_SOURCE === '1' || !existsSync(sources)) return false;
  if (process.stderr.isTTY)
    process.stderr.write(
      'Building the bundle from the sources (a first start, or the first after an edit)…\n',
    );
  // Required here: node:child_process (with what it loads) costs several ms of every start.
  const built = require('node:child_process').spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts', 'build.ts')],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  return built.status === 0 && bundleIsFresh();
}

if (bundleIsFresh() || rebuild()) {
  require('./code-cache.js').runBundle(bundle);
} else {
  import('tsx/esm/api').then(({ register }) => {
    register();
    return import('../src/main.ts');
  });
}
