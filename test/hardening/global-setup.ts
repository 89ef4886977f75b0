// Run-wide set-up for the hardening tests (vitest globalSetup): a directory for everything the
// program writes during the run, a registry of secrets, and at the end the scan of one for the
// other. Any hit fails the run. TENANT_SHELL_KEEP_ARTIFACTS=1 keeps the directory.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS_ENV, FIGURES_ENV, SECRETS_ENV } from './artifacts.ts';
import { scanForSecrets } from './secret-scan.ts';

/** The bundle the tests run (test/helpers/shell-command.ts), built when the sources are newer. */
async function freshBundle(): Promise<void> {
  const { BUNDLE, buildBundle } = await import('../../scripts/build.ts');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const root = join(import.meta.dirname, '../..');
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= sources) return;
  await buildBundle();
}

export default async function setup(): Promise<() => void> {
  await freshBundle();
  const root = mkdtempSync(join(tmpdir(), 'tenant-shell-run-'));
  const artifacts = join(root, 'artifacts');
  const figures = join(root, 'figures');
  const secrets = join(root, 'secrets.txt');
  mkdirSync(artifacts);
  process.env[ARTIFACTS_ENV] = artifacts;
  process.env[FIGURES_ENV] = figures;
  process.env[SECRETS_ENV] = secrets;

  return () => {
    const registered = existsSync(secrets)
      ? readFileSync(secrets, 'utf8').split('\n').filter(Boolean)
      : [];
    const scan = scanForSecrets(artifacts, new Set(registered));
    const summary: Record<string, unknown> = {};
    if (existsSync(figures)) {
      for (const name of readdirSync(figures).sort()) {
        summary[name.replace(/\.json$/, '')] = JSON.parse(
          readFileSync(join(figures, name), 'utf8'),
        );
      }
    }
    summary.secrets = {
      files_scanned: scan.files,
      bytes_scanned: scan.bytes,
      distinct_secrets_and_tokens: new Set(registered).size,
      hits: scan.hits.length,
    };
    process.stdout.write(`\nreliability figures: ${JSON.stringify(summary)}\n`);
    if (process.env.TENANT_SHELL_KEEP_ARTIFACTS) {
      process.stdout.write(`artifacts kept in ${root}\n`);
    } else {
      rmSync(root, { recursive: true, force: true });
    }
    if (scan.hits.length > 0) {
      // vitest reports a teardown error but keeps exit code 0: set it ourselves.
      process.exitCode = 1;
      const list = scan.hits
        .slice(0, 20)
        .map((h) => `  ${h.file}: ${h.what}`)
        .join('\n');
      throw new Error(
        `Secret scan: ${scan.hits.length} secret(s) found in what the program wrote:\n${list}`,
      );
    }
  };
}
