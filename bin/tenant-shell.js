#!/usr/bin/env node
// The installed command. Runs the bundle (`node --import tsx scripts/build.ts` makes it) when it
// is at least as new as every source file, because it starts in a fraction of the time; else
// registers tsx and runs the TypeScript sources, so an edit is never hidden by an old bundle.
// TENANT_SHELL_FROM_SOURCE=1 forces the sources. The installed package ships the bundle and no
// sources (nor tsx): there, the bundle is all there is.
import { existsSync, readdirSync, statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/tenant-shell.mjs', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!existsSync(new URL('../src/', import.meta.url))) return true;
  if (process.env.TENANT_SHELL_FROM_SOURCE === '1') return false;
  try {
    const built = statSync(bundle).mtimeMs;
    const sources = Math.max(
      newestSource(new URL('../src/', import.meta.url)),
      statSync(new URL('../package.json', import.meta.url)).mtimeMs,
    );
    return built >= sources;
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
