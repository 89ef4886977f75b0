import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import { saveProfile } from '../../src/auth/profiles.ts';
import { ReportWriter } from '../../src/bulk/report.ts';
import { makeFolders } from '../../src/make-folders.ts';

// Node's recursive mkdir never returns for a path under /proc: these would hang, not fail.
const procFolder = '/proc/tenant-shell-nope/deeper';
const onLinux = existsSync('/proc/self');

describe('makeFolders', () => {
  it('creates the missing levels with the mode given', () => {
    const root = mkdtempSync(join(tmpdir(), 'tenant-shell-folders-'));
    makeFolders(join(root, 'a', 'b'), 0o700);
    expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    makeFolders(join(root, 'a', 'b'));
    // A file where the folder should be, or above it: the errors `mkdir -p` gives.
    writeFileSync(join(root, 'file'), '');
    expect(() => makeFolders(join(root, 'file'))).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(() => makeFolders(join(root, 'file', 'x'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });

  it.skipIf(!onLinux)('fails at once under /proc instead of retrying for ever', () => {
    expect(() => makeFolders(procFolder)).toThrow();
  });

  it.skipIf(!onLinux)('a profile folder under /proc is refused, not a hang', async () => {
    await expect(
      saveProfile(
        'dev',
        { url: 'https://dc.example.test', client_id: 'c' },
        {
          env: { TENANT_SHELL_CONFIG_DIR: procFolder },
        },
      ),
    ).rejects.toThrow();
  });

  it.skipIf(!onLinux)('a report under /proc is one sentence, not a hang', async () => {
    const writing = ReportWriter.create(
      join(procFolder, 'r.json'),
      { base_url: 'http://127.0.0.1:1/api/2', enabled: true, scope: 'x', started_at: 'now' },
      [],
      { origin: 'report' },
    );
    await expect(writing).rejects.toBeInstanceOf(UsageError);
    await expect(writing).rejects.toThrow(
      /cannot write its report in '\/proc\/.*nothing was sent/u,
    );
  });
});
