// `.save FILE` and `--save FILE`: the format from the extension, the file written whole or not
// at all (a temporary file beside it, then a rename), every byte through the redactor first.

import { promises as fs, constants as fsConstants } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../api/errors.ts';
import { randomHex } from '../random-hex.ts';
import type { Notebook } from './cells.ts';
import { renderIpynb } from './render-ipynb.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderScript, type ScriptLanguage } from './render-script.ts';
import { planScript, type SessionIds } from './script-plan.ts';
import { shellQuote } from './shell-quote.ts';

export const SAVE_FORMATS = {
  '.md': 'a Markdown notebook',
  '.ipynb': 'a Jupyter notebook',
  '.ts': 'a TypeScript script (undici)',
  '.py': 'a Python script (requests)',
  '.sh': 'a shell script (curl)',
} as const;
export type SaveExtension = keyof typeof SAVE_FORMATS;
const EXTENSIONS = Object.keys(SAVE_FORMATS).join(', ');

export interface SaveSource {
  notebook: Notebook;
  ids: SessionIds;
  /** The session's redactor: the last net before anything reaches the disk. */
  redact(text: string): string;
}

export interface SaveResult {
  path: string;
  replaced: boolean;
  message: string;
}

/** `.save "my file.md"`, `.save ~/x.py`: the path as the user meant it. */
export function parseSaveArgument(argument: string): string {
  const trimmed = argument.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (trimmed === '~' || trimmed.startsWith('~/')) return join(homedir(), trimmed.slice(1));
  return trimmed;
}

function extensionOf(file: string): SaveExtension {
  const ext = extname(file).toLowerCase();
  if (ext in SAVE_FORMATS) return ext as SaveExtension;
  throw new UsageError(
    `Cannot save as '${basename(file)}': the extension says the format, one of ${EXTENSIONS}.`,
  );
}

/** The file's text for its format (not yet redacted). */
export function renderFor(ext: SaveExtension, source: SaveSource, fileName: string): string {
  const { notebook } = source;
  if (ext === '.md') return renderMarkdown(notebook, fileName);
  if (ext === '.ipynb') return renderIpynb(notebook);
  const plan = planScript(notebook.cells, source.ids);
  return renderScript(ext.slice(1) as ScriptLanguage, {
    plan,
    meta: notebook.meta,
    cellCount: notebook.cells.length,
  });
}

function explainWriteError(error: NodeJS.ErrnoException, file: string): string {
  const where = `'${file}'`;
  switch (error.code) {
    case 'ENOENT':
      return `Cannot save to ${where}: the folder ${dirname(file)} does not exist.`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `Cannot save to ${where}: permission denied.`;
    case 'EISDIR':
      return `Cannot save to ${where}: it is a folder.`;
    case 'ENOTDIR':
      return `Cannot save to ${where}: part of the path is a file, not a folder.`;
    case 'ENOSPC':
      return `Cannot save to ${where}: the disk is full.`;
    case 'EREADONLY':
      return `Cannot save to ${where}: the file is read-only; save under another name, or make it writable first.`;
    default:
      return `Cannot save to ${where}: ${error.code ?? error.message}.`;
  }
}

/** Writes `text` to `file` through a temporary file, so a failure leaves any old file intact. */
async function writeWhole(file: string, text: string, mode: number): Promise<boolean> {
  const existing = await fs.stat(file).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  }
  // A rename would replace a file its owner made read-only: that is a refusal, not a save.
  if (
    existing &&
    !(await fs.access(file, fsConstants.W_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw Object.assign(new Error('read-only'), { code: 'EREADONLY' });
  }
  const temporary = join(dirname(file), `.${basename(file)}.${randomHex(4)}.tmp`);
  try {
    await fs.writeFile(temporary, text, { mode, flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  return existing !== undefined;
}

export async function saveNotebook(argument: string, source: SaveSource): Promise<SaveResult> {
  const file = parseSaveArgument(argument);
  if (!file) {
    throw new UsageError(`.save needs a file name, e.g. .save session.md (${EXTENSIONS}).`);
  }
  const ext = extensionOf(file);
  const cells = source.notebook.cells.length;
  if (cells === 0) throw new UsageError('Nothing to save yet: no cell has run in this session.');
  const text = source.redact(renderFor(ext, source, basename(file)));
  const script = ext === '.sh' || ext === '.py';
  let replaced: boolean;
  try {
    // Only the owner's: a session holds tenant names, users and what the platform answered.
    replaced = await writeWhole(resolve(file), text, script ? 0o700 : 0o600);
  } catch (error) {
    throw new UsageError(explainWriteError(error as NodeJS.ErrnoException, file));
  }
  const what = `${cells} cell${cells === 1 ? '' : 's'} as ${SAVE_FORMATS[ext]}`;
  const run =
    ext === '.md' || ext === '.ipynb'
      ? ` Replay it with tenant-shell --run ${shellQuote(file)} --check.`
      : ' It reads TENANT_SHELL_URL, TENANT_SHELL_CLIENT_ID and TENANT_SHELL_CLIENT_SECRET.';
  return {
    path: file,
    replaced,
    message: `Saved ${what} to ${file}${replaced ? ', replacing the file that was there' : ''}.${run}`,
  };
}
