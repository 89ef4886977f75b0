#!/usr/bin/env node
// The installed command. Runs the bundle (`node --import tsx scripts/build.ts` makes it) through
// the V8 code cache (./code-cache.js), because it starts in a fraction of the time; in a checkout
// whose sources are newer than the bundle, registers tsx and runs the TypeScript sources instead,
// so an edit is never hidden by an old bundle. An installed package without sources runs the
// bundle. TENANT_SHELL_FROM_SOURCE=1 forces the sources.
// CommonJS (bin/package.json says so): an ES-module entry point costs Node's module loader
// 10–25 ms at every start, and nothing here needs it.
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

if (bundleIsFresh()) {
  require('./code-cache.js').runBundle(bundle);
} else {
  import('tsx/esm/api').then(({ register }) => {
    register();
    return import('../src/main.ts');
  });
}
