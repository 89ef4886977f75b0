// Named profiles: a data center URL and an API client id, never a secret. One JSON file,
// `profiles.json`, under the user's config directory:
//   $TENANT_SHELL_CONFIG_DIR, else $XDG_CONFIG_HOME/tenant-shell, else ~/.config/tenant-shell.
// Written atomically (temporary file + rename) with mode 0600 in a 0700 directory. A damaged
// file is reported in one sentence and never overwritten: saving refuses until the user fixes
// or removes it.

import { chmod, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../api/errors.ts';
import { makeFolders } from '../make-folders.ts';
import { randomHex } from '../random-hex.ts';
import * as z from '../schemas/zod.ts';
import type { Env } from './credential-sources.ts';

export const PROFILES_FILE = 'profiles.json';

/** What one profile holds. Strict: a secret (or any other key) is refused, not dropped. */
export const ProfileEntry = z.strictObject({
  url: z.string().check(z.minLength(1)),
  client_id: z.string().check(z.minLength(1)),
});
export type ProfileEntry = z.infer<typeof ProfileEntry>;

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// Reading is lenient about extra keys (a hand-edited file still works) but a later save keeps
// only url and client_id.
const ProfileFileOnDisk = z.looseObject({
  default: z.optional(z.string()),
  profiles: z.record(z.string(), z.looseObject({ url: z.string(), client_id: z.string() })),
});

export interface ProfilesFile {
  default?: string;
  profiles: Record<string, ProfileEntry>;
}

export type ProfileStore =
  | { ok: true; path: string; exists: boolean; file: ProfilesFile }
  | { ok: false; path: string; problem: string };

export function configDir(env: Env = process.env): string {
  const override = env.TENANT_SHELL_CONFIG_DIR?.trim();
  if (override) return override;
  const xdg = env.XDG_CONFIG_HOME?.trim();
  if (xdg) return join(xdg, 'tenant-shell');
  return join(env.HOME?.trim() || homedir(), '.config', 'tenant-shell');
}

export function profilesPath(env: Env = process.env): string {
  return join(configDir(env), PROFILES_FILE);
}

function damaged(path: string, why: string): string {
  return `The profiles file ${path} is damaged (${why}); it is left as it is, so fix or delete it to use profiles.`;
}

/** Reads the profiles file. A missing file is an empty store; a damaged one is `ok: false`. */
export async function loadProfiles(env: Env = process.env): Promise<ProfileStore> {
  const path = profilesPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ok: true, path, exists: false, file: { profiles: {} } };
    }
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, path, problem: `The profiles file ${path} cannot be read (${reason}).` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      path,
      problem: damaged(path, text.trim() === '' ? 'empty' : 'not valid JSON'),
    };
  }
  const parsed = ProfileFileOnDisk.safeParse(json);
  if (!parsed.success) {
    return { ok: false, path, problem: damaged(path, 'not the expected shape') };
  }
  const profiles: Record<string, ProfileEntry> = {};
  for (const [name, entry] of Object.entries(parsed.data.profiles)) {
    profiles[name] = { url: entry.url, client_id: entry.client_id };
  }
  const file: ProfilesFile = { profiles };
  if (parsed.data.default !== undefined) file.default = parsed.data.default;
  return { ok: true, path, exists: true, file };
}

export function profileNames(file: ProfilesFile): string[] {
  return Object.keys(file.profiles).sort();
}

export function unknownProfileMessage(name: string, file: ProfilesFile): string {
  const names = profileNames(file);
  const known =
    names.length === 0
      ? 'there are no saved profiles yet'
      : `known profiles: ${names.map((n) => `"${n}"`).join(', ')}`;
  return `No profile named "${name}" (${known}).`;
}

/**
 * The profile `--profile NAME` asks for, or the file's default when no name is given.
 * Throws a UsageError naming the known profiles when NAME is unknown.
 */
export function pickProfile(
  file: ProfilesFile,
  name?: string,
): { name: string; entry: ProfileEntry; explicit: boolean } | undefined {
  if (name !== undefined) {
    const entry = file.profiles[name];
    if (!entry) throw new UsageError(unknownProfileMessage(name, file));
    return { name, entry, explicit: true };
  }
  if (file.default === undefined) return undefined;
  const entry = file.profiles[file.default];
  return entry ? { name: file.default, entry, explicit: false } : undefined;
}

/**
 * Adds or replaces one profile and writes the file atomically. Refuses (UsageError) a profile
 * with any key but url and client_id, a bad name, or a damaged file on disk (left untouched).
 * The first profile saved becomes the default unless `makeDefault` says otherwise.
 */
export async function saveProfile(
  name: string,
  entry: unknown,
  options: { env?: Env; makeDefault?: boolean } = {},
): Promise<{ path: string; isDefault: boolean }> {
  const env = options.env ?? process.env;
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(
      `"${name}" cannot name a profile: use letters, digits, dot, dash and underscore (up to 64).`,
    );
  }
  const checked = ProfileEntry.safeParse(entry);
  if (!checked.success) {
    const keys =
      entry !== null && typeof entry === 'object'
        ? Object.keys(entry).filter((key) => key !== 'url' && key !== 'client_id')
        : [];
    throw new UsageError(
      keys.length > 0
        ? `A profile holds only url and client_id, never ${keys.join(', ')}: keep secrets in TENANT_SHELL_CLIENT_SECRET or a secret manager.`
        : 'A profile needs a url and a client_id, both non-empty text.',
    );
  }
  const store = await loadProfiles(env);
  if (!store.ok) {
    throw new UsageError(
      `Not saving the profile: ${store.path} is damaged or unreadable and is left untouched; fix or delete it first.`,
    );
  }
  const file: ProfilesFile = {
    ...(store.file.default !== undefined && { default: store.file.default }),
    profiles: { ...store.file.profiles, [name]: checked.data },
  };
  const isDefault =
    options.makeDefault ?? (file.default === undefined || !(file.default in store.file.profiles));
  if (isDefault) file.default = name;
  await writeAtomically(store.path, `${JSON.stringify(file, null, 2)}\n`);
  return { path: store.path, isDefault: file.default === name };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  // `mode` applies only to directories mkdir creates; an existing one is left as the user set it.
  makeFolders(dir, 0o700);
  const temp = join(dir, `.${PROFILES_FILE}.${process.pid}.${randomHex(6)}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    // The umask can only remove bits, but be explicit: the file must be the user's alone.
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
