import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { setTenantMfa } from '../../src/api/endpoints.ts';
import { type CallRecord, formatCallLines, shellQuote, toCurl } from '../../src/api/request-log.ts';
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

const base: CallRecord = {
  id: 1,
  method: 'PUT',
  path: `/api/2/tenants/${TENANT_ID}/mfa/status`,
  url: `https://eu2-cloud.acronis.com/api/2/tenants/${TENANT_ID}/mfa/status`,
  status: 200,
  durationMs: 34.4,
  tries: 1,
  retries: 0,
  auth: 'bearer',
  contentType: 'application/json',
  requestBody: { enabled: true },
  startedAt: '2025-01-01T00:00:00.000Z',
};

describe('verbose lines', () => {
  it('show the request and the answer', () => {
    expect(formatCallLines(base)).toEqual([
      `> PUT /api/2/tenants/${TENANT_ID}/mfa/status`,
      '< 200 (34 ms)',
    ]);
  });
  it('count retries and show failures without a status', () => {
    expect(formatCallLines({ ...base, retries: 2, durationMs: 812 })[1]).toBe(
      '< 200 (812 ms, 2 retries)',
    );
    expect(
      formatCallLines({
        ...base,
        status: undefined,
        error: { code: 'E_NETWORK', message: '127.0.0.1:1 refused the connection.' },
      })[1],
    ).toBe('< E_NETWORK 127.0.0.1:1 refused the connection. (34 ms)');
    expect(formatCallLines({ ...base, error: { code: 'E_SCHEMA', message: 'x' } })[1]).toBe(
      '< 200 E_SCHEMA (34 ms)',
    );
  });
});

describe('toCurl', () => {
  it('renders a bearer call with the token as a variable', () => {
    expect(toCurl(base)).toBe(
      `curl -X PUT 'https://eu2-cloud.acronis.com/api/2/tenants/${TENANT_ID}/mfa/status' -H "Authorization: Bearer $TENANT_SHELL_TOKEN" -H 'Content-Type: application/json' --data '{"enabled":true}'`,
    );
    expect(toCurl(base, { tokenVar: '$TOKEN' })).toContain('"Authorization: Bearer $TOKEN"');
  });
  it('renders the token endpoint with the client credentials as variables', () => {
    const record: CallRecord = {
      ...base,
      method: 'POST',
      path: '/api/2/idp/token',
      url: 'https://eu2-cloud.acronis.com/api/2/idp/token',
      auth: 'client',
      contentType: 'application/x-www-form-urlencoded',
      requestBody: { grant_type: 'client_credentials' },
    };
    expect(toCurl(record)).toBe(
      `curl -X POST 'https://eu2-cloud.acronis.com/api/2/idp/token' -u "$TENANT_SHELL_CLIENT_ID:$TENANT_SHELL_CLIENT_SECRET" --data-urlencode 'grant_type=client_credentials'`,
    );
  });
  it('puts variables in place of a password grant’s secrets', () => {
    const curl = toCurl({
      ...base,
      method: 'POST',
      auth: 'none',
      contentType: 'application/x-www-form-urlencoded',
      requestBody: { grant_type: 'password', username: 'admin', password: '****' },
    });
    expect(curl).toContain('--data-urlencode "password=$TENANT_SHELL_PASSWORD"');
    expect(curl).not.toContain('****');
  });
  it('a GET without a body is just the URL', () => {
    expect(toCurl({ ...base, method: 'GET', requestBody: undefined, contentType: undefined })).toBe(
      `curl 'https://eu2-cloud.acronis.com/api/2/tenants/${TENANT_ID}/mfa/status' -H "Authorization: Bearer $TENANT_SHELL_TOKEN"`,
    );
  });
  it('quotes single quotes for the shell', () => {
    expect(shellQuote("O'Brien")).toBe(`'O'\\''Brien'`);
  });
});

describe('records from the client', () => {
  let server: TestServer;
  const issue = { count: 0 };
  beforeEach(async () => {
    server = await startServer((req, res) => {
      if (tokenEndpoint(req, res, issue)) return;
      sendJson(res, 200, {
        mfa_status: 'enabled',
        users_count: 1,
        users_with_totp_enabled_count: 0,
        update_allowed: true,
      });
    });
  });
  afterEach(async () => server.close());

  it('emits one masked record per call, token call included, and unsubscribes', async () => {
    const records: CallRecord[] = [];
    const client = new PlatformClient({
      url: server.url,
      credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    const off = client.onCall((r) => records.push(r));
    await setTenantMfa(client, TENANT_ID, true);
    off();
    await setTenantMfa(client, TENANT_ID, false);
    await client.close();

    expect(records.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/2/idp/token 200',
      `PUT /api/2/tenants/${TENANT_ID}/mfa/status 200`,
    ]);
    const [tokenCall, put] = records;
    expect(tokenCall?.auth).toBe('client');
    expect(tokenCall?.requestBody).toEqual({ grant_type: 'client_credentials' });
    expect(JSON.stringify(tokenCall)).not.toContain(fakeJwt(issue.count));
    expect(JSON.stringify(tokenCall)).not.toContain(CLIENT_SECRET);
    expect(put).toMatchObject({
      tries: 1,
      retries: 0,
      requestBody: { enabled: true },
      contentType: 'application/json',
    });
    expect(put?.url).toBe(`${server.url}/api/2/tenants/${TENANT_ID}/mfa/status`);
    expect(put?.durationMs).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(put?.startedAt ?? ''))).toBe(false);
    expect(toCurl(tokenCall as CallRecord)).toContain(
      '-u "$TENANT_SHELL_CLIENT_ID:$TENANT_SHELL_CLIENT_SECRET"',
    );
  });

  it('keeps the query in the path and sends the User-Agent', async () => {
    const records: CallRecord[] = [];
    const client = await PlatformClient.connect({
      url: server.url,
      credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    client.onCall((r) => records.push(r));
    await client.request('GET', '/tenants', {
      query: { parent_id: TENANT_ID, limit: 5, after: undefined },
    });
    await client.close();
    expect(records[0]?.path).toBe(`/api/2/tenants?parent_id=${TENANT_ID}&limit=5`);
    expect(server.requests.at(-1)?.headers['user-agent']).toMatch(/^tenant-shell\/\d+\.\d+\.\d+/);
  });
});
