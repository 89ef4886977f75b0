// The notebook's parts on their own: the cell store, Markdown and ipynb written and read back,
// what --check calls a difference, how a script replaces the session's ids and names, and
// .save's refusals and its whole-or-nothing write.
import fs, { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TenantShellError } from '../../src/api/errors.ts';
import { Redactor } from '../../src/api/redact.ts';
import type { CallRecord } from '../../src/api/request-log.ts';
import {
  type Cell,
  CellStore,
  MAX_CALLS_PER_CELL,
  MAX_ITEMS_PER_REPLY,
  type Notebook,
} from '../../src/notebook/cells.ts';
import { compareCells, Normaliser } from '../../src/notebook/compare.ts';
import { historyLines } from '../../src/notebook/history.ts';
import { parseIpynb, parseMarkdown } from '../../src/notebook/parse-notebook.ts';
import { renderIpynb } from '../../src/notebook/render-ipynb.ts';
import { renderMarkdown } from '../../src/notebook/render-markdown.ts';
import { renderScript } from '../../src/notebook/render-script.ts';
import { type SaveSource, saveNotebook } from '../../src/notebook/save.ts';
import { planScript } from '../../src/notebook/script-plan.ts';

const HOME = '7d1165c4-4930-4a6d-97cc-4b34a88bc231';
const CREATED = '0fcd4a69-8a40-4de8-b711-d9c83dc000f7';
const CLIENT = 'f102a5bd-aeed-4610-92ca-a72d29134b55';
const SECRET = 'HQIvW57Gzd0e8PF3U497M1ymvoXbslpr';
const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LXRva2VuLXBheWxvYWQifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

function record(partial: Partial<CallRecord> & Pick<CallRecord, 'method' | 'path'>): CallRecord {
  return {
    id: 1,
    url: `http://127.0.0.1:1234${partial.path}`,
    durationMs: 3,
    tries: 1,
    retries: 0,
    auth: 'bearer',
    startedAt: '2025-01-01T00:00:00.000Z',
    ...partial,
  };
}

/** The seed page's flow as cells, with a secret and the token slipped into places. */
function seedSession(): { store: CellStore; redactor: Redactor } {
  const redactor = new Redactor().add(SECRET, TOKEN);
  const store = new CellStore({
    redact: (t) => redactor.redact(t),
    formatValue: (v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v, null, 4)),
    describeError: (e) => {
      const message = e instanceof Error ? e.message : String(e);
      return { name: 'Error', message, text: `✖ ${message}` };
    },
  });
  store.begin('tenant_id');
  store.succeed(HOME);
  store.begin(`await createTenant('My Test Customer')  // secret ${SECRET}`);
  store.addPrinted(`created_tenant_id = '${CREATED}'`);
  store.addCall(
    record({
      method: 'POST',
      path: '/api/2/tenants',
      status: 201,
      contentType: 'application/json',
      requestBody: { name: 'My Test Customer', kind: 'customer', parent_id: HOME },
      responseBody: { id: CREATED, name: 'My Test Customer', created_at: '2025-01-01T00:00:01Z' },
    }),
  );
  store.addCall(
    record({
      method: 'POST',
      path: '/api/2/idp/token',
      status: 200,
      responseBody: { access_token: TOKEN },
    }),
  );
  store.succeed({ id: CREATED, name: 'My Test Customer', created_at: '2025-01-01T00:00:01Z' });
  store.begin("await findTenant('My Test Customer')");
  store.addCall(
    record({
      method: 'GET',
      path: `/api/2/search?tenant=${HOME}&text=My+Test+Customer&limit=50`,
      status: 200,
      responseBody: { items: [] },
    }),
  );
  store.succeed(undefined);
  store.begin(`await put(\`/tenants/\${tenant_id}/mfa/status\`, {enabled: true})`);
  store.addCall(
    record({
      method: 'PUT',
      path: `/api/2/tenants/${CREATED}/mfa/status`,
      status: 200,
      contentType: 'application/json',
      requestBody: { enabled: true },
      responseBody: { mfa_status: 'enabled', users_count: 1 },
    }),
  );
  store.succeed({ mfa_status: 'enabled', users_count: 1, auth: `Bearer ${TOKEN}` });
  store.begin('nope()');
  store.fail(new Error('nope is not defined'));
  return { store, redactor };
}

const META = {
  dataCenter: 'emulator',
  tenantName: 'Emulator Partner',
  savedAt: '2025-01-01T00:00:00Z',
  version: '0.1.0',
};

function notebookOf(store: CellStore): Notebook {
  return { meta: META, cells: store.cells };
}

describe('the cell store', () => {
  it('numbers cells, keeps Out and Err, and gives calls and printed lines to the open cell', () => {
    const { store } = seedSession();
    expect(store.cells.map((c) => c.n)).toEqual([1, 2, 3, 4, 5]);
    expect(store.next).toBe(6);
    expect(store.Out[1]).toBe(HOME);
    expect(store.Err[5]).toBeInstanceOf(Error);
    expect(store.cells[1]?.calls).toHaveLength(2);
    expect(store.cells[1]?.printed).toEqual([`created_tenant_id = '${CREATED}'`]);
    // Nothing open: a stray call belongs to no cell.
    store.addCall(record({ method: 'GET', path: '/api/2/users/me', status: 403 }));
    expect(store.cells.flatMap((c) => c.calls)).toHaveLength(4);
  });

  it('masks secrets in inputs, outputs and call bodies as it keeps them', () => {
    const { store } = seedSession();
    const kept = JSON.stringify(store.cells);
    expect(kept).not.toContain(SECRET);
    expect(kept).not.toContain(TOKEN);
  });

  it('an abandoned (unfinished) input is not numbered', () => {
    const { store } = seedSession();
    store.begin('const x = {');
    store.abandon();
    expect(store.next).toBe(6);
  });

  it('.history: one line per cell with a summary of its result', () => {
    const lines = historyLines(seedSession().store.cells);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\[1\] +tenant_id +→ '7d1165c4/);
    expect(lines[1]).toMatch(/· 2 calls$/);
    expect(lines[4]).toMatch(/→ ✖ nope is not defined/);
    expect(historyLines([])).toEqual(['No cells yet: every input you evaluate becomes one.']);
  });
});

describe('Markdown and ipynb, written and read back', () => {
  it('Markdown keeps every cell, its printed lines, Out, Err and calls', () => {
    const { store } = seedSession();
    const text = renderMarkdown(notebookOf(store), 'x.md');
    expect(text).toContain('### In [2]');
    expect(text).toContain(
      '<summary><code>POST /api/2/tenants</code> → 201 Created (3 ms)</summary>',
    );
    const parsed = parseMarkdown(text);
    expect(parsed.cells.map((c) => c.n)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, cell] of parsed.cells.entries()) {
      const original = store.cells[i] as Cell;
      expect(cell.input).toBe(original.input);
      expect(cell.output).toBe(original.output);
      expect(cell.printed).toEqual(original.printed);
      expect(cell.error?.text).toBe(original.error?.text);
      expect(cell.calls.map((c) => [c.method, c.path, c.status])).toEqual(
        original.calls.map((c) => [c.method, c.path, c.status]),
      );
    }
  });

  it('keeps the first MAX_ITEMS_PER_REPLY items of a listing and counts the rest', () => {
    const store = new CellStore({
      redact: (t) => t,
      formatValue: (v) => String(v),
      describeError: () => ({ name: 'E', message: '', text: '' }),
    });
    store.begin('await listTenants()');
    const items = Array.from({ length: MAX_ITEMS_PER_REPLY + 7 }, (_, i) => ({ id: `t${i}` }));
    store.addCall(
      record({ method: 'GET', path: '/api/2/tenants', status: 200, responseBody: { items } }),
    );
    const body = store.succeed('done')?.calls[0]?.responseBody as {
      items: unknown[];
      items_not_kept: number;
    };
    expect(body.items).toHaveLength(MAX_ITEMS_PER_REPLY);
    expect(body.items_not_kept).toBe(7);
  });

  it('keeps the first MAX_CALLS_PER_CELL calls of a cell and counts the rest', () => {
    const store = new CellStore({
      redact: (t) => t,
      formatValue: (v) => String(v),
      describeError: () => ({ name: 'E', message: '', text: '' }),
    });
    store.begin('await setMfa(true, {subtree: true, yes: true})');
    for (let i = 0; i < MAX_CALLS_PER_CELL + 25; i++) {
      store.addCall(record({ method: 'PUT', path: `/api/2/tenants/${i}/mfa/status`, status: 200 }));
    }
    const cell = store.succeed('done');
    expect(cell?.calls).toHaveLength(MAX_CALLS_PER_CELL);
    expect(cell?.omittedCalls).toBe(25);
    expect(renderMarkdown(notebookOf(store), 'x.md')).toContain(
      `HTTP calls (${MAX_CALLS_PER_CELL}, and 25 more not kept):`,
    );
  });

  it('a fence inside an output does not end its block', () => {
    const store = new CellStore({
      redact: (t) => t,
      formatValue: (v) => String(v),
      describeError: () => ({ name: 'E', message: '', text: '' }),
    });
    store.begin('"```"');
    store.succeed('```\nstill inside\n````');
    const parsed = parseMarkdown(renderMarkdown(notebookOf(store), 'x.md'));
    expect(parsed.cells[0]?.output).toBe('```\nstill inside\n````');
  });

  it("ipynb names the shell's kernel, so Jupyter opens it there", () => {
    const { store } = seedSession();
    const emulator = JSON.parse(
      renderIpynb({ meta: { ...META, dataCenter: 'emulator' }, cells: store.cells }),
    );
    expect(emulator.metadata.kernelspec).toEqual({
      name: 'tenant-shell-emulator',
      display_name: 'tenant-shell (emulator)',
      language: 'typescript',
    });
    const real = JSON.parse(
      renderIpynb({ meta: { ...META, dataCenter: 'eu2-cloud.example' }, cells: store.cells }),
    );
    expect(real.metadata.kernelspec.name).toBe('tenant-shell');
  });

  it('ipynb has what nbformat 4 requires, and reads back the same', () => {
    const { store } = seedSession();
    const document = JSON.parse(renderIpynb(notebookOf(store)));
    expect(document.nbformat).toBe(4);
    expect(document.nbformat_minor).toBeGreaterThanOrEqual(4);
    expect(typeof document.metadata).toBe('object');
    expect(Array.isArray(document.cells)).toBe(true);
    const ids = new Set<string>();
    for (const cell of document.cells) {
      expect(['code', 'markdown']).toContain(cell.cell_type);
      expect(typeof cell.metadata).toBe('object');
      expect(Array.isArray(cell.source)).toBe(true);
      expect(cell.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(ids.has(cell.id)).toBe(false);
      ids.add(cell.id);
      if (cell.cell_type !== 'code') {
        expect(cell).not.toHaveProperty('outputs');
        continue;
      }
      expect(cell).toHaveProperty('execution_count');
      expect(Array.isArray(cell.outputs)).toBe(true);
      for (const output of cell.outputs) {
        if (output.output_type === 'execute_result') {
          expect(Object.keys(output).sort()).toEqual([
            'data',
            'execution_count',
            'metadata',
            'output_type',
          ]);
          expect(output.execution_count).toBe(cell.execution_count);
        } else if (output.output_type === 'stream') {
          expect(['stdout', 'stderr']).toContain(output.name);
          expect(Array.isArray(output.text)).toBe(true);
        } else if (output.output_type === 'error') {
          expect(typeof output.ename).toBe('string');
          expect(typeof output.evalue).toBe('string');
          expect(Array.isArray(output.traceback)).toBe(true);
        } else {
          expect(output.output_type).toBe('display_data');
          expect(output).toHaveProperty('data');
          expect(output).toHaveProperty('metadata');
        }
      }
    }
    const parsed = parseIpynb(JSON.stringify(document));
    expect(parsed.cells.map((c) => [c.n, c.input, c.output, c.printed])).toEqual(
      store.cells.map((c) => [c.n, c.input, c.output, c.printed]),
    );
    expect(parsed.cells[4]?.error?.text).toBe(store.cells[4]?.error?.text);
  });

  it('refuses what is not a notebook with one sentence', () => {
    expect(() => parseMarkdown('# just a README\n\nno cells', "'a.md'")).toThrow(/holds no cells/);
    expect(() => parseMarkdown('### In [1]\n\ntext only', "'a.md'")).toThrow(
      /cell \[1\] has no code block/,
    );
    expect(() => parseIpynb('{"nbformat": 3}', "'a.ipynb'")).toThrow(/nbformat 4/);
    expect(() => parseIpynb('{', "'a.ipynb'")).toThrow(/not valid JSON/);
  });
});

describe('--check: what is a difference', () => {
  const cell = (output: string): Cell => ({ n: 1, input: 'x', printed: [], calls: [], output });

  it('ids, timestamps, origins, masked tokens and durations differ by nature', () => {
    const sides = { recorded: new Normaliser(), now: new Normaliser() };
    const a = cell(
      `'${HOME}' at 2025-01-01T00:00:00.000Z on http://127.0.0.1:4000/api/2 Bearer eyJhbGciOiJIUzI1… (34 ms)`,
    );
    const b = cell(
      `'${CREATED}' at 2026-05-05T10:11:12Z on http://127.0.0.1:5999/api/2 Bearer eyJ0eXAiOiJKV1Qi… (7 ms)`,
    );
    expect(compareCells(a, b, sides)).toEqual([]);
  });

  it('the same id must stay the same id; values, versions and statuses are compared', () => {
    const sides = { recorded: new Normaliser(), now: new Normaliser() };
    expect(compareCells(cell(`${HOME} ${HOME}`), cell(`${HOME} ${CREATED}`), sides)).toHaveLength(
      1,
    );
    const fresh = () => ({ recorded: new Normaliser(), now: new Normaliser() });
    expect(compareCells(cell('"version": 2'), cell('"version": 3'), fresh())).toHaveLength(1);
    const calls = (status: number): Cell => ({
      ...cell(''),
      calls: [{ method: 'PUT', path: `/api/2/tenants/${HOME}/mfa/status`, status }],
    });
    expect(compareCells(calls(200), calls(403), fresh())[0]?.part).toBe('calls');
    const error: Cell = {
      ...cell(''),
      output: undefined,
      error: { name: 'E', message: 'm', text: '✖ m' },
    };
    expect(compareCells(cell('1'), error, fresh()).map((d) => d.part)).toEqual([
      'Out[1]',
      'Err[1]',
    ]);
  });
});

describe('scripts: the session made repeatable', () => {
  it('maps the home tenant, POST ids and created names to variables; leaves token calls out', () => {
    const plan = planScript(seedSession().store.cells, { homeTenantId: HOME, clientId: CLIENT });
    const calls = plan.cells.flatMap((c) => c.calls);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'PUT']);
    expect(calls[0]?.saves).toEqual([{ variable: 'created_tenant_id', from: [{ key: 'id' }] }]);
    expect(plan.usesRunId).toBe(true);
    const py = renderScript('py', { plan, meta: META, cellCount: 5 });
    expect(py).toContain("'name': f'My Test Customer {run_id}'");
    expect(py).toContain("'parent_id': tenant_id,");
    expect(py).toContain("f'{base_url}/tenants/{created_tenant_id}/mfa/status'");
    expect(py).toContain(
      "f'{base_url}/search?tenant={tenant_id}&text=My+Test+Customer%20{run_id}&limit=50'",
    );
    expect(py).not.toContain(HOME);
    expect(py).not.toContain(CREATED);
    expect(py).not.toMatch(/idp\/token'\)?,\s*headers=\{'Content-Type': 'application\/json'/);
    const sh = renderScript('sh', { plan, meta: META, cellCount: 5 });
    expect(sh).toContain(`call PUT "/tenants/\${created_tenant_id}/mfa/status" 200`);
    expect(sh).toContain(`"name": "My Test Customer '"$run_id"'"`);
    const ts = renderScript('ts', { plan, meta: META, cellCount: 5 });
    expect(ts).toContain('const created_tenant_id = last?.id;');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript the script holds
    expect(ts).toContain('name: `My Test Customer ${run_id}`');
  });
});

describe('scripts: values from the answers, secrets from the environment', () => {
  const REPORT = '5b1e2f3a-1111-4222-8333-944445555666';
  const CSV = 'c465f507-ce5d-442c-bcc1-cdda6aff86ad';
  const JSON_FILE = '545de020-5736-4ec9-a64c-498e1de4e2a3';
  const USER = '82c5fdec-f24d-4489-ab64-c86988f99b67';
  const PASSWORD = 'Swordfish-Ünïcode-42';
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: TypeScript in the cells, scripts' own syntax
  const cells: Cell[] = [
    {
      n: 1,
      input: 'response = await post(`${base_url}/reports`, report_params)',
      printed: [],
      calls: [
        { method: 'POST', path: '/api/2/reports', status: 200, responseBody: { id: REPORT } },
      ],
    },
    {
      n: 2,
      input:
        'for (let tries = 0; tries < 60; tries++) {\n  response = await get(`${base_url}/reports/${report_id}/stored`)\n  stored = response.json().items\n}',
      printed: [],
      calls: [
        {
          method: 'GET',
          path: `/api/2/reports/${REPORT}/stored`,
          status: 200,
          responseBody: {
            items: [
              { id: CSV, report_format: 'csv_v2_0', status: 'saved' },
              { id: JSON_FILE, report_format: 'json_v2_0', status: 'saved' },
            ],
          },
        },
      ],
    },
    {
      n: 3,
      input:
        "json_id = stored.find((s) => s.report_format === 'json_v2_0').id\nawait get(`${base_url}/reports/${report_id}/stored/${json_id}`)",
      printed: [],
      calls: [{ method: 'GET', path: `/api/2/reports/${REPORT}/stored/${JSON_FILE}`, status: 200 }],
    },
    {
      n: 4,
      input: `await get(\`\${base_url}/reports/\${report_id}/stored/${CSV}\`)`,
      printed: [],
      calls: [{ method: 'GET', path: `/api/2/reports/${REPORT}/stored/${CSV}`, status: 200 }],
    },
    {
      n: 5,
      input:
        'response = await get(`${base_url}/tenants/${tenant_id}/pricing`)\npricing = response.json()',
      printed: [],
      calls: [
        {
          method: 'GET',
          path: `/api/2/tenants/${HOME}/pricing`,
          status: 200,
          responseBody: {
            mode: 'trial',
            production_start_date: '2027-02-01T00:00:00',
            version: 1796120715221,
          },
        },
      ],
    },
    {
      n: 6,
      input:
        "pricing.mode = 'production'\nawait put(`${base_url}/tenants/${tenant_id}/pricing`, {...pricing, users: 7})",
      printed: [],
      calls: [
        {
          method: 'PUT',
          path: `/api/2/tenants/${HOME}/pricing`,
          status: 200,
          requestBody: {
            mode: 'production',
            production_start_date: '2027-02-01T00:00:00',
            version: 1796120715221,
            users: 7,
          },
        },
      ],
    },
    {
      n: 7,
      input:
        'response = await post(`${base_url}/idp/ott`, {purpose: "user_login", login})\nott = response.json().ott',
      printed: [],
      calls: [
        { method: 'POST', path: '/api/2/idp/ott', status: 200, responseBody: { ott: '****' } },
      ],
    },
    {
      n: 8,
      input: 'await post(`${base_url}/idp/ott/login`, JSON.stringify({ott}))',
      printed: [],
      calls: [
        {
          method: 'POST',
          path: '/api/2/idp/ott/login',
          status: 200,
          requestBody: '{"ott":"OK8A…"}',
        },
      ],
    },
    {
      n: 9,
      input: `await post(\`\${base_url}/users/\${user_id}/password\`, JSON.stringify({password: '${PASSWORD}'}))`,
      printed: [],
      calls: [
        {
          method: 'POST',
          path: `/api/2/users/${USER}/password`,
          status: 204,
          requestBody: JSON.stringify({ password: PASSWORD }),
        },
      ],
    },
  ];
  const plan = planScript(cells, { homeTenantId: HOME, clientId: CLIENT });
  const render = (language: 'py' | 'sh' | 'ts') =>
    renderScript(language, { plan, meta: META, cellCount: cells.length });

  it('reads what a cell took from an answer where the script gets it, and keeps what was typed', () => {
    const py = render('py');
    expect(py).toContain("created_report_id = response.json()['id']");
    expect(py).toContain(
      "json_id = next((item['id'] for item in response.json()['items'] if item.get('report_format') == 'json_v2_0'), None)",
    );
    expect(py).toContain("f'{base_url}/reports/{created_report_id}/stored/{json_id}'");
    // Typed in cell 4: the same id stays as it was, though an answer had it.
    expect(py).toContain(`f'{base_url}/reports/{created_report_id}/stored/${CSV}'`);
    expect(py).toContain("pricing_version = response.json()['version']");
    expect(py).toContain("'version': pricing_version,");
    expect(py).toContain("'production_start_date': pricing_production_start_date,");
    expect(py).toContain("'mode': 'production',");
    expect(py).toContain("'users': 7,");
    // The one-time token: masked in the recording, read from the script's own answer.
    expect(py).toContain("ott = response.json()['ott']");
    expect(py).toContain("'ott': ott,");
    expect(py).not.toContain('OK8A');

    const sh = render('sh');
    expect(sh).toContain(
      `json_id=$(read_answer '.items | first(.[] | select(.report_format == "json_v2_0")) | .id')`,
    );
    expect(sh).toContain(`"version": '"$pricing_version"',`);
    expect(sh).toContain("ott=$(read_answer '.ott')");
    const ts = render('ts');
    expect(ts).toContain(
      'const json_id = last?.items?.find((item: Json) => item?.report_format === "json_v2_0")?.id;',
    );
    expect(ts).toContain('version: pricing_version,');
  });

  it("a version sent as text is the answer's number, as text", () => {
    const moved: Cell[] = [
      {
        n: 1,
        input: 'moved = (await get(`${base_url}/tenants/${tenant_id}`)).json()',
        printed: [],
        calls: [
          {
            method: 'GET',
            path: `/api/2/tenants/${HOME}`,
            status: 200,
            responseBody: { version: 2 },
          },
        ],
      },
      {
        n: 2,
        input: 'await put(`${base_url}/tenants/${tenant_id}`, {version: String(moved.version)})',
        printed: [],
        calls: [
          {
            method: 'PUT',
            path: `/api/2/tenants/${HOME}`,
            status: 200,
            requestBody: { version: '2' },
          },
        ],
      },
    ];
    const input = { plan: planScript(moved, { homeTenantId: HOME }), meta: META, cellCount: 2 };
    expect(renderScript('py', input)).toContain("'version': f'{tenant_version}',");
    expect(renderScript('ts', input)).toContain('version: `${tenant_version}`,');
  });

  it('polls a GET the cell repeated in a loop until the answer says what it waited for', () => {
    expect(plan.cells[1]?.calls[0]?.poll).toEqual(['saved', 'saved']);
    expect(plan.cells[2]?.calls[0]?.poll).toBeUndefined();
    expect(render('sh')).toContain(
      `poll "/reports/\${created_report_id}/stored" 200 '["saved","saved"]'`,
    );
    expect(render('py')).toContain("), 200, ['saved', 'saved'])");
    expect(render('ts')).toContain(
      "last = await poll(`/reports/${created_report_id}/stored`, 200, ['saved', 'saved']);",
    );
  });

  it('a password the session sent is read from an environment variable or made, never written', () => {
    expect(plan.secrets).toEqual([
      { variable: 'password', env: 'TENANT_SHELL_PASSWORD', key: 'password', cells: [9] },
    ]);
    for (const language of ['py', 'sh', 'ts'] as const) {
      const text = render(language);
      expect(text, language).not.toContain(PASSWORD);
      expect(text, language).toContain(
        'TENANT_SHELL_PASSWORD       optional: the password cell [9] sends;',
      );
      expect(text, language).toContain("JSON.stringify({password: '****'})");
    }
    expect(render('py')).toContain(
      "password = os.environ.get('TENANT_SHELL_PASSWORD') or secrets.token_urlsafe(18)",
    );
    expect(render('py')).toContain("'password': password,");
    expect(render('sh')).toContain(
      "password=${TENANT_SHELL_PASSWORD:-$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24)}",
    );
    expect(render('sh')).toContain(`"password": "'"$password"'"`);
    expect(render('ts')).toContain(
      "const password = process.env.TENANT_SHELL_PASSWORD || randomBytes(18).toString('base64url');",
    );
  });
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the block
});

describe('.save', () => {
  const source = (): SaveSource => {
    const { store, redactor } = seedSession();
    return {
      notebook: notebookOf(store),
      ids: { homeTenantId: HOME, clientId: CLIENT },
      redact: (t) => redactor.redact(t),
    };
  };
  const dir = () => mkdtempSync(join(tmpdir(), 'tenant-shell-save-'));
  const sentence = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TenantShellError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  };

  it('refuses no name, an unknown extension and an empty session, in one sentence', async () => {
    expect(await sentence(saveNotebook('  ', source()))).toMatch(/needs a file name/);
    expect(await sentence(saveNotebook(join(dir(), 'x.txt'), source()))).toMatch(
      /extension says the format, one of \.md, \.ipynb, \.ts, \.py, \.sh/,
    );
    const empty = { ...source(), notebook: { ...source().notebook, cells: [] } };
    expect(await sentence(saveNotebook(join(dir(), 'x.md'), empty))).toMatch(/Nothing to save yet/);
    expect(await sentence(saveNotebook(join(dir(), 'no/such/x.md'), source()))).toMatch(
      /the folder .* does not exist/,
    );
  });

  it('says when it replaces a file, and leaves an existing file whole when it cannot write', async () => {
    const where = dir();
    const file = join(where, 'session.md');
    writeFileSync(file, 'precious');
    const result = await saveNotebook(file, source());
    expect(result.replaced).toBe(true);
    expect(result.message).toMatch(/replacing the file that was there/);
    expect(readFileSync(file, 'utf8')).toContain('### In [1]');

    // A failure at the last step (the rename) as at any other: the old file stays whole,
    // and no temporary file is left behind.
    writeFileSync(file, 'precious');
    const rename = vi
      .spyOn(fs.promises, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('denied'), { code: 'EACCES' }));
    try {
      expect(await sentence(saveNotebook(file, source()))).toBe(
        `Cannot save to '${file}': permission denied.`,
      );
    } finally {
      rename.mockRestore();
    }
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(readdirSync(where)).toEqual(['session.md']);
  });

  it('no format holds the secret or the token', async () => {
    const where = dir();
    for (const ext of ['md', 'ipynb', 'ts', 'py', 'sh']) {
      const file = join(where, `session.${ext}`);
      await saveNotebook(file, source());
      const text = readFileSync(file, 'utf8');
      expect(text, ext).not.toContain(SECRET);
      expect(text, ext).not.toContain(TOKEN);
      expect(text, ext).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    }
  });
});
