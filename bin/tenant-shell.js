#!/usr/bin/env node
// The installed command. Runs the bundle (`node --import tsx scripts/build.ts` makes it) through
// the V8 code cache (./code-cache.js), because it starts in a fraction of the time; in a checkout
// whose sources are newer than the bundle, registers tsx and runs the TypeScript sources instead,
// so an edit is never hidden by an old bundle. An installed package without sources runs the
// bundle. TENANT_SHELL_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/tenant-shell.cjs', import.meta.url));
const sources = new URL('../src/', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.TENANT_SHELL_FROM_SOURCE === '1') return false;
  try {
    const built = statSync(bundle).mtimeMs;
    if (!existsSync(sources)) return true;
    const newest = Math.max(
      newestSource(sources),
      statSync(new URL('../package.json', import.meta.url)).mtimeMs,
    );
    return built >= newest;
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  const { runBundle } = await import('./code-cache.js');
  runBundle(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
