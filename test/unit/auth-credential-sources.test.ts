import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import {
  type AuthFlags,
  type Env,
  type IncompleteCredentials,
  missingCredentialsMessage,
  type ProfileInput,
  resolveCredentials,
  SECRET_FLAG_REFUSAL,
} from '../../src/auth/credential-sources.ts';

const URL_FLAG = 'https://flag.example.com';
const URL_ENV = 'https://env.example.com';
const URL_PROFILE = 'https://profile.example.com';
const FULL_ENV: Env = {
  TENANT_SHELL_URL: URL_ENV,
  TENANT_SHELL_CLIENT_ID: 'id-env',
  TENANT_SHELL_CLIENT_SECRET: 'secret-env',
};
const profile = (explicit: boolean): ProfileInput => ({
  name: 'eu2',
  url: URL_PROFILE,
  client_id: 'id-profile',
  explicit,
});

interface Row {
  name: string;
  flags?: AuthFlags;
  env?: Env;
  profile?: ProfileInput;
  expected: {
    complete: boolean;
    url?: string;
    clientId?: string;
    clientSecret?: string;
    source: string;
    missing?: string[];
    targetGiven?: boolean;
  };
}

const table: Row[] = [
  {
    name: 'nothing anywhere',
    expected: {
      complete: false,
      source: '',
      missing: ['url', 'clientId', 'clientSecret'],
      targetGiven: false,
    },
  },
  {
    name: 'environment alone',
    env: FULL_ENV,
    expected: {
      complete: true,
      url: URL_ENV,
      clientId: 'id-env',
      clientSecret: 'secret-env',
      source: 'TENANT_SHELL_URL + TENANT_SHELL_CLIENT_ID + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: 'flags beat the environment, the secret still from it',
    flags: { url: URL_FLAG, clientId: 'id-flag' },
    env: FULL_ENV,
    expected: {
      complete: true,
      url: URL_FLAG,
      clientId: 'id-flag',
      clientSecret: 'secret-env',
      source: '--url + --client-id + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: 'flags without a secret anywhere',
    flags: { url: URL_FLAG, clientId: 'id-flag' },
    expected: {
      complete: false,
      url: URL_FLAG,
      clientId: 'id-flag',
      source: '--url + --client-id',
      missing: ['clientSecret'],
      targetGiven: true,
    },
  },
  {
    name: 'default profile + secret from the environment',
    env: { TENANT_SHELL_CLIENT_SECRET: 'secret-env' },
    profile: profile(false),
    expected: {
      complete: true,
      url: URL_PROFILE,
      clientId: 'id-profile',
      clientSecret: 'secret-env',
      source: 'profile "eu2" + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: 'environment beats the default profile',
    env: FULL_ENV,
    profile: profile(false),
    expected: {
      complete: true,
      url: URL_ENV,
      clientId: 'id-env',
      clientSecret: 'secret-env',
      source: 'TENANT_SHELL_URL + TENANT_SHELL_CLIENT_ID + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: 'an explicit --profile beats the environment',
    env: FULL_ENV,
    profile: profile(true),
    expected: {
      complete: true,
      url: URL_PROFILE,
      clientId: 'id-profile',
      clientSecret: 'secret-env',
      source: 'profile "eu2" + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: '--url beats an explicit profile, whose client id still counts',
    flags: { url: URL_FLAG },
    env: { TENANT_SHELL_CLIENT_SECRET: 'secret-env' },
    profile: profile(true),
    expected: {
      complete: true,
      url: URL_FLAG,
      clientId: 'id-profile',
      clientSecret: 'secret-env',
      source: '--url + profile "eu2" + TENANT_SHELL_CLIENT_SECRET',
    },
  },
  {
    name: 'a default profile alone: no secret, no target given',
    profile: profile(false),
    expected: {
      complete: false,
      url: URL_PROFILE,
      clientId: 'id-profile',
      source: 'profile "eu2"',
      missing: ['clientSecret'],
      targetGiven: false,
    },
  },
  {
    name: 'an explicit profile alone: the target is given',
    profile: profile(true),
    expected: {
      complete: false,
      url: URL_PROFILE,
      clientId: 'id-profile',
      source: 'profile "eu2"',
      missing: ['clientSecret'],
      targetGiven: true,
    },
  },
  {
    name: 'blank values count as absent',
    flags: { url: '  ', clientId: '' },
    env: { TENANT_SHELL_URL: '', TENANT_SHELL_CLIENT_SECRET: ' ' },
    expected: {
      complete: false,
      source: '',
      missing: ['url', 'clientId', 'clientSecret'],
      targetGiven: false,
    },
  },
  {
    name: 'only a secret in the environment',
    env: { TENANT_SHELL_CLIENT_SECRET: 'secret-env' },
    expected: {
      complete: false,
      clientSecret: 'secret-env',
      source: 'TENANT_SHELL_CLIENT_SECRET',
      missing: ['url', 'clientId'],
      targetGiven: false,
    },
  },
];

describe('resolveCredentials precedence', () => {
  it.each(table)('$name', (row) => {
    const result = resolveCredentials({
      flags: row.flags ?? {},
      env: row.env ?? {},
      profile: row.profile,
    });
    expect(result).toMatchObject(row.expected);
    if (!row.expected.complete) {
      for (const field of ['url', 'clientId', 'clientSecret'] as const) {
        if (!(field in row.expected)) expect(result).not.toHaveProperty(field);
      }
    }
  });

  it('refuses a secret given as a flag, pointing to the variable', () => {
    const call = () =>
      resolveCredentials({ flags: { clientSecret: 'hunter2-secret' }, env: FULL_ENV });
    expect(call).toThrow(UsageError);
    expect(call).toThrow(SECRET_FLAG_REFUSAL);
    expect(SECRET_FLAG_REFUSAL).toContain('TENANT_SHELL_CLIENT_SECRET');
    try {
      call();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2-secret');
    }
  });
});

describe('missingCredentialsMessage', () => {
  it('names the flags, the variables, --profile and --emulator when nothing is set', () => {
    const result = resolveCredentials({ flags: {}, env: {} }) as IncompleteCredentials;
    expect(missingCredentialsMessage(result)).toBe(
      'No credentials: pass --url and --client-id and set TENANT_SHELL_CLIENT_SECRET, use --profile NAME, or --emulator.',
    );
  });

  it('says what was found and what is still missing', () => {
    const result = resolveCredentials({
      flags: { url: URL_FLAG, clientId: 'id-flag' },
      env: {},
    }) as IncompleteCredentials;
    expect(missingCredentialsMessage(result)).toBe(
      'Incomplete credentials (found: --url + --client-id): also set TENANT_SHELL_CLIENT_SECRET, or use --emulator.',
    );
  });

  it('lists two missing values with "and"', () => {
    const result = resolveCredentials({
      flags: {},
      env: { TENANT_SHELL_CLIENT_SECRET: 's3cr3t-value' },
    }) as IncompleteCredentials;
    const message = missingCredentialsMessage(result);
    expect(message).toBe(
      'Incomplete credentials (found: TENANT_SHELL_CLIENT_SECRET): also set --url (or TENANT_SHELL_URL) and --client-id (or TENANT_SHELL_CLIENT_ID), or use --emulator.',
    );
    expect(message).not.toContain('s3cr3t-value');
  });
});

describe('authFlagsFromArgs', () => {
  it('reads parseArgs values, keeping a secret flag only to refuse it', async () => {
    const { parseArgs } = await import('node:util');
    const { AUTH_ARG_OPTIONS, authFlagsFromArgs } = await import(
      '../../src/auth/credential-sources.ts'
    );
    const { values } = parseArgs({
      args: [
        '--url',
        'https://eu2-cloud.acronis.com',
        '--client-id',
        'abc',
        '--client-secret',
        'x',
      ],
      options: AUTH_ARG_OPTIONS,
    });
    const flags = authFlagsFromArgs(values);
    expect(flags).toMatchObject({
      url: 'https://eu2-cloud.acronis.com',
      clientId: 'abc',
      emulator: false,
    });
    expect(() => resolveCredentials({ flags, env: {} })).toThrow(SECRET_FLAG_REFUSAL);
  });
});
