import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import {
  configDir,
  loadProfiles,
  pickProfile,
  profilesPath,
  saveProfile,
  unknownProfileMessage,
} from '../../src/auth/profiles.ts';

const EU2 = {
  url: 'https://eu2-cloud.acronis.com',
  client_id: '7c1f2a44-3b1e-4d8e-9f00-1a2b3c4d5e6f',
};
const US = {
  url: 'https://us5-cloud.acronis.com',
  client_id: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
};

let root: string;
let env: Record<string, string>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tenant-shell-profiles-'));
  env = { TENANT_SHELL_CONFIG_DIR: join(root, 'config') };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('configDir', () => {
  it('prefers TENANT_SHELL_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ TENANT_SHELL_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe(
      '/a',
    );
    expect(configDir({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/tenant-shell');
    expect(configDir({ HOME: '/h' })).toBe('/h/.config/tenant-shell');
    expect(profilesPath({ HOME: '/h' })).toBe('/h/.config/tenant-shell/profiles.json');
  });
});

describe('profiles file', () => {
  it('reads a missing file as no profiles', async () => {
    const store = await loadProfiles(env);
    expect(store).toMatchObject({ ok: true, exists: false, file: { profiles: {} } });
  });

  it('saves atomically with mode 0600 in a 0700 directory, first profile as default', async () => {
    const first = await saveProfile('eu2', EU2, { env });
    expect(first.isDefault).toBe(true);
    const second = await saveProfile('us', US, { env });
    expect(second.isDefault).toBe(false);

    const path = profilesPath(env);
    expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
    expect(((await stat(join(root, 'config'))).mode & 0o777).toString(8)).toBe('700');
    // No temporary file left behind.
    expect(await readdir(join(root, 'config'))).toEqual(['profiles.json']);

    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      default: 'eu2',
      profiles: { eu2: EU2, us: US },
    });
    const store = await loadProfiles(env);
    if (!store.ok) throw new Error(store.problem);
    expect(pickProfile(store.file)).toEqual({ name: 'eu2', entry: EU2, explicit: false });
    expect(pickProfile(store.file, 'us')).toEqual({ name: 'us', entry: US, explicit: true });
  });

  it('refuses to store a secret or any other key, and writes nothing', async () => {
    const withSecret = { ...EU2, client_secret: 'do-not-store-me' };
    await expect(saveProfile('eu2', withSecret, { env })).rejects.toThrow(UsageError);
    await expect(saveProfile('eu2', withSecret, { env })).rejects.toThrow(
      /only url and client_id, never client_secret/,
    );
    await expect(saveProfile('eu2', { ...EU2, token: 'x' }, { env })).rejects.toThrow(
      /never token/,
    );
    await expect(stat(profilesPath(env))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a bad profile name', async () => {
    await expect(saveProfile('../evil', EU2, { env })).rejects.toThrow(/cannot name a profile/);
  });

  it('drops hand-added keys on the next save: the file never keeps a secret', async () => {
    await mkdir(join(root, 'config'), { recursive: true });
    await writeFile(
      profilesPath(env),
      JSON.stringify({ profiles: { eu2: { ...EU2, client_secret: 'hand-added' } } }),
    );
    await saveProfile('us', US, { env });
    const text = await readFile(profilesPath(env), 'utf8');
    expect(text).not.toContain('hand-added');
    expect(JSON.parse(text).profiles.eu2).toEqual(EU2);
  });

  it.each([
    ['truncated JSON', '{"default": "eu2", "profiles": {"eu2": {"url": "https://eu2'],
    ['empty file', ''],
    ['wrong shape', '{"profiles": ["eu2"]}'],
  ])('reports a damaged file (%s) in one sentence and never overwrites it', async (_name, text) => {
    await mkdir(join(root, 'config'), { recursive: true });
    const path = profilesPath(env);
    await writeFile(path, text);
    const before = await readFile(path);

    const store = await loadProfiles(env);
    expect(store.ok).toBe(false);
    if (store.ok) return;
    expect(store.problem).toContain(path);
    expect(store.problem).toMatch(/^The profiles file .* is damaged \(.*\); it is left as it is/);
    expect(store.problem.split(/\.\s/)).toHaveLength(1);

    await expect(saveProfile('eu2', EU2, { env })).rejects.toThrow(
      `Not saving the profile: ${path} is damaged or unreadable and is left untouched; fix or delete it first.`,
    );
    expect(Buffer.compare(await readFile(path), before)).toBe(0);
    expect(await readdir(join(root, 'config'))).toEqual(['profiles.json']);
  });
});

describe('pickProfile', () => {
  const file = { default: 'eu2', profiles: { eu2: EU2, us: US } };

  it('names the known profiles when the name is unknown', () => {
    expect(() => pickProfile(file, 'asia')).toThrow(UsageError);
    expect(() => pickProfile(file, 'asia')).toThrow(
      'No profile named "asia" (known profiles: "eu2", "us").',
    );
  });

  it('says there are none yet when the file is empty', () => {
    expect(unknownProfileMessage('eu2', { profiles: {} })).toBe(
      'No profile named "eu2" (there are no saved profiles yet).',
    );
  });

  it('gives no profile when there is no default', () => {
    expect(pickProfile({ profiles: { eu2: EU2 } })).toBeUndefined();
  });
});
