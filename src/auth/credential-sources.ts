// Where the login's credentials come from. A pure function over flags, environment and a
// profile: no I/O, so the precedence is one table test away from being checked.
//
// Each value is taken from the first place that has it:
//   url, client id: --url/--client-id flags, then an explicit --profile, then the
//                   TENANT_SHELL_URL/TENANT_SHELL_CLIENT_ID variables, then the default profile;
//   secret:         TENANT_SHELL_CLIENT_SECRET only (never a flag: it would sit in the shell's
//                   history and in `ps`; never a profile: profiles are plain files).
// An explicit `--profile NAME` ranks above the environment because it was typed for this run,
// while the variables may be left over from another one.

import { UsageError } from '../api/errors.ts';

export const ENV_URL = 'TENANT_SHELL_URL';
export const ENV_CLIENT_ID = 'TENANT_SHELL_CLIENT_ID';
export const ENV_CLIENT_SECRET = 'TENANT_SHELL_CLIENT_SECRET';

/** The login's command-line flags, as `main` parsed them. */
export interface AuthFlags {
  url?: string | undefined;
  clientId?: string | undefined;
  profile?: string | undefined;
  emulator?: boolean | undefined;
  /** Set when a secret was passed as a flag (`--client-secret`, `--secret`): always refused. */
  clientSecret?: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A profile as the resolution sees it: where it came from and whether it was asked for. */
export interface ProfileInput {
  name: string;
  url: string;
  client_id: string;
  /** true when picked with `--profile NAME`, false when it is the file's default. */
  explicit: boolean;
}

export type CredentialField = 'url' | 'clientId' | 'clientSecret';

export interface CompleteCredentials {
  complete: true;
  url: string;
  clientId: string;
  clientSecret: string;
  /** Where each value came from, for the user: e.g. `profile "eu2" + TENANT_SHELL_CLIENT_SECRET`. */
  source: string;
  profileName?: string;
}

export interface IncompleteCredentials {
  complete: false;
  url?: string;
  clientId?: string;
  clientSecret?: string;
  missing: CredentialField[];
  /** What was found, described as for a complete result; '' when nothing was. */
  source: string;
  profileName?: string;
  /** true when a flag, a variable or --profile said where to connect (so no "Where?" question). */
  targetGiven: boolean;
}

export type CredentialResolution = CompleteCredentials | IncompleteCredentials;

export const SECRET_FLAG_REFUSAL =
  'Refusing a client secret on the command line (it would stay in the shell history and the process list): set TENANT_SHELL_CLIENT_SECRET instead.';

/** Throws a UsageError when the flags carry a secret. */
export function refuseSecretFlag(flags: AuthFlags): void {
  if (flags.clientSecret !== undefined) throw new UsageError(SECRET_FLAG_REFUSAL);
}

function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

interface Layer {
  label: string;
  url?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  profileName?: string;
}

export function resolveCredentials(input: {
  flags: AuthFlags;
  env: Env;
  profile?: ProfileInput | undefined;
}): CredentialResolution {
  refuseSecretFlag(input.flags);
  const { flags, env, profile } = input;
  const profileLayer: Layer | undefined = profile && {
    label: `profile "${profile.name}"`,
    url: present(profile.url),
    clientId: present(profile.client_id),
    profileName: profile.name,
  };
  const layers: Layer[] = [
    { label: '--url', url: present(flags.url) },
    { label: '--client-id', clientId: present(flags.clientId) },
  ];
  if (profileLayer && profile?.explicit) layers.push(profileLayer);
  layers.push(
    { label: ENV_URL, url: present(env[ENV_URL]) },
    { label: ENV_CLIENT_ID, clientId: present(env[ENV_CLIENT_ID]) },
    { label: ENV_CLIENT_SECRET, clientSecret: present(env[ENV_CLIENT_SECRET]) },
  );
  if (profileLayer && !profile?.explicit) layers.push(profileLayer);

  const pick = (field: CredentialField): Layer | undefined =>
    layers.find((layer) => layer[field] !== undefined);
  const urlLayer = pick('url');
  const clientIdLayer = pick('clientId');
  const secretLayer = pick('clientSecret');

  const used: Layer[] = [];
  for (const layer of [urlLayer, clientIdLayer, secretLayer]) {
    if (layer && !used.includes(layer)) used.push(layer);
  }
  const source = used.map((layer) => layer.label).join(' + ');
  const profileName = used.find((layer) => layer.profileName)?.profileName;

  const url = urlLayer?.url;
  const clientId = clientIdLayer?.clientId;
  const clientSecret = secretLayer?.clientSecret;
  if (url !== undefined && clientId !== undefined && clientSecret !== undefined) {
    return {
      complete: true,
      url,
      clientId,
      clientSecret,
      source,
      ...(profileName !== undefined && { profileName }),
    };
  }
  const missing: CredentialField[] = [];
  if (url === undefined) missing.push('url');
  if (clientId === undefined) missing.push('clientId');
  if (clientSecret === undefined) missing.push('clientSecret');
  // A default profile is a suggestion, not a choice made for this run.
  const chosen = (layer: Layer | undefined) =>
    layer !== undefined && (layer !== profileLayer || profile?.explicit === true);
  const targetGiven = chosen(urlLayer) || chosen(clientIdLayer) || profile?.explicit === true;
  return {
    complete: false,
    ...(url !== undefined && { url }),
    ...(clientId !== undefined && { clientId }),
    ...(clientSecret !== undefined && { clientSecret }),
    missing,
    source,
    ...(profileName !== undefined && { profileName }),
    targetGiven,
  };
}

const FIELD_HOW: Record<CredentialField, string> = {
  url: `--url (or ${ENV_URL})`,
  clientId: `--client-id (or ${ENV_CLIENT_ID})`,
  clientSecret: ENV_CLIENT_SECRET,
};

/** The sentence for a non-interactive start that lacks credentials. */
export function missingCredentialsMessage(resolution: IncompleteCredentials): string {
  const all = resolution.missing.length === 3;
  if (all) {
    return `No credentials: pass --url and --client-id and set ${ENV_CLIENT_SECRET}, use --profile NAME, or --emulator.`;
  }
  const found = resolution.source ? ` (found: ${resolution.source})` : '';
  const needs = resolution.missing.map((field) => FIELD_HOW[field]);
  const list =
    needs.length === 1 ? needs[0] : `${needs.slice(0, -1).join(', ')} and ${needs.at(-1)}`;
  return `Incomplete credentials${found}: also set ${list}, or use --emulator.`;
}

/**
 * The login's options for `node:util` parseArgs, for main to spread into its own. The secret
 * flags are declared only so that they are refused with a helpful sentence rather than an
 * "unknown option".
 */
export const AUTH_ARG_OPTIONS = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  profile: { type: 'string' },
  emulator: { type: 'boolean' },
  'client-secret': { type: 'string' },
  secret: { type: 'string' },
} as const;

/** AuthFlags from parseArgs values parsed with AUTH_ARG_OPTIONS. */
export function authFlagsFromArgs(values: Record<string, string | boolean | undefined>): AuthFlags {
  const text = (key: string) => (typeof values[key] === 'string' ? values[key] : undefined);
  const secret = text('client-secret') ?? text('secret');
  return {
    url: text('url'),
    clientId: text('client-id'),
    profile: text('profile'),
    emulator: values.emulator === true,
    ...(secret !== undefined && { clientSecret: secret }),
  };
}
