import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/emulator/errors.ts';
import { Router } from '../../src/emulator/router.ts';

const ID = '0fcd4a69-8a40-4de8-b711-d9c83dc000f7';

describe('router', () => {
  const router = new Router<string>()
    .add('GET', '/tenants/:id', 'get')
    .add('PUT', '/tenants/:id', 'put')
    .add('GET', '/users/me', 'me')
    .add('GET', '/users/:id', 'user');

  it('matches methods and UUID params', () => {
    expect(router.match('GET', `/tenants/${ID.toUpperCase()}`)).toEqual({
      handler: 'get',
      params: { id: ID },
    });
    expect(router.match('GET', '/users/me').handler).toBe('me');
  });

  const failure = (method: string, path: string) => {
    try {
      router.match(method, path);
    } catch (error) {
      return error as HttpError;
    }
    throw new Error('matched');
  };

  it('answers 404 for unknown paths and non-UUID ids, 405 with Allow for wrong methods', () => {
    expect(failure('GET', '/tenants/abc').status).toBe(404);
    expect(failure('GET', '/nothing').status).toBe(404);
    const wrong = failure('DELETE', `/tenants/${ID}`);
    expect(wrong).toBeInstanceOf(HttpError);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.Allow).toBe('GET, PUT');
  });
});
