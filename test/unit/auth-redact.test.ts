import { describe, expect, it } from 'vitest';
import { MASK, redact, SecretKeeper } from '../../src/api/redact.ts';

describe('redact', () => {
  it('masks the secrets it is told about, longest first', () => {
    expect(redact('secret abc123-xyz and abc123', ['abc123', 'abc123-xyz'])).toBe(
      `secret ${MASK} and ${MASK}`,
    );
  });

  it('masks what looks like a secret: JWTs, auth headers, key-like runs, assignments', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redact(`token ${jwt} here`)).toBe(`token ${MASK} here`);
    expect(redact('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${MASK}`);
    expect(redact('Basic dXNlcjpwYXNz')).toBe(`Basic ${MASK}`);
    expect(redact('grant_type=client_credentials&client_secret=s3cr3t')).toBe(
      `grant_type=client_credentials&client_secret=${MASK}`,
    );
    expect(redact('path (/9f8e7d6c5b4a39281706f5e4d3c2b1a0)')).toBe(`path (/${MASK})`);
  });

  it('leaves UUIDs, hosts and ordinary sentences readable', () => {
    const sentence =
      'Client 7c1f2a44-3b1e-4d8e-9f00-1a2b3c4d5e6f at https://eu2-cloud.acronis.com/api/2 was refused.';
    expect(redact(sentence)).toBe(sentence);
  });

  it('SecretKeeper remembers values across calls', () => {
    const keeper = new SecretKeeper();
    keeper.add('pa55', undefined, '');
    expect(keeper.redact('the password pa55 is wrong')).toBe(`the password ${MASK} is wrong`);
  });
});

describe('redact keeps request paths readable', () => {
  it('does not mask a path holding a UUID', () => {
    const text =
      'GET /api/2/tenants/7c1f2a44-3b1e-4d8e-9f00-1a2b3c4d5e6f?uuids=7c1f2a44-3b1e-4d8e-9f00-1a2b3c4d5e6f answered 404';
    expect(redact(text)).toBe(text);
  });
});

describe('redact keeps hyphenated names readable', () => {
  it('does not mask a temporary directory name', () => {
    const text = 'Saved in /tmp/tenant-shell-login-Ab12Cd/profiles.json';
    expect(redact(text)).toBe(text);
  });

  it('still masks a hex key with a dash in it', () => {
    expect(redact('key 9f8e7d6c5b4a3928-1706f5e4d3c2b1a0')).toBe(`key ${MASK}`);
  });
});
