// The notebook from the command line: the shipped example replayed with --check (as the README
// tells a fresh clone to), --save in one-shot mode, and wrong input answered in one sentence.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const EXAMPLE = 'examples/toggling-tenant-2fa.md';

describe('tenant-shell --run and --save', () => {
  it(`replays ${EXAMPLE} against the emulator, every result as recorded`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-shell-cli-'));
    const [replay, oneShot] = await Promise.all([
      tenantShell(['--emulator', '--run', EXAMPLE, '--check']),
      tenantShell(['--emulator', '--eval', 'await getMfa()', '--save', join(dir, 'one.py')]),
    ]);
    expect(replay.stdout).toContain('In [9]: response = await put(');
    expect(replay.stdout).toMatch(/Replayed 15 cells: every result matches the recording\.\n/);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);

    expect(oneShot.code, oneShot.stderr).toBe(0);
    expect(oneShot.stdout).toContain('"mfa_status": "disabled"');
    expect(oneShot.stderr).toContain(
      `Saved 1 cell as a Python script (requests) to ${join(dir, 'one.py')}.`,
    );
    const script = readFileSync(join(dir, 'one.py'), 'utf8');
    expect(script).toContain("f'{base_url}/tenants/{tenant_id}/mfa/status'");
    expect(script).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/);
  });

  it('a notebook that cannot be read, or a wrong flag, is one sentence before any login', async () => {
    const notANotebook = join(mkdtempSync(join(tmpdir(), 'tenant-shell-cli-')), 'notes.md');
    writeFileSync(notANotebook, '# Notes\n\nNo cells here.\n');
    const cases = await Promise.all([
      tenantShell(['--emulator', '--run', 'no/such/notebook.md']),
      tenantShell(['--emulator', '--run', 'package.json']),
      tenantShell(['--emulator', '--run', notANotebook, '--check']),
      tenantShell(['--emulator', '--check']),
      tenantShell(['--emulator', '--eval', '1', '--save', 'x.txt']),
    ]);
    const sentences = cases.map((c) => {
      expect(c.code).toBe(1);
      expect(c.stdout).toBe('');
      return c.stderr.trim();
    });
    expect(sentences).toEqual([
      "✖ Cannot read the notebook 'no/such/notebook.md': there is no such file.",
      "✖ --run reads a notebook saved as .md or .ipynb, not 'package.json' (scripts run on their own).",
      `✖ '${notANotebook}' holds no cells: a tenant-shell notebook has '### In [1]' headings, each followed by a code block.`,
      '✖ --check compares a replay with its recording: use it with --run FILE.',
      "✖ --save takes a file ending in .md, .ipynb, .ts, .py or .sh (the extension says the format), not 'x.txt'.",
    ]);
  });
});
