// How every test starts tenant-shell: as a user does, through the installed command, which runs
// the bundle (the run's global setup builds it when the sources are newer: see
// test/hardening/global-setup.ts). Twice as fast to start as the sources through tsx, and the
// very file users run.
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The executable and the arguments that come before tenant-shell's own. */
export const SHELL: readonly [string, ...string[]] = [
  process.execPath,
  join(ROOT, 'bin/tenant-shell.js'),
];
