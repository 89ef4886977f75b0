// Every tutorial file replays with --check against a fresh emulator, as any notebook does,
// and every call a tutorial makes is an endpoint the platform's reference documents.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTutorial } from '../../src/notebook/parse-notebook.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const DIR = new URL('../../tutorials/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.md'))
  .sort();

/**
 * The endpoints the reference (the platform's guide and its OpenAPI document, as restated in
 * the team's reference on the onboarding journey and on the 2FA page) documents, with `{}` for
 * a path parameter. A tutorial calling anything else would teach what the platform lacks.
 */
const DOCUMENTED = `
GET /applications  GET /applications/{}  POST /applications/{}/bindings/tenants/{}
DELETE /applications/{}/bindings/tenants/{}  GET /clients  POST /clients  GET /clients/{}
DELETE /clients/{}  POST /idp/token  POST /idp/revoke_token  POST /idp/ott  POST /idp/ott/login
GET /infra  GET /locations/{}/infra  POST /reports  GET /reports/{}  PUT /reports/{}
DELETE /reports/{}  GET /reports/{}/stored  GET /reports/{}/stored/{}  GET /search
GET /tenants  POST /tenants  GET /tenants/applications  GET /tenants/offering_items
GET /tenants/usages  PUT /tenants/usages  GET /tenants/{}  PUT /tenants/{}  DELETE /tenants/{}
POST /tenants/{}/restore  GET /tenants/{}/applications  GET /tenants/{}/children
GET /tenants/{}/edition  PUT /tenants/{}/edition  GET /tenants/{}/locations
GET /tenants/{}/mfa/status  PUT /tenants/{}/mfa/status  GET /tenants/{}/offering_items
PUT /tenants/{}/offering_items  GET /tenants/{}/offering_items/available_for_child
PUT /tenants/{}/offering_items/pricing  GET /tenants/{}/pricing  PUT /tenants/{}/pricing
GET /tenants/{}/reports  GET /tenants/{}/usages  GET /tenants/{}/users  GET /users
POST /users  GET /users/check_login  GET /users/me  GET /users/{}  PUT /users/{}
DELETE /users/{}  POST /users/{}/restore  POST /users/{}/password
POST /users/{}/send-activation-email  GET /users/{}/access_policies
PUT /users/{}/access_policies  PUT /users/{}/mfa/status
`
  .trim()
  .split(/\s{2,}|\n/)
  .map((e) => e.trim())
  .filter(Boolean);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `PUT /api/2/tenants/<uuid>/mfa/status?x=1` as `PUT /tenants/{}/mfa/status`. */
function endpoint(method: string, path: string): string {
  const bare = path.replace(/\?.*$/, '').replace(/^\/api\/2(?=\/)/, '');
  return `${method} ${bare.replace(UUID, '{}')}`;
}

describe('tutorials/', () => {
  it('ships tutorials, each readable as one', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const tutorial = parseTutorial(readFileSync(new URL(file, DIR), 'utf8'), file.slice(0, -3));
      expect(tutorial.steps.length, file).toBeGreaterThan(0);
      expect(tutorial.page, file).toMatch(/^https:\/\//);
    }
  });

  it('every call a tutorial makes is an endpoint the reference documents', () => {
    expect(endpoint('PUT', '/api/2/tenants/7d1165c4-4930-4a6d-97cc-4b34a88bc231/mfa/status')).toBe(
      'PUT /tenants/{}/mfa/status',
    );
    const undocumented: string[] = [];
    let calls = 0;
    for (const file of files) {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      const tutorial = parseTutorial(text, file.slice(0, -3));
      for (const cell of tutorial.notebook.cells) {
        for (const call of cell.calls) {
          calls++;
          const e = endpoint(call.method, call.path);
          if (!DOCUMENTED.includes(e)) undocumented.push(`${file} cell [${cell.n}]: ${e}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(files.length);
    expect(undocumented).toEqual([]);
  });

  // One after another: twenty shells at once would starve the timing of other files on two cores.
  it.each(files)('%s replays with --check against the emulator', async (file) => {
    const replay = await tenantShell(
      ['--emulator', '--run', `tutorials/${file}`, '--check'],
      {},
      {
        timeoutMs: 60_000,
      },
    );
    expect(replay.stdout).toMatch(/Replayed \d+ cells: every result matches the recording\.\n/);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  });
});
