// What `import()` and `require` reach from a cell: Node's own modules, packages installed where
// the user runs the shell (their folder first, as `node` would find them), then the shell's own
// dependencies (undici, zod, ...), whichever way the shell was installed.

import { createRequire, isBuiltin } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ownRequire = createRequire(import.meta.url);

function userRequire(): NodeRequire {
  // A file name in the folder, not the folder itself: resolution starts beside it.
  return createRequire(join(process.cwd(), '[cell]'));
}

type Import = (specifier: string, options: ImportCallOptions) => Promise<unknown>;

/**
 * The bundle runs as a `vm.Script` (bin/code-cache.js), where `import()` needs a flag on Node 20:
 * its loader hands in an `import()` of its own, from an ES module of the package.
 */
const HOST_IMPORT = Symbol.for('tenant-shell.host-import');
const dynamicImport: Import =
  ((globalThis as Record<symbol, unknown>)[HOST_IMPORT] as Import | undefined) ??
  ((specifier, options) => import(specifier, options));

/** `import(specifier, {with})` as a cell means it. */
export function importForCell(specifier: unknown, options?: unknown): Promise<unknown> {
  const spec = String(specifier);
  const load = (target: string) =>
    dynamicImport(target, {
      with: (options as { with?: ImportAttributes } | undefined)?.with ?? {},
    });
  if (isBuiltin(spec) || /^(node|data|file):/.test(spec)) return load(spec);
  if (spec.startsWith('.') || isAbsolute(spec))
    return load(pathToFileURL(resolve(process.cwd(), spec)).href);
  try {
    return load(pathToFileURL(userRequire().resolve(spec)).href);
  } catch {
    // Not in the user's folder (or only as an ES module require cannot resolve): the shell's.
    return load(spec);
  }
}

/** `require(id)`, from the user's folder first, then the shell's own dependencies. */
export function requireForCell(id: string): unknown {
  try {
    return userRequire()(id);
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    return ownRequire(id);
  }
}
