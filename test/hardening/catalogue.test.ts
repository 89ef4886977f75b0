// Issue 7, the catalogue of bad input: each case is something an integrator types, passes,
// points the shell at or finds on disk. Each must be answered with one clear sentence (one
// line, no stack, the expected words), leave the session working (the next call succeeds) and
// damage nothing already saved (the emulator's world, the files on disk).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/api/client.ts';
import { TenantShellError } from '../../src/api/errors.ts';
import { failureSentence, login } from '../../src/auth/login.ts';
import { saveProfile } from '../../src/auth/profiles.ts';
import { type RunningEmulator, StateFileError, startEmulator } from '../../src/emulator/index.ts';
import { TenantMfaInfo } from '../../src/schemas/index.ts';
import { HELPERS } from '../../src/steps/registry.ts';
import { renderError } from '../../src/ui/render-error.ts';
import { stepSession, type TestShell } from '../helpers/step-session.ts';
import { CLIENT_ID, CLIENT_SECRET } from '../unit/api-test-server.ts';
import { artifactDir, keepOutput, recordFigures, registerSecrets } from './artifacts.ts';
import {
  type BadServer,
  startBadServer,
  startOneAnswerServer,
  startSilentServer,
} from './catalogue-servers.ts';
import { digestFiles, worldDigest } from './digests.ts';

type Group =
  | 'helper arguments'
  | 'flags and environment'
  | 'login answers'
  | 'platform replies'
  | 'files';

interface Case {
  group: Group;
  name: string;
  /** Runs the bad input; must throw (file cases may return the sentence instead). */
  run: () => Promise<unknown>;
  /** What the user must read. */
  says: RegExp;
  code?: string;
  /** The sentence the interactive login prints for it (failureSentence). */
  loginSays?: RegExp;
  /** Makes the files of the case (before the digests are taken). */
  prepare?: () => void;
  /** Files that must be byte for byte the same afterwards. */
  files?: () => string[];
  /** Afterwards: the session (or the misbehaving server's client) still answers. */
  after?: () => Promise<void>;
}

const UUID_UNKNOWN = '00000000-0000-4000-8000-000000000000';
const printed: string[] = [];

let emulator: RunningEmulator;
let shell: TestShell;
let bad: BadServer;
let away: BadServer;
let badClient: PlatformClient;
let dir: string;
let stateDir: string;
let unitId = '';
let hiddenId = '';
let lockedName = '';
let takenName = '';

function helper(name: string) {
  return (...args: unknown[]) => {
    const spec = HELPERS.find((h) => h.name === name);
    if (!spec) throw new Error(`no helper ${name}`);
    return spec.run(shell.session, ...args);
  };
}
const setMfa = helper('setMfa');
const getMfa = helper('getMfa');
const createTenant = helper('createTenant');
const useTenant = helper('useTenant');
const findTenant = helper('findTenant');
const listTenants = helper('listTenants');
const children = helper('children');
const setUserMfa = helper('setUserMfa');
const get = helper('get');
const put = helper('put');
const post = helper('post');
// The tenant-side helpers of the onboarding pages.
const enableService = helper('enableService');
const disableService = helper('disableService');
const setOfferingItems = helper('setOfferingItems');
const setQuota = helper('setQuota');
const switchEdition = helper('switchEdition');
const switchToProduction = helper('switchToProduction');
const createPartner = helper('createPartner');
const limitAccess = helper('limitAccess');
const moveTenant = helper('moveTenant');
const lockTenant = helper('lockTenant');
const disableTenant = helper('disableTenant');
const deleteTenant = helper('deleteTenant');
const search = helper('search');
const usage = helper('usage');
const createReport = helper('createReport');
const downloadReport = helper('downloadReport');

function loginWith(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string> = {},
) {
  return login({
    flags,
    env: { TENANT_SHELL_CONFIG_DIR: join(dir, 'no-config'), ...env },
    interactive: false,
    print: (line) => printed.push(line),
    timeoutMs: 1500,
    connectTimeoutMs: 1000,
  });
}

const emulatorEnv = () => ({
  TENANT_SHELL_URL: emulator.url,
  TENANT_SHELL_CLIENT_ID: emulator.client_id,
  TENANT_SHELL_CLIENT_SECRET: emulator.client_secret,
});

function badCall(kind: string, schema = true) {
  return badClient.request('GET', `/bad/${kind}`, schema ? { schema: TenantMfaInfo } : {});
}

async function badClientWorks() {
  const res = await badClient.request('GET', '/good', { schema: TenantMfaInfo });
  expect(res.body.users_count).toBe(3);
}

function profiles(name: string, content: string | Buffer) {
  const configDir = join(dir, `profiles-${name}`);
  mkdirSync(configDir, { recursive: true });
  const path = join(configDir, 'profiles.json');
  writeFileSync(path, content, { mode: 0o600 });
  return { env: { TENANT_SHELL_CONFIG_DIR: configDir }, path };
}

function stateFile(name: string, snapshot: string, journal?: string) {
  const path = join(stateDir, `state-${name}.json`);
  writeFileSync(path, snapshot, { mode: 0o600 });
  if (journal !== undefined) writeFileSync(`${path}.journal`, journal, { mode: 0o600 });
  return path;
}

let validState = '';

function reportFile(name: string, content: string) {
  const path = join(dir, `report-${name}.json`);
  writeFileSync(path, content);
  return path;
}

const CASES: Case[] = [];
const add = (group: Group, list: Omit<Case, 'group'>[]) => {
  for (const c of list) CASES.push({ group, ...c });
};

// ---------------------------------------------------------------- helper arguments
add('helper arguments', [
  {
    name: "setMfa('yes')",
    run: () => setMfa('yes'),
    says: /setMfa expects its first argument to be true or false, not the string 'yes'/,
    code: 'E_USAGE',
  },
  { name: 'setMfa(1)', run: () => setMfa(1), says: /true or false, not number 1/, code: 'E_USAGE' },
  {
    name: 'setMfa(null)',
    run: () => setMfa(null),
    says: /true or false, not null/,
    code: 'E_USAGE',
  },
  { name: 'setMfa() without a terminal', run: () => setMfa(), says: /setMfa/, code: 'E_USAGE' },
  {
    name: 'setMfa(true, {yse: true}) (typo in an option)',
    run: () => setMfa(true, { yse: true }),
    says: /setMfa has no option 'yse'/,
    code: 'E_USAGE',
  },
  {
    name: "setMfa(true, 'Harbor') (options not an object)",
    run: () => setMfa(true, 'Harbor'),
    says: /expects its options as an object/,
    code: 'E_USAGE',
  },
  {
    name: "setMfa(true, {yes: 'please'})",
    run: () => setMfa(true, { yes: 'please', tenant: emulator.tenant_id }),
    says: /yes to be true or false/,
    code: 'E_USAGE',
  },
  {
    name: "setMfa(true, {tenant: ''}) (empty string)",
    run: () => setMfa(true, { tenant: '' }),
    says: /1 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: 'setMfa(true, {tenant: 100 000 characters})',
    run: () => setMfa(true, { tenant: 'x'.repeat(100_000) }),
    says: /1 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: 'setMfa(true, {tenant: unit}) (units inherit)',
    run: () => setMfa(true, { tenant: unitId, yes: true }),
    says: /unit|inherit/i,
  },
  {
    name: 'setMfa(true, {tenant: a tenant hidden by ancestral_access})',
    run: () => setMfa(true, { tenant: hiddenId, yes: true }),
    says: /403/,
    code: 'E_API',
  },
  {
    name: 'setMfa(true, {tenant: locked tenant})',
    run: () => setMfa(true, { tenant: lockedName, yes: true }),
    says: /does not allow changing 2FA for '.*' \(update_allowed is false\)/,
  },
  {
    name: 'getMfa(12345) (a number)',
    run: () => getMfa(12345),
    says: /expects a tenant: a UUID, an exact name, or a tenant object, not number 12345/,
    code: 'E_USAGE',
  },
  {
    name: "getMfa('ab') (too short to search)",
    run: () => getMfa('ab'),
    says: /neither a tenant UUID nor a name the platform can search/,
    code: 'E_USAGE',
  },
  {
    name: "getMfa('1234-not-a-uuid') (id that is not a UUID)",
    run: () => getMfa('1234-not-a-uuid'),
    says: /no tenant is named exactly '1234-not-a-uuid'/,
    code: 'E_USAGE',
  },
  {
    name: 'getMfa(unknown name)',
    run: () => getMfa('Nobody Has This Name'),
    says: /no tenant is named exactly 'Nobody Has This Name'/,
    code: 'E_USAGE',
  },
  {
    name: "getMfa('Harbor') (ambiguous name)",
    run: () => getMfa('Harbor'),
    says: /no tenant is named exactly 'Harbor'; close matches: 'Harbor Bakery/,
    code: 'E_USAGE',
  },
  {
    name: 'getMfa(unknown UUID)',
    run: () => getMfa(UUID_UNKNOWN),
    says: /answered 403/,
    code: 'E_API',
  },
  {
    name: 'getMfa({}) (an object without id)',
    run: () => getMfa({}),
    says: /not an object/,
    code: 'E_USAGE',
  },
  { name: 'getMfa([]) (an array)', run: () => getMfa([]), says: /not an array/, code: 'E_USAGE' },
  { name: 'getMfa(null)', run: () => getMfa(null), says: /not null/, code: 'E_USAGE' },
  {
    name: 'getMfa(getMfa) (a function)',
    run: () => getMfa(getMfa),
    says: /not a function/,
    code: 'E_USAGE',
  },
  {
    name: "getMfa(auth) (the REPL's own auth object)",
    run: () => getMfa(shell.client.auth),
    says: /not an object/,
    code: 'E_USAGE',
  },
  {
    name: 'getMfa(response) (the last response object)',
    run: async () => getMfa(await get('/clients/' + emulator.client_id)),
    says: /not an object/,
    code: 'E_USAGE',
  },
  {
    name: 'getMfa({id: 42})',
    run: () => getMfa({ id: 42 }),
    says: /not an object/,
    code: 'E_USAGE',
  },
  {
    name: 'createTenant(auth)',
    run: () => createTenant(shell.client.auth),
    says: /createTenant expects a tenant name as a string, not an object/,
    code: 'E_USAGE',
  },
  {
    name: "createTenant('')",
    run: () => createTenant(''),
    says: /1 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: 'createTenant(300 characters)',
    run: () => createTenant('n'.repeat(300)),
    says: /1 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: "createTenant(name, {kind: 'galaxy'})",
    run: () => createTenant('Catalogue Galaxy', { kind: 'galaxy' }),
    says: /kind to be one of .*not the string 'galaxy'/,
    code: 'E_USAGE',
  },
  {
    name: 'createTenant(name taken)',
    run: () => createTenant(takenName),
    says: /409.*1004/,
    code: 'E_API',
  },
  {
    name: 'createTenant(name, {parent: unknown name})',
    run: () => createTenant('Catalogue Orphan', { parent: 'No Such Parent Tenant' }),
    says: /no tenant is named exactly 'No Such Parent Tenant'/,
    code: 'E_USAGE',
  },
  {
    name: 'createTenant(undefined) without a terminal',
    run: () => createTenant(undefined),
    says: /createTenant expects a name/,
    code: 'E_USAGE',
  },
  {
    name: 'useTenant() without a terminal',
    run: () => useTenant(),
    says: /useTenant expects a tenant UUID or name/,
    code: 'E_USAGE',
  },
  {
    name: "tenant_id = 'garbage', then getMfa()",
    run: async () => {
      shell.variables.tenant_id = 'garbage';
      try {
        return await getMfa();
      } finally {
        shell.variables.tenant_id = emulator.tenant_id;
      }
    },
    says: /tenant_id is the string 'garbage', not a tenant UUID/,
    code: 'E_USAGE',
  },
  {
    name: "listTenants({kind: 'planet'})",
    run: () => listTenants({ kind: 'planet' }),
    says: /kind to be partner, folder, customer or unit/,
    code: 'E_USAGE',
  },
  {
    name: "listTenants('customer')",
    run: () => listTenants('customer'),
    says: /expects its options as an object/,
    code: 'E_USAGE',
  },
  {
    name: "children('zz')",
    run: () => children('zz'),
    says: /neither a tenant UUID nor a name/,
    code: 'E_USAGE',
  },
  {
    name: "findTenant('zz') (under 3 characters)",
    run: () => findTenant('zz'),
    says: /3 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: 'findTenant() without a terminal',
    run: () => findTenant(),
    says: /findTenant expects the tenant's name/,
    code: 'E_USAGE',
  },
  {
    name: "findTenant('💥💥💥') (no match)",
    run: () => findTenant('💥💥💥'),
    says: /answered 400 bad request: text: needs letters or digits/,
    code: 'E_API',
  },
  {
    name: "setUserMfa('bob', true)",
    run: () => setUserMfa('bob', true),
    says: /UUID/,
    code: 'E_USAGE',
  },
  {
    name: "setUserMfa(uuid, 'on')",
    run: () => setUserMfa(UUID_UNKNOWN, 'on'),
    says: /true or false/,
    code: 'E_USAGE',
  },
  { name: "get('')", run: () => get(''), says: /get expects a path/, code: 'E_USAGE' },
  {
    name: 'get(42)',
    run: () => get(42),
    says: /get expects a path .* not number 42/,
    code: 'E_USAGE',
  },
  {
    name: 'get(a URL of another host) (the token must stay home)',
    run: () => get('https://attacker.example/api/2/tenants'),
    says: /Refusing to send the token to https:\/\/attacker\.example/,
    code: 'E_USAGE',
  },
  {
    name: 'put(another host, body)',
    run: () => put('http://127.0.0.2:1/api/2/x', { enabled: true }),
    says: /Refusing to send the token/,
    code: 'E_USAGE',
  },
  {
    name: 'post(undefined)',
    run: () => post(undefined),
    says: /post expects a path/,
    code: 'E_USAGE',
  },
  {
    name: "enableService('backup') on your own tenant",
    run: () => enableService('backup'),
    says: /services of your own tenant are set by its parent's administrators/,
    code: 'E_USAGE',
  },
  {
    name: 'enableService({}) (not a service)',
    run: () => enableService({}),
    says: /expects a service: its type like 'backup', its name or its id, not an object/,
    code: 'E_USAGE',
  },
  {
    name: "disableService('backup', {tenant: a hidden tenant, yes: true})",
    run: () => disableService('backup', { tenant: hiddenId, yes: true }),
    says: /403/,
    code: 'E_API',
  },
  {
    name: "setOfferingItems('adv_vms') (a name, not an object)",
    run: () => setOfferingItems('adv_vms'),
    says: /an object of item names and true \(on\) or false \(off\)/,
    code: 'E_USAGE',
  },
  {
    name: "setQuota('workstations', '1e9')",
    run: () => setQuota('workstations', '1e9'),
    says: /the limit to be a whole number of 0 or more/,
    code: 'E_USAGE',
  },
  {
    name: "switchEdition('pck_per_gigabyte; rm -rf /')",
    run: () => switchEdition('pck_per_gigabyte; rm -rf /'),
    says: /an edition name like 'pck_per_gigabyte'/,
    code: 'E_USAGE',
  },
  {
    name: 'switchToProduction(a hidden tenant, {yes: true})',
    run: () => switchToProduction(hiddenId, { yes: true }),
    says: /403/,
    code: 'E_API',
  },
  {
    name: "createPartner('   ') (blank name)",
    run: () => createPartner('   '),
    says: /1 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: 'limitAccess(unit, {yes: true})',
    run: () => limitAccess(unitId, { yes: true }),
    says: /is a unit; higher-level access can be limited on partners, folders and customers only/,
    code: 'E_USAGE',
  },
  {
    name: 'moveTenant(unit, your tenant)',
    run: () => moveTenant(unitId, emulator.tenant_id),
    says: /units cannot be moved/,
    code: 'E_USAGE',
  },
  {
    name: 'lockTenant(a hidden tenant)',
    run: () => lockTenant(hiddenId),
    says: /403/,
    code: 'E_API',
  },
  {
    name: 'disableTenant(locked tenant, {yes: true})',
    run: () => disableTenant(lockedName, { yes: true }),
    says: /locked/i,
    code: 'E_API',
  },
  {
    name: 'deleteTenant(locked tenant, {yes: true}) (the suspension is refused: nothing deleted)',
    run: () => deleteTenant(lockedName, { yes: true }),
    says: /locked/i,
    code: 'E_API',
  },
  {
    name: 'deleteTenant(your own tenant, {yes: true})',
    run: () => deleteTenant(emulator.tenant_id, { yes: true }),
    says: /is the tenant your API client belongs to, which it cannot delete/,
    code: 'E_USAGE',
  },
  {
    name: "search('a\\0') (too short, with a NUL)",
    run: () => search('a\u0000'),
    says: /a text of 3 to 255 characters/,
    code: 'E_USAGE',
  },
  {
    name: "usage(tenant_id, {usage_names: ['$(rm -rf /)']})",
    run: () => usage(undefined, { usage_names: ['$(rm -rf /)'] }),
    says: /usage_names as a list of names/,
    code: 'E_USAGE',
  },
  {
    name: "createReport('2024-01', {formats: ['exe']})",
    run: () => createReport('2024-01', { formats: ['exe'] }),
    says: /formats as a list of csv, html/,
    code: 'E_USAGE',
  },
  {
    name: "downloadReport(id, {file: 'a\\0b'}) (a NUL in the file name)",
    run: () => downloadReport(emulator.tenant_id, { file: 'a\u0000b' }),
    says: /file to be the path of a file to write/,
    code: 'E_USAGE',
  },
]);

// ---------------------------------------------------------------- flags and environment
add('flags and environment', [
  {
    name: '--url ftp://…',
    run: () =>
      loginWith(
        { url: 'ftp://eu2-cloud.acronis.com', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /must use https:\/\/ \(not ftp:\/\/\)/,
    code: 'E_USAGE',
  },
  {
    name: '--url http://remote (plain http)',
    run: () =>
      loginWith(
        { url: 'http://eu2-cloud.acronis.com', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /Plain http:\/\/ is refused/,
    code: 'E_USAGE',
  },
  {
    name: '--url with credentials in it',
    run: () =>
      loginWith(
        { url: 'https://admin:hunter2hunter2@eu2-cloud.acronis.com', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /must not contain a user name or password/,
    code: 'E_USAGE',
  },
  {
    name: '--url with a path',
    run: () =>
      loginWith(
        { url: 'https://eu2-cloud.acronis.com/ui/login', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /must not have a path \(\/ui\/login\)/,
    code: 'E_USAGE',
  },
  {
    name: '--url with a token in the query',
    run: () =>
      loginWith(
        { url: 'https://eu2-cloud.acronis.com/?access_token=abc', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /must not have a query/,
    code: 'E_USAGE',
  },
  {
    name: "--url ''",
    run: () =>
      loginWith({ url: '', clientId: CLIENT_ID }, { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' }),
    says: /Incomplete credentials .*also set --url \(or TENANT_SHELL_URL\)/,
    code: 'E_USAGE',
  },
  {
    name: '--url with spaces',
    run: () =>
      loginWith(
        { url: 'eu2 cloud acronis', clientId: CLIENT_ID },
        { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ),
    says: /must not contain spaces/,
    code: 'E_USAGE',
  },
  {
    name: 'TENANT_SHELL_URL=::::',
    run: () =>
      loginWith(
        {},
        {
          TENANT_SHELL_URL: 'https://::::',
          TENANT_SHELL_CLIENT_ID: CLIENT_ID,
          TENANT_SHELL_CLIENT_SECRET: 'x-secret-1',
        },
      ),
    says: /not a URL the client understands|host/,
    code: 'E_USAGE',
  },
  {
    name: '--url and --client-id without the secret',
    run: () => loginWith({ url: 'https://eu2-cloud.acronis.com', clientId: CLIENT_ID }),
    says: /TENANT_SHELL_CLIENT_SECRET/,
    code: 'E_USAGE',
  },
  {
    name: '--client-secret on the command line',
    run: () =>
      loginWith({
        url: 'https://eu2-cloud.acronis.com',
        clientId: CLIENT_ID,
        clientSecret: 'on-the-command-line',
      }),
    says: /secret/i,
    code: 'E_USAGE',
  },
  {
    name: '--profile unknown',
    run: () => loginWith({ profile: 'prod' }, { TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' }),
    says: /No profile named "prod" \(there are no saved profiles yet\)/,
    code: 'E_USAGE',
  },
  {
    name: '--profile ../../etc/passwd',
    run: () => loginWith({ profile: '../../etc/passwd' }),
    says: /No profile named/,
    code: 'E_USAGE',
  },
  {
    name: 'nothing at all, no terminal',
    run: () => loginWith({}),
    says: /No credentials: pass --url and --client-id/,
    code: 'E_USAGE',
  },
]);

// ---------------------------------------------------------------- login answers
let silent: { url: string; close(): Promise<void> };
let html: { url: string; close(): Promise<void> };
let notFound: { url: string; close(): Promise<void> };
let otherJson: { url: string; close(): Promise<void> };
add('login answers', [
  {
    name: 'wrong secret',
    run: () =>
      loginWith({}, { ...emulatorEnv(), TENANT_SHELL_CLIENT_SECRET: 'wrong-secret-value' }),
    says: /invalid_client: the client id or secret is wrong/,
    code: 'E_AUTH',
    loginSays: /invalid_client/,
  },
  {
    name: 'wrong client id',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_CLIENT_ID: UUID_UNKNOWN }),
    says: /invalid_client/,
    code: 'E_AUTH',
    loginSays: /invalid_client/,
  },
  {
    name: 'wrong data center (a 404 JSON API)',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_URL: notFound.url }),
    says: /404/,
    code: 'E_API',
    loginSays: /has no platform API at \/api\/2 \(404\): check the data center URL/,
  },
  {
    name: 'a host that is not the platform (HTML)',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_URL: html.url }),
    says: /not JSON/,
    code: 'E_NOT_JSON',
    loginSays: /answered with text\/html instead of the platform's JSON/,
  },
  {
    name: 'a host answering other JSON',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_URL: otherJson.url }),
    says: /does not fit the API contract/,
    code: 'E_SCHEMA',
    loginSays: /answered, but not the way the platform's API does/,
  },
  {
    name: 'a host that never answers',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_URL: silent.url }),
    says: /did not finish within 1500 ms/,
    code: 'E_TIMEOUT',
    loginSays: /did not finish within/,
  },
  {
    name: 'a port nobody listens on',
    run: () => loginWith({}, { ...emulatorEnv(), TENANT_SHELL_URL: 'http://127.0.0.1:9' }),
    says: /refused the connection/,
    code: 'E_NETWORK',
    loginSays: /refused the connection/,
  },
]);

// ---------------------------------------------------------------- platform replies
add('platform replies', [
  {
    name: 'not JSON (text/plain 200)',
    run: () => badCall('text'),
    says: /answered 200 with text\/plain, not JSON/,
    code: 'E_NOT_JSON',
  },
  {
    name: 'an HTML 502 error page',
    run: () => badCall('html-502'),
    says: /answered 502 with text\/html, not JSON/,
    code: 'E_NOT_JSON',
  },
  {
    name: 'an HTML 200 page',
    run: () => badCall('html-200'),
    says: /answered 200 with text\/html, not JSON/,
    code: 'E_NOT_JSON',
  },
  {
    name: 'JSON of the wrong shape',
    run: () => badCall('wrong-shape'),
    says: /does not fit the API contract: mfa_status/,
    code: 'E_SCHEMA',
  },
  {
    name: 'JSON with wrong types',
    run: () => badCall('wrong-types'),
    says: /does not fit the API contract/,
    code: 'E_SCHEMA',
  },
  {
    name: 'JSON null',
    run: () => badCall('null'),
    says: /does not fit the API contract/,
    code: 'E_SCHEMA',
  },
  {
    name: 'a JSON array instead of an object',
    run: () => badCall('array'),
    says: /does not fit the API contract/,
    code: 'E_SCHEMA',
  },
  {
    name: 'an empty body with 200',
    run: () => badCall('empty-200'),
    says: /the reply is empty, expected a JSON body/,
    code: 'E_SCHEMA',
  },
  {
    name: 'truncated JSON',
    run: () => badCall('truncated-json'),
    says: /not JSON/,
    code: 'E_NOT_JSON',
  },
  {
    name: 'binary garbage labelled JSON',
    run: () => badCall('binary'),
    says: /not JSON/,
    code: 'E_NOT_JSON',
  },
  {
    name: 'a 200 of 50 MB (declared length)',
    run: () => badCall('big-declared'),
    says: /answered 200 with more than 4 MiB/,
    code: 'E_TOO_LARGE',
  },
  {
    name: 'a 200 of 50 MB (chunked)',
    run: () => badCall('big-chunked'),
    says: /answered 200 with more than 4 MiB/,
    code: 'E_TOO_LARGE',
  },
  {
    name: 'a reply that never starts',
    run: () => badCall('stall-headers'),
    says: /did not finish within 700 ms/,
    code: 'E_TIMEOUT',
  },
  {
    name: 'a reply that stalls midway',
    run: () => badCall('stall-body'),
    says: /did not finish within 700 ms/,
    code: 'E_TIMEOUT',
  },
  {
    name: 'a redirect to another host',
    run: () => badCall('redirect-away'),
    says: /answered 302/,
    code: 'E_API',
    after: async () => {
      expect(away.seen).toEqual([]);
    },
  },
  {
    name: 'a redirect on the same host',
    run: () => badCall('redirect-same'),
    says: /answered 307/,
    code: 'E_API',
  },
  {
    name: 'an error with a 1 MB message',
    run: () => badCall('huge-message'),
    says: /answered 400 .*code 1027.*Rejected\. very long explanation/,
    code: 'E_API',
  },
  {
    name: 'an error message with newlines and a stack',
    run: () => badCall('multiline-message'),
    says: /answered 400 .*first line at Object/,
    code: 'E_API',
  },
  {
    name: 'an error envelope of the wrong shape',
    run: () => badCall('weird-envelope'),
    says: /answered 500/,
    code: 'E_API',
  },
  {
    name: 'a 401 that renewing does not cure',
    run: () => badCall('unauthorized'),
    says: /answered 401/,
    code: 'E_API',
  },
  {
    name: 'a 503 asking to come back in a day',
    run: () => badCall('retry-after-forever'),
    says: /answered 503/,
    code: 'E_API',
  },
  {
    name: 'an unknown route',
    run: () => badCall('no-such-thing'),
    says: /answered 404/,
    code: 'E_API',
  },
]);

// ---------------------------------------------------------------- files
const GOOD_PROFILES = `${JSON.stringify({ default: 'work', profiles: { work: { url: 'https://eu2-cloud.acronis.com', client_id: CLIENT_ID } } }, null, 2)}\n`;
function profileCase(name: string, content: string | Buffer, says: RegExp): Omit<Case, 'group'> {
  let path = '';
  let env: Record<string, string> = {};
  return {
    name: `profiles.json ${name}`,
    prepare: () => {
      const p = profiles(name.replace(/\W+/g, '-'), content);
      path = p.path;
      env = p.env;
    },
    run: async () => {
      const p = { env };
      // What --profile says, and what saving a profile does to the damaged file (nothing).
      const loginError = await loginWith(
        { profile: 'work' },
        { ...p.env, TENANT_SHELL_CLIENT_SECRET: 'x-secret-1' },
      ).catch((e: unknown) => e);
      await expect(
        saveProfile('other', { url: 'https://x.example', client_id: CLIENT_ID }, { env: p.env }),
      ).rejects.toThrow(/left untouched/);
      throw loginError;
    },
    says,
    code: 'E_USAGE',
    files: () => [path],
  };
}
function stateCase(name: string, make: () => string, says: RegExp): Omit<Case, 'group'> {
  let path = '';
  return {
    name: `emulator state ${name}`,
    prepare: () => {
      path = make();
    },
    run: async () => {
      await startEmulator({ state: path }).then(
        (e) => e.close(),
        (error: unknown) => {
          expect(error).toBeInstanceOf(StateFileError);
          throw error;
        },
      );
    },
    says,
    files: () => [path, `${path}.journal`],
  };
}
function reportCase(name: string, content: string, says: RegExp): Omit<Case, 'group'> {
  let path = '';
  return {
    name: `2FA report ${name} (resume)`,
    prepare: () => {
      path = reportFile(name.replace(/\W+/g, '-'), content);
    },
    run: () => {
      return setMfa(true, { resume: path, yes: true });
    },
    says,
    code: 'E_USAGE',
    files: () => [path],
  };
}
add('files', [
  profileCase('not JSON', '{ this is not json', /is damaged \(not valid JSON\)/),
  profileCase(
    'truncated',
    GOOD_PROFILES.slice(0, GOOD_PROFILES.length / 2),
    /is damaged \(not valid JSON\)/,
  ),
  profileCase('empty', '', /is damaged \(empty\)/),
  profileCase('of the wrong shape', '{"profiles": []}', /is damaged \(not the expected shape\)/),
  profileCase('binary garbage', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7b]), /is damaged/),
  stateCase('not JSON', () => stateFile('notjson', 'garbage{'), /is corrupted \(not valid JSON\)/),
  stateCase(
    'truncated',
    () => stateFile('truncated', validState.slice(0, Math.floor(validState.length / 2))),
    /is corrupted \(not valid JSON\)/,
  ),
  stateCase(
    'of the wrong shape',
    () => stateFile('shape', '{"format": "something else"}'),
    /is corrupted/,
  ),
  stateCase(
    'with a corrupted journal line',
    () =>
      stateFile(
        'journal',
        validState,
        '{"seq": 1, "change": {}}\nnot json\n{"seq": 3, "change": {}}\n',
      ),
    /journal line 2 is corrupted/,
  ),
  stateCase(
    'journal without a snapshot',
    () => stateFile('orphan', '', '{"seq": 1, "change": {}}\n'),
    /exists without it/,
  ),
  reportCase(
    'not JSON',
    '{"format": "tenant-shell/mfa-rep',
    /is not JSON, so not a report to resume from/,
  ),
  reportCase(
    'of another shape',
    '{"format": "tenant-shell/mfa-report", "version": 7}',
    /is not a 2FA report of tenant-shell \(or damaged\)/,
  ),
]);

// ---------------------------------------------------------------- the run
beforeAll(async () => {
  dir = artifactDir('catalogue');
  // Emulator state files hold the client secret by design (a sandbox): not among the artifacts.
  stateDir = mkdtempSync(join(tmpdir(), 'tenant-shell-states-'));
  const statePath = join(stateDir, 'valid-state.json');
  const seeded = await startEmulator({ state: statePath, tenants: 2 });
  await seeded.close();
  validState = readFileSync(statePath, 'utf8');
  emulator = await startEmulator();
  registerSecrets(emulator.client_secret, emulator.admin.password, CLIENT_SECRET);
  shell = await stepSession(emulator);
  shell.client.onCall(() => registerSecrets(...shell.client.redactor.secrets()));
  const tenants = [...emulator.world.tenants.values()];
  unitId = tenants.find((t) => t.kind === 'unit')?.id ?? '';
  hiddenId = tenants.find((t) => !t.ancestral_access)?.id ?? '';
  lockedName = tenants.find((t) => t.update_lock.enabled)?.name ?? '';
  takenName = tenants.find((t) => t.kind === 'customer')?.name ?? '';
  away = await startBadServer();
  bad = await startBadServer(() => away.url);
  badClient = await PlatformClient.connect({
    url: bad.url,
    credentials: { kind: 'client', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    timeoutMs: 700,
    maxResponseBytes: 4 * 1024 * 1024,
    retry: { sleep: () => Promise.resolve(), maxWaitMs: 5_000 },
  });
  silent = await startSilentServer();
  html = await startOneAnswerServer((res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Sign in to the company portal</body></html>');
  });
  notFound = await startOneAnswerServer((res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error": {"code": "404", "message": "Not found"}}');
  });
  otherJson = await startOneAnswerServer((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"hello": "world"}');
  });
});

afterAll(async () => {
  registerSecrets(...(shell?.client.redactor.secrets() ?? []), ...badClient.redactor.secrets());
  keepOutput(dir, 'printed.txt', printed.join('\n'));
  await Promise.all([
    shell?.close(),
    badClient?.close(),
    bad?.close(),
    away?.close(),
    silent?.close(),
    html?.close(),
    notFound?.close(),
    otherJson?.close(),
  ]);
  await emulator?.close();
  const byGroup: Record<string, number> = {};
  for (const c of CASES) byGroup[c.group] = (byGroup[c.group] ?? 0) + 1;
  recordFigures('catalogue', { cases: CASES.length, ...byGroup });
});

describe('the catalogue of bad input', () => {
  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES.map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', async (_label, c) => {
    c.prepare?.();
    const worldBefore = worldDigest(emulator);
    const filesBefore = digestFiles(c.files?.() ?? []);
    let error: unknown;
    try {
      await c.run();
    } catch (e) {
      error = e;
    }
    expect(error, 'the bad input must be refused').toBeInstanceOf(Error);
    const err = error as Error;
    const shown = renderError(err);
    keepOutput(dir, `case-${CASES.indexOf(c)}.txt`, shown);
    // One clear sentence: one line, no stack, not a wall of text, and what we expect.
    expect(err.message).not.toMatch(/\n/);
    expect(err.message).not.toMatch(/\s at \S+ \(/);
    expect(err.message.length).toBeLessThan(600);
    expect(err.message).toMatch(c.says);
    if (c.code) {
      expect(err).toBeInstanceOf(TenantShellError);
      expect((err as TenantShellError).code).toBe(c.code);
    }
    if (c.loginSays) expect(failureSentence(err)).toMatch(c.loginSays);
    // Nothing already saved was damaged.
    expect(worldDigest(emulator)).toBe(worldBefore);
    if (c.files) expect(digestFiles(c.files())).toEqual(filesBefore);
    // And the session goes on.
    if (c.after) await c.after();
    if (c.group === 'platform replies') await badClientWorks();
    else {
      const status = (await getMfa(emulator.tenant_id)) as { mfa_status: string };
      expect(status.mfa_status).toBe('disabled');
    }
  });
});
