import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's own `mkdir(..., {recursive: true})` never returns for a
 * path under /proc (it keeps retrying a parent it cannot create), and a folder named by the user
 * or the environment must never hang the shell: this one throws the first level's error instead.
 * `mode` applies only to folders it creates; existing ones are left as the user set them.
 */
export function makeFolders(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  let at = dir;
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  // As `mkdir -p` says it: the folder itself a file is EEXIST, a file above it ENOTDIR.
  if (missing.length === 0 && !statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${dir}'`), {
      code: 'EEXIST',
      path: dir,
    });
  }
  for (const folder of missing) mkdirSync(folder, { mode });
}
