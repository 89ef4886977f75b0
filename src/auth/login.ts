// The login: from flags, environment, a profile or the questions to a connected client and
// the tenant the tutorial's `tenant_id` names (the API client's own tenant).
//
// Failures the user can fix (wrong secret, wrong or unreachable URL, a URL that is not the
// platform) print one sentence and ask again, up to three tries, keeping earlier answers as
// defaults. Without a terminal nothing is asked: the first failure is thrown. Nothing here
// prints a secret or a token, except the one-time display of a newly created client secret.

import { PlatformClient } from '../api/client.ts';
import { createApiClient, getClientInfo, getMe, getTenant } from '../api/endpoints.ts';
import {
  ApiError,
  AuthError,
  CancelledError,
  NetworkError,
  NotJsonError,
  SchemaError,
  TenantShellError,
  TimeoutError,
  UsageError,
} from '../api/errors.ts';
import { SecretKeeper } from '../api/redact.ts';
import { API_PATH, normaliseDataCenterUrl } from '../api/url.ts';
import { isPromptCancellation, LOGIN_CANCELLED } from './cancel.ts';
import {
  type AuthFlags,
  type CredentialResolution,
  ENV_CLIENT_SECRET,
  type Env,
  type IncompleteCredentials,
  missingCredentialsMessage,
  refuseSecretFlag,
  resolveCredentials,
} from './credential-sources.ts';
import type { LoginAsker, PromptContext } from './login-questions.ts';
import { loadProfiles, type ProfileStore, pickProfile, saveProfile } from './profiles.ts';

export type { AuthFlags, Env } from './credential-sources.ts';
export type { LoginAsker, PromptContext } from './login-questions.ts';

/** What `startEmulator` hands back (the fields the login uses). */
export interface EmulatorHandle {
  url: string;
  base_url?: string;
  client_id: string;
  client_secret: string;
  tenant_id?: string;
  close(): Promise<void>;
}

export interface Session {
  client: PlatformClient;
  dataCenter: {
    /** The data center URL (origin), e.g. https://eu2-cloud.acronis.com */
    url: string;
    /** `<url>/api/2` */
    baseUrl: string;
    /** 'emulator' for the embedded one, else the host. */
    label: string;
  };
  clientId: string;
  /** The API client's tenant: the tutorial's `tenant_id`. */
  tenantId: string;
  tenantName?: string;
  tenantKind?: string;
  /** Set when the login started the embedded emulator: close it after the client. */
  emulator?: { close(): Promise<void> };
  /** Where the credentials came from, e.g. `--url + --client-id + TENANT_SHELL_CLIENT_SECRET`. */
  source: string;
}

export interface LoginOptions {
  flags: AuthFlags;
  env: Env;
  /** false without a TTY or with --no-input: nothing is ever asked. */
  interactive: boolean;
  /** Passed to every prompt; its signal also cancels the network calls. */
  context?: PromptContext;
  /**
   * Where the questions go when not to the terminal's prompts (the Jupyter kernel's stdin
   * channel): the same questions, in the same order.
   */
  asker?: LoginAsker;
  /** The sentence for missing credentials where nothing may be asked (default: the command line's). */
  missingCredentials?: (resolution: IncompleteCredentials) => string;
  /**
   * Shows a newly created client secret, the one line never masked (default: `print`). A
   * notebook keeps what is printed, so the kernel shows it in a question instead.
   */
  showSecretOnce?: (line: string) => Promise<void>;
  /** Overrides the lazy import of the embedded emulator (tests). */
  startEmulator?: () => Promise<EmulatorHandle>;
  /** One line for the user (already masked). */
  print: (line: string) => void;
  userAgent?: string;
  /** Read the home tenant's name and kind for the prompt (default true; one-shot runs skip it). */
  describeTenant?: boolean;
  timeoutMs?: number;
  connectTimeoutMs?: number;
}

export const MAX_TRIES = 3;

type Questions = typeof import('./login-questions.ts');

interface Target {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** Failures the user can fix by answering again, and which answer to ask again for. */
type Retry = 'credentials' | 'location';

export function retryKind(error: unknown): Retry | undefined {
  if (error instanceof AuthError) return 'credentials';
  if (
    error instanceof NetworkError ||
    error instanceof TimeoutError ||
    error instanceof NotJsonError ||
    error instanceof SchemaError ||
    error instanceof UsageError
  ) {
    return 'location';
  }
  // A 404 on the token endpoint: a web server, but not the platform's API.
  if (error instanceof ApiError && error.status === 404) return 'location';
  return undefined;
}

/** The login gave up after MAX_TRIES; `code` is the last failure's (E_AUTH, E_NETWORK...). */
export class LoginFailedError extends TenantShellError {
  constructor(message: string, last: unknown) {
    super(
      last instanceof TenantShellError ? last.code : 'E_AUTH',
      message,
      'Check the data center URL and the API client id and secret, then start again.',
      { cause: last },
    );
  }
}

export async function login(opts: LoginOptions): Promise<Session> {
  const attempt = new Login(opts);
  try {
    return await attempt.run();
  } catch (error) {
    throw attempt.safeError(error);
  }
}

class Login {
  readonly #opts: LoginOptions;
  readonly #secrets = new SecretKeeper();
  readonly #context: PromptContext;
  #questions: Questions | undefined;
  #store: ProfileStore | undefined;

  constructor(opts: LoginOptions) {
    this.#opts = opts;
    this.#context = opts.context ?? {};
    this.#secrets.add(opts.env[ENV_CLIENT_SECRET]);
  }

  get #signal(): AbortSignal | undefined {
    return this.#context.signal;
  }

  #print(line: string): void {
    this.#opts.print(this.#secrets.redact(line));
  }

  #sentence(error: unknown, url?: string): string {
    return this.#secrets.redact(failureSentence(error, url));
  }

  /** The error to hand to the caller: a cancellation says "Login cancelled.", no secret in any. */
  safeError(error: unknown): unknown {
    if (error instanceof CancelledError || isPromptCancellation(error)) {
      return error instanceof CancelledError && error.message === LOGIN_CANCELLED
        ? error
        : new CancelledError(LOGIN_CANCELLED, '', { cause: error });
    }
    if (error instanceof Error) {
      const masked = this.#secrets.redact(error.message);
      if (masked !== error.message) error.message = masked;
      // V8 wrote the stack from the original message: --debug prints it.
      if (error.stack) error.stack = this.#secrets.redact(error.stack);
    }
    return error;
  }

  /** The questions module, loaded on the first question so a plain start does not load Inquirer. */
  async #q(): Promise<Questions> {
    this.#questions ??= await import('./login-questions.ts');
    return this.#questions;
  }

  /** The questions and what asks them (the caller's asker, else Inquirer on the context). */
  async #ask(): Promise<{ q: Questions; asker: LoginAsker }> {
    const q = await this.#q();
    return { q, asker: this.#opts.asker ?? q.promptAsker(this.#context) };
  }

  async run(): Promise<Session> {
    const { flags, env } = this.#opts;
    refuseSecretFlag(flags);
    if (flags.emulator) return this.#loginToEmulator('embedded emulator (--emulator)');

    const store = await loadProfiles(env);
    this.#store = store;
    let profile: ReturnType<typeof pickProfile>;
    if (store.ok) {
      profile = pickProfile(store.file, flags.profile);
    } else {
      if (flags.profile !== undefined && !this.#opts.interactive)
        throw new UsageError(store.problem);
      this.#print(store.problem);
    }
    const resolution = resolveCredentials({
      flags,
      env,
      profile: profile && { name: profile.name, ...profile.entry, explicit: profile.explicit },
    });

    if (!this.#opts.interactive) {
      if (!resolution.complete) {
        const say = this.#opts.missingCredentials ?? missingCredentialsMessage;
        throw new UsageError(say(resolution));
      }
      return this.#connect(resolution, resolution.source);
    }
    return this.#interactive(resolution);
  }

  async #interactive(resolution: CredentialResolution): Promise<Session> {
    if (resolution.complete || resolution.targetGiven) {
      return this.#clientLoop(resolution, resolution.source, {
        offerProfile: !resolution.profileName,
      });
    }
    const { q, asker } = await this.#ask();
    const store = this.#store;
    // The administrator's way may turn out closed (2FA on that account): then ask again.
    for (;;) {
      const session = await this.#toDestination(
        await q.askWhereToConnect(asker, store?.ok ? store.file.profiles : {}),
      );
      if (session) return session;
    }
  }

  async #toDestination(
    destination: Awaited<ReturnType<Questions['askWhereToConnect']>>,
  ): Promise<Session | undefined> {
    const store = this.#store;
    switch (destination.kind) {
      case 'emulator':
        return this.#loginToEmulator('embedded emulator');
      case 'profile': {
        const entry = store?.ok ? store.file.profiles[destination.name] : undefined;
        if (!entry) throw new UsageError(`No profile named "${destination.name}".`);
        const secret = this.#opts.env[ENV_CLIENT_SECRET]?.trim() || undefined;
        const source = `profile "${destination.name}"${secret ? ` + ${ENV_CLIENT_SECRET}` : ''}`;
        return this.#clientLoop(
          { url: entry.url, clientId: entry.client_id, clientSecret: secret },
          source,
          { offerProfile: false },
        );
      }
      case 'url':
        return this.#clientLoop({}, 'questions', { offerProfile: true });
      case 'admin':
        return this.#adminFlow();
    }
  }

  /** Asks what is missing, tries, and on a fixable failure asks again (up to MAX_TRIES). */
  async #clientLoop(
    known: {
      url?: string | undefined;
      clientId?: string | undefined;
      clientSecret?: string | undefined;
    },
    source: string,
    options: { offerProfile: boolean },
  ): Promise<Session> {
    let { url, clientId, clientSecret } = known;
    let asked = false;
    let need = {
      url: url === undefined,
      clientId: clientId === undefined,
      secret: clientSecret === undefined,
    };
    for (let attempt = 1; ; attempt += 1) {
      if (need.url || need.clientId || need.secret) {
        const { q, asker } = await this.#ask();
        asked = true;
        if (need.url) url = await q.askDataCenterUrl(asker, url);
        if (need.clientId) clientId = await q.askClientId(asker, clientId);
        if (need.secret) clientSecret = await q.askClientSecret(asker);
      }
      const target = { url, clientId, clientSecret };
      if (!isTarget(target))
        throw new UsageError('The login needs a URL, a client id and a secret.');
      this.#secrets.add(target.clientSecret);
      let session: Session;
      try {
        session = await this.#connect(target, asked ? withQuestions(source) : source);
      } catch (error) {
        const retry = retryKind(error);
        if (retry === undefined) throw error;
        this.#print(this.#sentence(error, target.url));
        if (attempt >= MAX_TRIES) {
          throw new LoginFailedError(`Login failed ${MAX_TRIES} times; stopping.`, error);
        }
        need =
          retry === 'credentials'
            ? { url: false, clientId: true, secret: true }
            : { url: true, clientId: false, secret: false };
        continue;
      }
      if (asked && options.offerProfile) await this.#offerProfileOrClose(session);
      return session;
    }
  }

  /** The administrator's way; undefined when the platform says it cannot work for that account. */
  async #adminFlow(): Promise<Session | undefined> {
    const { q, asker } = await this.#ask();
    let url: string | undefined;
    let adminLogin: string | undefined;
    let adminPassword = '';
    let need = { url: true, credentials: true };
    let me: Awaited<ReturnType<typeof getMe>> | undefined;
    let baseUrl = '';
    for (let attempt = 1; me === undefined; attempt += 1) {
      if (need.url) url = await q.askDataCenterUrl(asker, url);
      if (need.credentials) {
        adminLogin = await q.askAdminLogin(asker, adminLogin);
        adminPassword = await q.askAdminPassword(asker);
        this.#secrets.add(adminPassword);
      }
      try {
        baseUrl = normaliseDataCenterUrl(url ?? '').baseUrl;
        me = await getMe({
          url: baseUrl,
          login: adminLogin ?? '',
          password: adminPassword,
          ...this.#requestOptions(),
        });
      } catch (error) {
        if (refusedForTwoFactor(error)) {
          this.#print(this.#secrets.redact(twoFactorSentence(error, hostOf(url))));
          return undefined;
        }
        const retry = adminRetryKind(error);
        if (retry === undefined) throw error;
        this.#print(
          error instanceof ApiError && error.status === 401
            ? `${hostOf(url)} refused the administrator's login or password.`
            : this.#sentence(error, url),
        );
        if (attempt >= MAX_TRIES) {
          throw new LoginFailedError(`Login failed ${MAX_TRIES} times; stopping.`, error);
        }
        need = { url: retry === 'location', credentials: retry === 'credentials' };
      }
    }
    const created = await createApiClient({
      url: baseUrl,
      login: adminLogin ?? '',
      password: adminPassword,
      tenantId: me.tenant_id,
      name: clientName(),
      ...this.#requestOptions(),
    });
    // The one place a secret is shown: printed raw, once, then masked like every other.
    this.#print(`Created the API client "${created.data?.client_name ?? 'tenant-shell'}".`);
    this.#print(`  client id:     ${created.client_id}`);
    const line = `  client secret: ${created.client_secret}`;
    if (this.#opts.showSecretOnce) await this.#opts.showSecretOnce(line);
    else this.#opts.print(line);
    this.#print(
      `The secret is shown only this once: store it in a secret manager, or set ${ENV_CLIENT_SECRET} to it for the next start.`,
    );
    this.#secrets.add(created.client_secret);
    const session = await this.#connect(
      { url: baseUrl, clientId: created.client_id, clientSecret: created.client_secret },
      "questions (new API client created with an administrator's login)",
    );
    await this.#offerProfileOrClose(session);
    return session;
  }

  async #loginToEmulator(source: string): Promise<Session> {
    const start =
      this.#opts.startEmulator ??
      (async () => {
        // Loaded only when asked for, so a normal start does not pay for the emulator.
        const { startEmulator } = await import('../emulator/index.ts');
        return (await startEmulator({ port: 0 })) as EmulatorHandle;
      });
    const emulator = await start();
    this.#secrets.add(emulator.client_secret);
    try {
      const session = await this.#connect(
        {
          url: emulator.base_url ?? emulator.url,
          clientId: emulator.client_id,
          clientSecret: emulator.client_secret,
        },
        source,
        'emulator',
      );
      return { ...session, emulator: { close: () => emulator.close() } };
    } catch (error) {
      await emulator.close().catch(() => undefined);
      throw error;
    }
  }

  /** Options shared by every client the login makes (and the signal, for one-off calls). */
  #requestOptions(): {
    signal?: AbortSignal;
    userAgent?: string;
    timeoutMs?: number;
    connectTimeoutMs?: number;
  } {
    const { userAgent, timeoutMs, connectTimeoutMs } = this.#opts;
    return {
      ...(this.#signal !== undefined && { signal: this.#signal }),
      ...(userAgent !== undefined && { userAgent }),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
    };
  }

  /** Gets a token, then the API client's tenant (and that tenant's name and kind). */
  async #connect(target: Target, source: string, label?: string): Promise<Session> {
    const { origin, baseUrl, host } = normaliseDataCenterUrl(target.url);
    const { signal, ...clientOptions } = this.#requestOptions();
    const client = await PlatformClient.connect(
      {
        url: baseUrl,
        credentials: {
          kind: 'client',
          clientId: target.clientId,
          clientSecret: target.clientSecret,
        },
        ...clientOptions,
      },
      signal,
    );
    for (const notice of client.takeNotices()) this.#print(notice);
    try {
      const info = await getClientInfo(client, target.clientId, this.#signal);
      const session: Session = {
        client,
        dataCenter: { url: origin, baseUrl, label: label ?? host },
        clientId: target.clientId,
        tenantId: info.tenant_id,
        source,
      };
      if (this.#opts.describeTenant === false) return session;
      try {
        const tenant = await getTenant(client, info.tenant_id, this.#signal);
        session.tenantName = tenant.name;
        session.tenantKind = tenant.kind;
      } catch (error) {
        // The name is only for the prompt: a client without read rights on its own tenant
        // still logs in.
        if (error instanceof CancelledError) throw error;
      }
      return session;
    } catch (error) {
      await Promise.resolve(client.close()).catch(() => undefined);
      throw error;
    }
  }

  /** Offers the profile; Ctrl+C there cancels the login, so the new client is closed. */
  async #offerProfileOrClose(session: Session): Promise<void> {
    try {
      await this.#offerProfile(session);
    } catch (error) {
      await Promise.resolve(session.client.close()).catch(() => undefined);
      throw error;
    }
  }

  async #offerProfile(session: Session): Promise<void> {
    const store = this.#store ?? (await loadProfiles(this.#opts.env));
    if (store.ok) {
      const same = Object.values(store.file.profiles).some(
        (p) => sameUrl(p.url, session.dataCenter.url) && p.client_id === session.clientId,
      );
      if (same) return;
    }
    const { q, asker } = await this.#ask();
    const name = await q.askSaveProfile(asker, session.dataCenter.label.replace(/:/g, '-'));
    if (name === undefined) return;
    try {
      const saved = await saveProfile(
        name,
        { url: session.dataCenter.url, client_id: session.clientId },
        { env: this.#opts.env },
      );
      this.#print(
        `Saved profile "${name}" in ${saved.path}${saved.isDefault ? ' (the default)' : ''}; next time: --profile ${name} with ${ENV_CLIENT_SECRET} set.`,
      );
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      this.#print(this.#sentence(error));
    }
  }
}

/**
 * One sentence for a failure the user can fix by answering again. The client's own messages
 * are kept where they are one sentence; a reply that is not the platform's (an HTML page, a
 * 404, another JSON shape) is said plainly instead of quoting the body.
 */
export function failureSentence(error: unknown, url?: string): string {
  const host = hostOf(url);
  if (error instanceof NotJsonError) {
    return `${host} answered with ${error.contentType?.split(';')[0] ?? 'no content type'} instead of the platform's JSON: check the data center URL.`;
  }
  if (error instanceof ApiError && error.status === 404) {
    return `${host} has no platform API at ${API_PATH} (404): check the data center URL.`;
  }
  if (error instanceof SchemaError) {
    return `${host} answered, but not the way the platform's API does: check the data center URL.`;
  }
  return error instanceof Error ? error.message : String(error);
}

function hostOf(url: string | undefined): string {
  try {
    if (url !== undefined) return normaliseDataCenterUrl(url).host;
  } catch {
    // The URL itself is the problem: the error says so.
  }
  return 'That address';
}

/**
 * Basic authentication refused because the account has 2FA on (the platform's code 1037, or a
 * message saying so): no password will do, so asking again is pointless.
 */
function refusedForTwoFactor(error: unknown): error is ApiError {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) return false;
  return (
    error.platformCode === '1037' ||
    /two-factor|2fa|\bmfa\b|totp/i.test(error.platformMessage ?? '')
  );
}

/** The platform's reason, and the two ways that work for an account with 2FA. */
function twoFactorSentence(error: ApiError, host: string): string {
  const said = (error.platformMessage ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return `${host} refused the administrator's login${said ? ` and said: "${said}"` : ' because 2FA is on for it'}; an account with 2FA cannot log in with a password alone: choose an API client instead (create one in the Management Portal under Settings > API clients), or a service account, which logs in without 2FA.`;
}

function adminRetryKind(error: unknown): Retry | undefined {
  // Basic auth refused on /users/me: the login or password is wrong.
  if (error instanceof ApiError && error.status === 401) return 'credentials';
  return retryKind(error);
}

function isTarget(value: {
  url?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}): value is Target {
  return (
    value.url !== undefined && value.clientId !== undefined && value.clientSecret !== undefined
  );
}

function withQuestions(source: string): string {
  if (source === '' || source.endsWith('questions')) return source || 'questions';
  return `${source} + questions`;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return normaliseDataCenterUrl(a).origin === normaliseDataCenterUrl(b).origin;
  } catch {
    return false;
  }
}

function clientName(): string {
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `tenant-shell ${stamp}`;
}
