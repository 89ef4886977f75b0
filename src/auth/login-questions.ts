// The login's questions, one function each, asked through a LoginAsker: the terminal's
// (Inquirer prompts on the caller's context `{input, output, signal}`: that seam lets tests
// drive them and lets the REPL hand the terminal over), or another front end's (the Jupyter
// kernel's stdin channel), so every front end asks the same questions. Ctrl+C
// (ExitPromptError) and an aborted signal (AbortPromptError) become one
// CancelledError("Login cancelled.").

import { CancelledError } from '../api/errors.ts';
import { redact } from '../api/redact.ts';
import { normaliseDataCenterUrl } from '../api/url.ts';
import type { Asker } from '../ui/asker.ts';
import { confirm, input, password, select } from '../ui/prompts.ts';
import { isPromptCancellation, LOGIN_CANCELLED } from './cancel.ts';
import { PROFILE_NAME, type ProfileEntry } from './profiles.ts';

/** Inquirer's context argument (input, output, signal, clearPromptOnDone). */
export type PromptContext = NonNullable<Parameters<typeof input>[1]>;

export { isPromptCancellation, LOGIN_CANCELLED } from './cancel.ts';

/** What the login asks through: a helper's questions, and a secret typed without an echo. */
export interface LoginAsker extends Asker {
  secret(message: string, validate: (value: string) => true | string): Promise<string>;
}

/** Runs one prompt; Ctrl+C or an abort becomes CancelledError("Login cancelled."). */
export async function ask<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (isPromptCancellation(error)) throw new CancelledError(LOGIN_CANCELLED);
    throw error;
  }
}

/** The terminal's login questions: Inquirer prompts on `context`. */
export function promptAsker(context: PromptContext): LoginAsker {
  return {
    select: (message, choices, defaultValue) =>
      ask(() => select({ message, choices, default: defaultValue }, context)),
    input: (message, opts = {}) =>
      ask(() =>
        input(
          {
            message,
            ...(opts.default !== undefined && { default: opts.default }),
            ...(opts.validate !== undefined && { validate: opts.validate }),
          },
          context,
        ),
      ),
    confirm: (message, defaultValue) =>
      ask(() => confirm({ message, default: defaultValue }, context)),
    secret: (message, validate) => ask(() => password({ message, mask: '*', validate }, context)),
  };
}

export type Destination =
  | { kind: 'emulator' }
  | { kind: 'profile'; name: string }
  | { kind: 'url' }
  | { kind: 'admin' };

export const DESTINATION_LABELS = {
  emulator: 'The embedded emulator (runs in this process, nothing to type)',
  url: 'A data center URL (API client id and secret)',
  admin: "A data center URL with an administrator's login and password (creates an API client)",
} as const;

export async function askWhereToConnect(
  asker: LoginAsker,
  profiles: Record<string, ProfileEntry> = {},
): Promise<Destination> {
  const profileChoices = Object.entries(profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({
      name: `Profile "${name}" (${describeUrl(entry.url)})`,
      value: `profile:${name}`,
    }));
  const answer = await asker.select(
    'Where to connect?',
    [
      { name: DESTINATION_LABELS.emulator, value: 'emulator' },
      ...profileChoices,
      { name: DESTINATION_LABELS.url, value: 'url' },
      { name: DESTINATION_LABELS.admin, value: 'admin' },
    ],
    'emulator',
  );
  if (answer.startsWith('profile:')) return { kind: 'profile', name: answer.slice(8) };
  if (answer === 'url' || answer === 'admin') return { kind: answer };
  return { kind: 'emulator' };
}

function describeUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** One sentence for why `value` is not a data center URL, or true. Never echoes a secret. */
export function validateDataCenterUrl(value: string): true | string {
  if (value.trim() === '') return 'Type the data center URL, e.g. https://eu2-cloud.acronis.com';
  try {
    normaliseDataCenterUrl(value.trim());
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return redact(message);
  }
}

export async function askDataCenterUrl(asker: LoginAsker, previous?: string): Promise<string> {
  const answer = await asker.input('Data center URL:', {
    ...(previous !== undefined && { default: previous }),
    validate: validateDataCenterUrl,
  });
  return answer.trim();
}

export async function askClientId(asker: LoginAsker, previous?: string): Promise<string> {
  const answer = await asker.input('API client id:', {
    ...(previous !== undefined && { default: previous }),
    validate: (value) => value.trim() !== '' || 'Type the API client id.',
  });
  return answer.trim();
}

export async function askClientSecret(asker: LoginAsker): Promise<string> {
  return asker.secret(
    'API client secret:',
    (value) => value !== '' || 'Type the API client secret.',
  );
}

export async function askAdminLogin(asker: LoginAsker, previous?: string): Promise<string> {
  const answer = await asker.input("Administrator's login:", {
    ...(previous !== undefined && { default: previous }),
    validate: (value) => value.trim() !== '' || "Type the administrator's login.",
  });
  return answer.trim();
}

export async function askAdminPassword(asker: LoginAsker): Promise<string> {
  return asker.secret(
    "Administrator's password:",
    (value) => value !== '' || "Type the administrator's password.",
  );
}

/** Asks whether to save a profile and under which name; undefined when the user says no. */
export async function askSaveProfile(
  asker: LoginAsker,
  suggestedName: string,
): Promise<string | undefined> {
  const save = await asker.confirm(
    'Save the URL and client id as a profile (never the secret)?',
    true,
  );
  if (!save) return undefined;
  const fallback = PROFILE_NAME.test(suggestedName) ? suggestedName : 'default';
  const name = await asker.input('Profile name:', {
    default: fallback,
    validate: (value) =>
      PROFILE_NAME.test(value.trim()) ||
      'Use letters, digits, dot, dash and underscore (up to 64).',
  });
  return name.trim();
}
