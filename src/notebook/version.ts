import { createRequire } from 'node:module';

/** tenant-shell's version, as notebooks and scripts record it. */
export function toolVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
