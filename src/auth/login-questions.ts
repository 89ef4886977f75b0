// The login's questions, one function each. Every prompt takes the Inquirer context
// `{input, output, signal}` from the caller: that seam lets tests drive them and lets the REPL
// hand the terminal over. Ctrl+C (ExitPromptError) and an aborted signal (AbortPromptError)
// become one CancelledError("Login cancelled.").

import { confirm, input, password, select } from '@inquirer/prompts';
import { CancelledError } from '../api/errors.ts';
import { redact } from '../api/redact.ts';
import { normaliseDataCenterUrl } from '../api/url.ts';
import { isPromptCancellation, LOGIN_CANCELLED } from './cancel.ts';
import { PROFILE_NAME, type ProfileEntry } from './profiles.ts';

/** Inquirer's context argument (input, output, signal, clearPromptOnDone). */
export type PromptContext = NonNullable<Parameters<typeof input>[1]>;

export { isPromptCancellation, LOGIN_CANCELLED } from './cancel.ts';

/** Runs one prompt; Ctrl+C or an abort becomes CancelledError("Login cancelled."). */
export async function ask<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (isPromptCancellation(error)) throw new CancelledError(LOGIN_CANCELLED);
    throw error;
  }
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
  context: PromptContext,
  profiles: Record<string, ProfileEntry> = {},
): Promise<Destination> {
  const profileChoices = Object.entries(profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({
      name: `Profile "${name}" (${describeUrl(entry.url)})`,
      value: `profile:${name}`,
    }));
  const answer = await ask(() =>
    select(
      {
        message: 'Where to connect?',
        choices: [
          { name: DESTINATION_LABELS.emulator, value: 'emulator' },
          ...profileChoices,
          { name: DESTINATION_LABELS.url, value: 'url' },
          { name: DESTINATION_LABELS.admin, value: 'admin' },
        ],
        default: 'emulator',
      },
      context,
    ),
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

export async function askDataCenterUrl(context: PromptContext, previous?: string): Promise<string> {
  const answer = await ask(() =>
    input(
      {
        message: 'Data center URL:',
        ...(previous !== undefined && { default: previous }),
        validate: validateDataCenterUrl,
      },
      context,
    ),
  );
  return answer.trim();
}

export async function askClientId(context: PromptContext, previous?: string): Promise<string> {
  const answer = await ask(() =>
    input(
      {
        message: 'API client id:',
        ...(previous !== undefined && { default: previous }),
        validate: (value) => value.trim() !== '' || 'Type the API client id.',
      },
      context,
    ),
  );
  return answer.trim();
}

export async function askClientSecret(context: PromptContext): Promise<string> {
  return ask(() =>
    password(
      {
        message: 'API client secret:',
        mask: '*',
        validate: (value) => value !== '' || 'Type the API client secret.',
      },
      context,
    ),
  );
}

export async function askAdminLogin(context: PromptContext, previous?: string): Promise<string> {
  const answer = await ask(() =>
    input(
      {
        message: "Administrator's login:",
        ...(previous !== undefined && { default: previous }),
        validate: (value) => value.trim() !== '' || "Type the administrator's login.",
      },
      context,
    ),
  );
  return answer.trim();
}

export async function askAdminPassword(context: PromptContext): Promise<string> {
  return ask(() =>
    password(
      {
        message: "Administrator's password:",
        mask: '*',
        validate: (value) => value !== '' || "Type the administrator's password.",
      },
      context,
    ),
  );
}

/** Asks whether to save a profile and under which name; undefined when the user says no. */
export async function askSaveProfile(
  context: PromptContext,
  suggestedName: string,
): Promise<string | undefined> {
  const save = await ask(() =>
    confirm(
      { message: 'Save the URL and client id as a profile (never the secret)?', default: true },
      context,
    ),
  );
  if (!save) return undefined;
  const fallback = PROFILE_NAME.test(suggestedName) ? suggestedName : 'default';
  const name = await ask(() =>
    input(
      {
        message: 'Profile name:',
        default: fallback,
        validate: (value) =>
          PROFILE_NAME.test(value.trim()) ||
          'Use letters, digits, dot, dash and underscore (up to 64).',
      },
      context,
    ),
  );
  return name.trim();
}
