// Issue 11, classes 1 to 3, generated: tenant names, platform messages and cells built from
// every C0 and C1 control character, CSI and OSC sequences, CR, LS, PS and NEL, quotes, `$()`
// and the markers of each export format. A session creates and lists such tenants, is told
// such messages, runs such cells and saves itself in all five formats. Then:
// - what it printed holds no control character at all (a piped session writes none itself);
// - every script export runs against a fresh emulator and does nothing but its calls (no file
//   appears, every line it prints is a call line), and both notebooks read back as exactly
//   the cells that were saved;
// - the run's secret scan (global-setup.ts) covers every file kept here.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { parseIpynb, parseMarkdown } from '../../src/notebook/parse-notebook.ts';
import { type EmulatorProxy, startEmulatorProxy } from '../helpers/emulator-proxy.ts';
import { ROOT } from '../helpers/shell-command.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';
import { artifactDir, keepOutput, recordFigures, registerSecrets } from './artifacts.ts';

const run = promisify(execFile);

/** Each a piece of hostile text; a marker file name stands where a command would run. */
function hostilePieces(marker: string): string[] {
  const pieces: string[] = [];
  for (let c = 0x00; c <= 0x1f; c++) if (c !== 0x0a) pieces.push(String.fromCharCode(c));
  pieces.push('\u007f');
  for (let c = 0x80; c <= 0x9f; c++) pieces.push(String.fromCharCode(c));
  pieces.push(
    '\u001b[2J\u001b[H', // CSI: clear the screen, cursor home
    '\u001b]0;PWNED\u0007', // OSC: window title
    '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', // OSC 8 hyperlink
    '\u009b31m', // 8-bit CSI
    '\u2028',
    '\u2029',
    '\u0085', // NEL
    '\u202e', // right-to-left override
    `\rimport os; os.system("touch ${marker}") #`,
    `\u2028require("fs").writeFileSync("${marker}", "") //`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `"""\nimport os; os.system("touch ${marker}")\n"""`,
    '*/ /*',
    '\n### In [99]\n\n```ts\nawait setMfa(true, {subtree: true, yes: true})\n```\n',
    '<script>alert(1)</script>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the piece
    '${process.exit(3)}',
  );
  return pieces;
}

// A printed line may hold no control character but the line feed: not ESC, not CR, not C1,
// not the Unicode separators or bidi controls.
const CONTROL_IN_OUTPUT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the test
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let emulator: RunningEmulator;
let fresh: RunningEmulator;
let proxy: EmulatorProxy;
let dir: string;
let marker: string;
let session: { code: number; stdout: string; stderr: string };
let pieces: string[];

/** Platform messages carrying each piece: any `GET /api/2/hostile/<n>` answers 400 with one. */
async function hostileMessages(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const n = /^\/api\/2\/hostile\/(\d+)/.exec(req.url ?? '')?.[1];
  if (n === undefined) return false;
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      error: { code: 400, message: `Refused ${pieces[Number(n)] ?? ''} here`, domain: 'Test' },
    }),
  );
  return true;
}

beforeAll(async () => {
  dir = artifactDir('generated-hostile');
  marker = join(dir, 'INJECTED');
  pieces = hostilePieces(marker);
  emulator = await startEmulator({ tenants: 4 });
  fresh = await startEmulator({ tenants: 4 });
  registerSecrets(emulator.client_secret, fresh.client_secret);
  proxy = await startEmulatorProxy(() => emulator.url, hostileMessages);

  // One cell per piece and kind of place: a tenant name (created, then listed), a platform
  // message (an error), a string in a cell, a comment at the end of a cell.
  const cells: string[] = [];
  pieces.forEach((piece, i) => {
    const text = JSON.stringify(`Hostile ${i} ${piece} Corp`);
    cells.push(`await createTenant(${text})`);
    // parse() throws what the platform said, as the helpers do: rendered as the shell's error.
    cells.push(`(await get('/hostile/${i}')).parse()`);
    cells.push(`${JSON.stringify(piece)}.length // ${piece.replace(/\n/g, ' ')}`);
  });
  cells.push('await children()', 'await getMfa()', '.whoami');
  for (const ext of ['md', 'ipynb', 'py', 'sh', 'ts']) cells.push(`.save ${join(dir, `s.${ext}`)}`);
  // Piped into the REPL: the lines are cells (a piece with a line break is escaped in JSON).
  session = await tenantShell(
    ['--url', proxy.url, '--client-id', emulator.client_id, '--yes'],
    {
      TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
      TENANT_SHELL_HISTORY: join(dir, 'history'),
      TENANT_SHELL_CONFIG_DIR: join(dir, 'config'),
    },
    { input: `${cells.join('\n')}\n`, timeoutMs: 90_000 },
  );
  keepOutput(dir, 'session.out', session.stdout + session.stderr);
  // The session's own cells may do what a piece hides (a U+2028 ends a JavaScript comment,
  // as the REPL reads it too): what matters below is what the exports do on their own.
  rmSync(marker, { force: true });
}, 120_000);

/** An exported script, run as its header says, with only the three variables (and undici). */
function runExport(command: readonly string[], file: string) {
  const [program = 'sh', ...before] = command;
  return run(program, [...before, file], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      TENANT_SHELL_URL: fresh.url,
      TENANT_SHELL_CLIENT_ID: fresh.client_id,
      TENANT_SHELL_CLIENT_SECRET: fresh.client_secret,
      // The .ts export imports undici: from the project's own packages here.
      NODE_PATH: join(ROOT, 'node_modules'),
    },
    timeout: 60_000,
  });
}

/** How many cells the session said it saved (the same for each format). */
function savedCells(): number {
  return Number(/Saved (\d+) cells as a Markdown notebook/.exec(session.stdout)?.[1] ?? 0);
}

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await fresh.close();
});

describe('hostile names, messages and cells, generated from every control character', () => {
  it('the session ran to its end, printing no control character anywhere', () => {
    expect(session.code, session.stderr).toBe(0);
    // readline ends a piped line at a lone CR too: a few comment cells became two.
    expect(savedCells()).toBeGreaterThanOrEqual(pieces.length * 3 + 2);
    const lines = (session.stdout + session.stderr).split('\n');
    const bad = lines.filter((l) => CONTROL_IN_OUTPUT.test(l));
    expect(bad.slice(0, 3)).toEqual([]);
    // The pieces are there, shown: the tenant names in the listing, the messages in errors.
    expect(session.stdout).toContain('\\x1b]0;PWNED\\x07');
    expect(session.stdout).toMatch(/Refused \\x1b\[2J\\x1b\[H here/);
    recordFigures('generated-hostile', { pieces: pieces.length, cells: savedCells() });
  });

  it('both notebooks read back as exactly the cells that were saved, none forged', () => {
    const md = parseMarkdown(readFileSync(join(dir, 's.md'), 'utf8'));
    const nb = parseIpynb(readFileSync(join(dir, 's.ipynb'), 'utf8'));
    for (const notebook of [md, nb]) {
      expect(notebook.cells.map((c) => c.n)).toEqual(
        Array.from({ length: savedCells() }, (_, i) => i + 1),
      );
      // The piece that tries to forge `### In [99]` with a tree-wide change did not make one.
      expect(notebook.cells.some((c) => c.input.startsWith('await setMfa(true'))).toBe(false);
    }
  });

  it("the issue's injections through a comment: CR for Python, U+2028 for JavaScript, $() for sh", async () => {
    const cases: Array<[string, string, string[]]> = [
      ['py', `1 // a\rimport os; os.system("touch ${marker}-py") #`, ['python3']],
      [
        'ts',
        `1 // a\u2028require("fs").writeFileSync("${marker}-ts", "")`,
        [process.execPath, '--import', 'tsx'],
      ],
      ['sh', `1 // $(touch ${marker}-sh) \`touch ${marker}-sh\``, ['sh']],
    ];
    for (const [ext, code, command] of cases) {
      const file = join(dir, `inj.${ext}`);
      const saved = await tenantShell(
        ['--url', fresh.url, '--client-id', fresh.client_id, '--eval', code, '--save', file],
        { TENANT_SHELL_CLIENT_SECRET: fresh.client_secret },
      );
      // The cell itself may fail (JavaScript ends the comment there too): it is saved anyway.
      expect(saved.stderr).toContain(`to ${file}.`);
      // JavaScript also ends a comment at U+2028: the cell itself ran that; the export must not.
      rmSync(`${marker}-${ext}`, { force: true });
      // It must still run (a broken escape would be a syntax error) and do nothing else.
      await runExport(command, file);
      expect(existsSync(`${marker}-${ext}`), `the .${ext} export ran the comment`).toBe(false);
    }
  }, 90_000);

  for (const [ext, command] of [
    ['py', ['python3']],
    ['sh', ['sh']],
    ['ts', [process.execPath, '--import', 'tsx']],
  ] as const) {
    it(`the .${ext} export runs against a fresh emulator and does nothing but its calls`, async () => {
      const file = join(dir, `s.${ext}`);
      const result = await runExport(command, file).then(
        (r) => ({ ...r, code: 0 }),
        (e: { stdout: string; stderr: string; code: number }) => e,
      );
      keepOutput(dir, `run-${ext}.out`, result.stdout + result.stderr);
      expect(existsSync(marker), `the .${ext} export ran something of a cell`).toBe(false);
      // The script stops at the first status that differs (the hostile messages came from a
      // proxy the fresh emulator does not have): what it printed are call lines, then the
      // answer, and nothing of the pieces ran.
      const callLines = result.stdout.split('\n').filter((l) => / -> \d{3}$/.test(l));
      expect(callLines.length).toBeGreaterThan(0);
      expect(result.stdout + result.stderr).not.toMatch(/PWNED\n|^INJECTED/m);
      expect(readdirSync(dir).filter((f) => f.startsWith('INJECTED'))).toEqual([]);
    }, 60_000);
  }
});
