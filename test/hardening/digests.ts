// What the catalogues compare before and after a bad input: nothing saved may change.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '../../src/emulator/index.ts';

/** The emulator's tenants, users and clients, as one hash. */
export function worldDigest(emulator: RunningEmulator): string {
  const snap = emulator.world.snapshot();
  return createHash('sha256')
    .update(JSON.stringify([snap.tenants, snap.users, snap.clients]))
    .digest('hex');
}

/** Each file's hash, or 'missing'. */
export function digestFiles(paths: string[]): string[] {
  return paths.map((p) => {
    try {
      return createHash('sha256').update(readFileSync(p)).digest('hex');
    } catch {
      return 'missing';
    }
  });
}
