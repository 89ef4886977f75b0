import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { AuthError } from '../../src/api/errors.ts';
import {
  MASK,
  maskAuthorization,
  maskSecret,
  Redactor,
  redactBody,
  redactHeaders,
} from '../../src/api/redact.ts';
import { defineCredentials } from '../../src/api/token.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  fakeJwt,
  sendJson,
  startServer,
  TENANT_ID,
  type TestServer,
  tokenEndpoint,
} from './api-test-server.ts';

describe('maskSecret', () => {
  it('keeps the public JWT header prefix, as the seed page shows it', () => {
    expect(maskSecret(fakeJwt(1))).toBe('eyJ0eXAiOiJKV1Qi…');
    expect(maskAuthorization(`Bearer ${fakeJwt(1)}`)).toBe('Bearer eyJ0eXAiOiJKV1Qi…');
    expect(maskSecret(`Bearer ${fakeJwt(1)}`)).toBe('Bearer eyJ0eXAiOiJKV1Qi…');
  });
  it('keeps little of opaque secrets and nothing of short ones', () => {
    expect(maskSecret('a'.repeat(64))).toBe(`${'a'.repeat(4)}…`);
    expect(maskSecret(CLIENT_SECRET)).toBe('sEcR…');
    expect(maskSecret('hunter22')).toBe(MASK);
    expect(maskSecret('')).toBe(MASK);
    expect(maskSecret(undefined)).toBe(MASK);
  });
});

describe('redactHeaders', () => {
  it('masks Bearer and Basic credentials and leaves the rest', () => {
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const input = { Authorization: `Bearer ${fakeJwt(2)}`, 'content-type': 'application/json' };
    expect(redactHeaders(input)).toEqual({
      Authorization: 'Bearer eyJ0eXAiOiJKV1Qi…',
      'content-type': 'application/json',
    });
    expect(redactHeaders({ authorization: basic })).toEqual({ authorization: `Basic ${MASK}` });
    expect(redactHeaders({ cookie: 'sid=abc' })).toEqual({ cookie: MASK });
    expect(input.Authorization).toContain('.'); // untouched
  });
});

describe('redactBody', () => {
  it('masks secret-named keys anywhere', () => {
    const body = {
      access_token: fakeJwt(3),
      nested: [{ client_secret: CLIENT_SECRET, name: 'x' }],
      password: 'pw123456',
    };
    const out = JSON.stringify(redactBody(body));
    expect(out).not.toContain(CLIENT_SECRET);
    expect(out).not.toContain(fakeJwt(3));
    expect(out).not.toContain('pw123456');
    expect(out).toContain('"name":"x"');
  });
});

describe('Redactor', () => {
  it('replaces every known secret, its URL-encoded form and its Basic form', () => {
    const r = new Redactor().addBasic(CLIENT_ID, CLIENT_SECRET).add(fakeJwt(4), 'p@ss word!');
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const text = `secret=${CLIENT_SECRET} token ${fakeJwt(4)} form password=${encodeURIComponent('p@ss word!')} raw p@ss word! hdr ${basic} id ${CLIENT_ID}`;
    const out = r.redact(text);
    for (const s of [
      CLIENT_SECRET,
      fakeJwt(4),
      'p@ss word!',
      encodeURIComponent('p@ss word!'),
      basic,
    ]) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain(CLIENT_ID); // not a secret
  });
  it('masks Authorization values it was never told about', () => {
    expect(
      new Redactor().redact('Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'),
    ).toBe('Authorization: Bearer abcd…');
    expect(new Redactor().redact('Basic dXNlcjpwYXNz')).toBe(`Basic ${MASK}`);
  });
  it('does not mangle already masked text', () => {
    expect(new Redactor().redact('Bearer eyJ0eXAiOiJKV1Qi…')).toBe('Bearer eyJ0eXAiOiJKV1Qi…');
  });
  it('prints no secret itself', () => {
    const r = new Redactor().add(CLIENT_SECRET);
    expect(inspect(r)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(r)).not.toContain(CLIENT_SECRET);
  });
});

describe('secrets never show through the client', () => {
  let server: TestServer;
  let client: PlatformClient;
  const issue = { count: 0 };

  beforeEach(async () => {
    server = await startServer((req, res) => {
      if (tokenEndpoint(req, res, issue)) return;
      if (req.url?.includes('/fail')) {
        sendJson(res, 401, { error: { code: '401', message: 'Unauthorized' } });
        return;
      }
      sendJson(res, 200, { id: TENANT_ID });
    });
    client = await PlatformClient.connect({
      url: server.url,
      credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });

  const token = () => fakeJwt(issue.count);

  it('auth spreads with the real value but prints masked', () => {
    const auth = client.auth;
    expect({ ...auth }).toEqual({ Authorization: `Bearer ${token()}` });
    expect(Object.keys(auth)).toEqual(['Authorization']);
    expect(auth.Authorization).toBe(`Bearer ${token()}`);
    for (const shown of [
      inspect(auth),
      JSON.stringify(auth),
      String(auth),
      `${auth}`,
      inspect({ auth }, { depth: 5 }),
    ]) {
      expect(shown).not.toContain(token());
      expect(shown).toContain('Bearer eyJ0eXAiOiJKV1Qi…');
    }
  });

  it('util.inspect and JSON.stringify of the client show no secret or token', () => {
    for (const shown of [inspect(client, { depth: 10 }), JSON.stringify(client), String(client)]) {
      expect(shown).not.toContain(CLIENT_SECRET);
      expect(shown).not.toContain(token());
    }
    expect(inspect(client)).toContain(CLIENT_ID);
  });

  it('credentials print masked but stay usable', () => {
    const c = defineCredentials({
      kind: 'client',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    expect(c.clientSecret).toBe(CLIENT_SECRET);
    for (const shown of [inspect(c), JSON.stringify(c), String(c)])
      expect(shown).not.toContain(CLIENT_SECRET);
  });

  it('errors carry no token, even inspected with their cause', async () => {
    const error = await client.request('GET', '/fail').catch((e: unknown) => e);
    expect(error).toBeDefined();
    const shown = inspect(error, { depth: 10, showHidden: true });
    expect(shown).not.toContain(token());
    expect(shown).not.toContain(CLIENT_SECRET);
  });

  it('a wrong secret is not echoed by the AuthError', async () => {
    const wrong = 'Wr0ng-secret-that-must-not-leak-1234';
    const error = await PlatformClient.connect({
      url: server.url,
      credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: wrong },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(wrong);
  });

  it('a secret in a body sent as JSON text is learnt and masked, as in a JSON value', async () => {
    const records: unknown[] = [];
    client.onCall((r) => records.push(r));
    const password = 'Text-Body-Passw0rd-99';
    const text = JSON.stringify({ password }, null, 4);
    await client.raw('POST', '/users/u/password', { text });
    const shown = JSON.stringify(records);
    expect(shown).toContain('/users/u/password');
    expect(shown).not.toContain(password);
    // Learnt: the same password elsewhere later is masked too.
    expect(client.redactor.redact(`typed ${password}`)).not.toContain(password);
  });

  it('the token call is recorded with the secrets masked', async () => {
    const records: unknown[] = [];
    const c2 = new PlatformClient({
      url: server.url,
      credentials: { kind: 'password', username: 'admin', password: 'pa55word-long!' },
    });
    c2.onCall((r) => records.push(r));
    await c2.ensureToken().catch(() => {});
    await c2.close();
    const shown = JSON.stringify(records);
    expect(shown).toContain('"grant_type":"password"');
    expect(shown).not.toContain('pa55word-long!');
  });
});
