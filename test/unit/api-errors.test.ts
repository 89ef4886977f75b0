import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { getTenantMfa, search, setTenantMfaRaw } from '../../src/api/endpoints.ts';
import {
  ApiError,
  AuthError,
  NotJsonError,
  SchemaError,
  TenantShellError,
  UsageError,
} from '../../src/api/errors.ts';
import { explain, HTTP_STATUSES, PLATFORM_CODES } from '../../src/api/explain.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Handler,
  sendJson,
  startServer,
  TENANT_ID,
  type TestServer,
  tokenEndpoint,
} from './api-test-server.ts';

let server: TestServer;
let client: PlatformClient;
let reply: Handler;
const issue = { count: 0 };

beforeEach(async () => {
  reply = (_req, res) => sendJson(res, 200, {});
  server = await startServer((req, res, body) => {
    if (tokenEndpoint(req, res, issue)) return;
    reply(req, res, body);
  });
  client = await PlatformClient.connect({
    url: server.url,
    credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    retry: { sleep: async () => {} },
  });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

async function failure(p: Promise<unknown>): Promise<TenantShellError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TenantShellError);
    return e as TenantShellError;
  }
  throw new Error('expected a failure');
}

describe('error envelope -> ApiError', () => {
  it('keeps status, platform code, message, domain, context and details, and explains', async () => {
    reply = (_req, res) =>
      sendJson(res, 409, {
        error: {
          code: '1001',
          message: 'Version mismatch',
          details: { info: 'expected 3' },
          domain: 'PlatformAccountServer',
          context: { tenant_id: TENANT_ID },
        },
      });
    const e = (await failure(
      client.request('PUT', `/tenants/${TENANT_ID}`, { json: { version: 2 } }),
    )) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('E_API');
    expect(e.status).toBe(409);
    expect(e.platformCode).toBe('1001');
    expect(e.platformMessage).toBe('Version mismatch');
    expect(e.domain).toBe('PlatformAccountServer');
    expect(e.context).toEqual({ tenant_id: TENANT_ID });
    expect(e.details).toEqual({ info: 'expected 3' });
    expect(e.message).toBe(
      `PUT /api/2/tenants/${TENANT_ID} answered 409 conflict, version mismatch (code 1001): Version mismatch`,
    );
    expect(e.explanation.next).toMatch(/Re-read the object/);
    expect(e.hint).toBe(e.explanation.next);
  });

  it('accepts a numeric code and normalises it', async () => {
    reply = (_req, res) => sendJson(res, 409, { error: { code: 1004, message: 'Name taken' } });
    const e = (await failure(client.request('POST', '/tenants', { json: {} }))) as ApiError;
    expect(e.platformCode).toBe('1004');
    expect(e.explanation.meaning).toMatch(/name is taken/);
  });

  it('explains a 403 on a unit’s 2FA as inheritance', async () => {
    reply = (_req, res) =>
      sendJson(res, 403, {
        error: {
          code: '1002',
          message: 'Units inherit two-factor authentication from their parent',
        },
      });
    const raw = await setTenantMfaRaw(client, TENANT_ID, true);
    expect(raw.status_code).toBe(403);
    expect(raw.ok).toBe(false);
    const e = (await failure(Promise.resolve().then(() => raw.parse()))) as ApiError;
    expect(e.explanation.meaning).toMatch(/inherit it from their customer/);
    expect(e.hint).toMatch(/customer/);
  });

  it('explains a 403 with an id as missing or outside the tree', () => {
    const x = explain({
      status: 403,
      method: 'GET',
      path: `/api/2/tenants/${TENANT_ID}`,
      platformCode: '1002',
    });
    expect(x.cause).toMatch(/does not exist, or it is outside the API client’s tenant tree/);
  });

  it('tells a 401 right after login from an expired token', () => {
    const fresh = explain({ status: 401, method: 'GET', path: '/api/2/x', tokenAgeMs: 2_000 });
    expect(fresh.next).toMatch(/data center URL/);
    const old = explain({ status: 401, method: 'GET', path: '/api/2/x', tokenAgeMs: 3_600_000 });
    expect(old.cause).toMatch(/expired/);
  });

  it('covers every documented platform code and status', () => {
    for (let code = 1000; code <= 1035; code++)
      expect(PLATFORM_CODES[String(code)]?.title).toBeTruthy();
    for (const s of [400, 401, 403, 404, 405, 409, 415, 429, 500, 502, 503, 504])
      expect(HTTP_STATUSES[s]).toBeDefined();
    expect(explain({ status: 400, method: 'PUT', path: '/x', platformCode: '1027' }).cause).toMatch(
      /partner tenants in production/,
    );
    expect(explain({ status: 415, method: 'PUT', path: '/x' }).next).toMatch(/Content-Type/);
    expect(explain({ status: 503, method: 'GET', path: '/x' }).cause).toMatch(/Service trouble/);
    expect(explain({ status: 418, method: 'GET', path: '/x' }).meaning).toMatch(/418/);
  });

  it('maps an error without an envelope to an ApiError with the status alone', async () => {
    reply = (_req, res) => sendJson(res, 404, { message: 'nope' });
    const e = (await failure(client.request('GET', '/nowhere'))) as ApiError;
    expect(e.status).toBe(404);
    expect(e.platformCode).toBeUndefined();
  });
});

describe('token endpoint errors -> AuthError', () => {
  it('turns invalid_client into "wrong client id or secret"', async () => {
    const e = await failure(
      PlatformClient.connect({
        url: server.url,
        credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: 'wrong-secret-123456' },
      }),
    );
    expect(e).toBeInstanceOf(AuthError);
    expect(e.code).toBe('E_AUTH');
    expect((e as AuthError).oauthError).toBe('invalid_client');
    expect(e.message).toMatch(/client id or secret is wrong/);
    expect(e.hint).toMatch(/data center/);
    expect(e.message).not.toContain('wrong-secret-123456');
  });
});

describe('not JSON -> NotJsonError', () => {
  it('names the status and the start of the body', async () => {
    const page = `<!DOCTYPE html><html><head><title>Proxy Authentication Required</title></head><body>${'x'.repeat(500)}</body></html>`;
    reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    };
    const e = (await failure(client.request('GET', '/tenants/x'))) as NotJsonError;
    expect(e).toBeInstanceOf(NotJsonError);
    expect(e.code).toBe('E_NOT_JSON');
    expect(e.status).toBe(200);
    expect(e.message).toMatch(/does not look like the platform's API/);
    expect(e.bodyStart).toMatch(/^<!DOCTYPE html><html><head><title>Proxy Authentication Required/);
    expect(e.bodyStart.length).toBeLessThanOrEqual(200);
  });

  it('also for an error status', async () => {
    reply = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    const e = await failure(client.request('POST', '/tenants', { json: {} }));
    expect(e).toBeInstanceOf(NotJsonError);
    expect(e.message).toMatch(/answered 502 with text\/html/);
  });
});

describe('schema mismatch -> SchemaError', () => {
  it('names the field and what was expected', async () => {
    reply = (_req, res) =>
      sendJson(res, 200, {
        mfa_status: 'on',
        users_count: 1,
        users_with_totp_enabled_count: 0,
        update_allowed: true,
      });
    const e = (await failure(getTenantMfa(client, TENANT_ID))) as SchemaError;
    expect(e).toBeInstanceOf(SchemaError);
    expect(e.code).toBe('E_SCHEMA');
    expect(e.issues[0]).toEqual({
      path: 'mfa_status',
      problem: 'expected one of enabled|disabled|disable_in_progress (got "on")',
    });
    expect(e.message).toContain('mfa_status: expected one of enabled|disabled|disable_in_progress');
    expect(e.message).not.toMatch(/ZodError|"code":/);
  });

  it('names nested paths and missing fields', async () => {
    reply = (_req, res) =>
      sendJson(res, 200, { items: [{ obj_type: 'tenant', id: TENANT_ID }, { obj_type: 'group' }] });
    const e = (await failure(search(client, { tenant: TENANT_ID, text: 'north' }))) as SchemaError;
    expect(e.issues.map((i) => i.path)).toEqual(['items[1].obj_type', 'items[1].id']);
    expect(e.issues[1]?.problem).toBe('missing (expected string)');
    expect(e.message).toMatch(/\(and 1 more\)$/);
  });

  it('accepts both spellings of the 2FA counts', async () => {
    reply = (_req, res) =>
      sendJson(res, 200, {
        mfa_status: 'enabled',
        users: 3,
        users_with_totp_enabled: 1,
        update_allowed: true,
      });
    expect(await getTenantMfa(client, TENANT_ID)).toEqual({
      mfa_status: 'enabled',
      users_count: 3,
      users_with_totp_enabled_count: 1,
      update_allowed: true,
    });
  });

  it('reports an empty reply where a body was expected', async () => {
    reply = (_req, res) => {
      res.writeHead(200);
      res.end();
    };
    const e = (await failure(getTenantMfa(client, TENANT_ID))) as SchemaError;
    expect(e.issues[0]?.problem).toMatch(/empty/);
  });
});

describe('arguments -> UsageError', () => {
  it('checks ids and texts before sending anything', async () => {
    const before = server.requests.length;
    await expect(getTenantMfa(client, 'not-a-uuid')).rejects.toBeInstanceOf(UsageError);
    await expect(search(client, { tenant: TENANT_ID, text: 'ab' })).rejects.toThrow(
      /at least 3 characters/,
    );
    await expect(client.request('GET', 'https://evil.example.com/api/2/tenants')).rejects.toThrow(
      /Refusing to send the token/,
    );
    expect(server.requests.length).toBe(before);
  });
});
