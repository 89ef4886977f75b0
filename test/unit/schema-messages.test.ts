// zod/mini ships no locale: src/schemas/zod.ts sets English. These are the sentences users and
// the emulator's 400 replies see; without the locale they degrade to a bare "Invalid input".
import { describe, expect, it } from 'vitest';
import { checked } from '../../src/api/args.ts';
import { describeIssues } from '../../src/emulator/context.ts';
import {
  MfaToggleRequest,
  PricingPutRequest,
  TenantCreateRequest,
  UserCreateRequest,
} from '../../src/schemas/index.ts';

const PARENT = 'ede9f834-70b3-476c-83d9-736f9f8c7dae';

function firstIssue(schema: { safeParse(v: unknown): { error?: unknown } }, value: unknown) {
  const { error } = schema.safeParse(value);
  if (!error) throw new Error('expected the value to be rejected');
  return describeIssues(error as Parameters<typeof describeIssues>[0]);
}

describe('schema messages are English', () => {
  it('a helper argument that is too long says the limit', () => {
    expect(() =>
      checked('createTenant', TenantCreateRequest, {
        name: 'x'.repeat(256),
        kind: 'customer',
        parent_id: PARENT,
      }),
    ).toThrow('createTenant: name: Too big: expected string to have <=255 characters.');
  });

  it("the emulator's 400 sentences name the field and what was expected", () => {
    expect(firstIssue(MfaToggleRequest, { enabled: 'yes' })).toBe(
      'enabled: expected boolean, received string',
    );
    expect(firstIssue(PricingPutRequest, { version: 1, mode: 'free' })).toBe(
      'mode: Invalid option: expected one of "trial"|"production"|"suspended"',
    );
    expect(
      firstIssue(UserCreateRequest, { tenant_id: PARENT, login: 'ann', contact: { email: 'x' } }),
    ).toBe('contact.email: Invalid email address');
  });

  it("the schemas' own words stay as written", () => {
    expect(() =>
      checked('createUser', UserCreateRequest, {
        tenant_id: PARENT,
        login: 'a b',
        contact: { email: 'a@b.co' },
      }),
    ).toThrow(
      "createUser: login: 3 to 255 characters: letters, digits and . @ _ - + : ! # $ % ^ * = { } ' ` / ? only.",
    );
  });
});
