// Issue 13's exports: every shipped tutorial, replayed by the shell and saved as a Python and a
// curl script (`--run TUTORIAL --save FILE`, as a user does it), runs unmodified against a
// fresh emulator of another world (another seed: other ids, other names) with only the three
// environment variables; it makes the tutorial's calls in order with the statuses the tutorial
// recorded, ends on an answer shaped like the tutorial's last one, and neither the file nor
// what it prints holds the client secret, a token or a secret the tutorial typed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSecrets } from '../../src/api/redact.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { NotebookCall } from '../../src/notebook/cells.ts';
import { parseTutorial } from '../../src/notebook/parse-notebook.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const run = promisify(execFile);
const DIR = new URL('../../tutorials/', import.meta.url);
const TUTORIALS = readdirSync(DIR)
  .filter((f) => f.endsWith('.md'))
  .sort();
const dir = mkdtempSync(join(tmpdir(), 'tenant-shell-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Why a format's exports cannot run here (CI installs what they need), or null. */
async function missing(command: string, args: string[], what: string): Promise<string | null> {
  try {
    await run(command, args, { timeout: 15_000 });
    return null;
  } catch {
    return `${what} is not available, so its exports were not run`;
  }
}
const MISSING = {
  py: await missing('python3', ['-c', 'import requests'], 'python3 with requests'),
  sh: await missing('sh', ['-c', 'command -v curl && command -v jq'], 'curl or jq'),
};
const RUNNER = { py: 'python3', sh: 'sh' } as const;

/** Three replays or scripts at a time: two cores kept busy while one waits on its answers. */
const slots = { free: 3, waiting: [] as (() => void)[] };
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((go) => slots.waiting.push(go));
  else slots.free--;
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** `PUT /api/2/tenants/<id>/pricing?x=1` and `PUT /tenants/<id>/pricing` as `PUT /tenants/{}/pricing`. */
function shape(method: string, path: string): string {
  const bare = path.replace(/\?.*$/, '').replace(/^\/api\/2(?=\/)/, '');
  return `${method} ${bare.replace(UUID, '{}')}`;
}

/** What a tutorial's recording leads one to expect of its scripts. */
function expectations(file: string) {
  const tutorial = parseTutorial(readFileSync(new URL(file, DIR), 'utf8'), file.slice(0, -3));
  // The calls a script repeats: answered, under /api/2, not the token request.
  const calls = tutorial.notebook.cells
    .flatMap((c) => c.calls)
    .filter(
      (c): c is NotebookCall & { status: number } =>
        c.status !== undefined &&
        c.path.startsWith('/api/2/') &&
        !c.path.startsWith('/api/2/idp/token'),
    );
  const typedSecrets: string[] = [];
  for (const call of calls) {
    let body = call.requestBody;
    if (typeof body === 'string') body = JSON.parse(body);
    collectSecrets(body, (secret) => {
      if (secret !== '****' && !secret.endsWith('…')) typedSecrets.push(secret);
    });
  }
  return {
    calls: calls.map((c) => `${shape(c.method, c.path)} -> ${c.status}`),
    last: calls.at(-1)?.responseBody,
    typedSecrets,
  };
}

/** The shell replays the tutorial against an emulator of the tutorials' world and saves it. */
async function exportTutorial(file: string, ext: 'py' | 'sh') {
  const emulator = await startEmulator();
  try {
    const saved = join(dir, `${file.slice(0, -3)}.${ext}`);
    const replay = await tenantShell(
      [
        '--url',
        emulator.url,
        '--client-id',
        emulator.client_id,
        '--no-input',
        '--run',
        `tutorials/${file}`,
        '--yes',
        '--save',
        saved,
      ],
      { TENANT_SHELL_CLIENT_SECRET: emulator.client_secret },
      { timeoutMs: 60_000 },
    );
    expect(replay.stdout, replay.stderr).toMatch(/^Saved \d+ cells as .* to /m);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    return { text: readFileSync(saved, 'utf8'), saved, secret: emulator.client_secret };
  } finally {
    await emulator.close();
  }
}

/** The script against a fresh emulator of another world, with the three variables and PATH. */
async function runScript(ext: 'py' | 'sh', file: string) {
  const emulator = await startEmulator({ seed: 2 });
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      TENANT_SHELL_URL: emulator.url,
      TENANT_SHELL_CLIENT_ID: emulator.client_id,
      TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
    };
    const outcome = await run(RUNNER[ext], [file], { env, timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
    return { ...outcome, secret: emulator.client_secret };
  } finally {
    await emulator.close();
  }
}

for (const ext of ['py', 'sh'] as const) {
  const why = MISSING[ext];
  describe.skipIf(why !== null)(
    `the tutorials' .${ext} exports, run against another world${why ? ` — skipped: ${why}` : ''}`,
    () => {
      it.concurrent.each(TUTORIALS)(
        '%s',
        async (file) => {
          const expected = expectations(file);
          const { text, saved, secret } = await inSlot(() => exportTutorial(file, ext));
          const ran = await inSlot(() => runScript(ext, saved));
          const said = ran.stdout + ran.stderr;
          expect(ran.code, said).toBe(0);

          const lines = ran.stdout.split('\n');
          const calls = lines
            .map((l) => /^([A-Z]+) (\S+) -> (\d{3})$/.exec(l))
            .flatMap((m) => (m ? [`${shape(m[1] ?? '', m[2] ?? '')} -> ${m[3]}`] : []));
          expect(calls).toEqual(expected.calls);

          // The last answer it printed has the keys of the tutorial's last answer.
          const lastStatus = lines.findLastIndex((l) => / -> \d{3}$/.test(l));
          const answer = lines
            .slice(lastStatus + 1)
            .join('\n')
            .trim();
          const recorded = expected.last;
          if (answer && recorded && typeof recorded === 'object' && !Array.isArray(recorded)) {
            const keys = (v: object) => Object.keys(v).filter((k) => k !== 'items_not_kept');
            expect(keys(JSON.parse(answer)).sort()).toEqual(keys(recorded).sort());
          }

          for (const s of [secret, ran.secret, ...expected.typedSecrets]) {
            expect(text.includes(s), `${saved} holds a secret`).toBe(false);
            expect(said.includes(s), 'the run printed a secret').toBe(false);
          }
          expect(text).not.toMatch(JWT);
          expect(said).not.toMatch(JWT);
        },
        180_000,
      );
    },
  );
}
