// biome-ignore-all lint/suspicious/noTemplateCurlyInString: this module writes code in other languages, where ${...} is their own syntax
// A session as a runnable script that repeats its API calls (see script-plan.ts for what is
// replaced by variables): TypeScript on undici, Python on requests in the seed page's style,
// or POSIX sh with curl and jq. Credentials come from the environment, never from the file;
// each script gets its own token (client_credentials) and stops at the first status that
// differs from the session's.

import { MASK } from '../api/redact.ts';
import { visibleLine } from '../ui/visible.ts';
import type { NotebookMeta } from './cells.ts';
import { describeRecording } from './render-markdown.ts';
import {
  mergePieces,
  type Piece,
  RUN_ID,
  type ScriptCall,
  type ScriptPlan,
  type ScriptSecret,
  type Step,
  Str,
  type Value,
  Var,
} from './script-plan.ts';

export type ScriptLanguage = 'ts' | 'py' | 'sh';

interface ScriptInput {
  plan: ScriptPlan;
  meta: NotebookMeta;
  cellCount: number;
}

function about(input: ScriptInput): string[] {
  const calls = input.plan.cells.reduce((sum, c) => sum + c.calls.length, 0);
  return [
    'A tenant-shell session saved as a script.',
    describeRecording({ meta: input.meta, cells: [] }).replace(/: 0 cells, 0 HTTP calls\./, '.'),
    `It repeats the ${calls} API call${calls === 1 ? '' : 's'} of its ${input.cellCount} cell${input.cellCount === 1 ? '' : 's'} in order, and stops`,
    'at the first answer whose status differs from the one the session got.',
    '',
    'Environment:',
    '  TENANT_SHELL_URL            the data center URL (with or without /api/2)',
    "  TENANT_SHELL_CLIENT_ID      the API client's id",
    '  TENANT_SHELL_CLIENT_SECRET  its secret',
    ...(input.plan.usesRunId
      ? [
          '  TENANT_SHELL_RUN_ID         optional: letters and digits appended to the tenant names and',
          '                              logins this script creates (names are unique across the',
          '                              platform); by default a new one each run, so it runs again.',
        ]
      : []),
    ...input.plan.secrets.flatMap((secret) => secretLines(secret)),
  ];
}

/** What a secret's variable is for, in the header: the session's value is never written. */
function secretLines(secret: ScriptSecret): string[] {
  const cells = secret.cells.map((n) => `[${n}]`).join(', ');
  return [
    `  ${secret.env.padEnd(28)}optional: the ${secret.key} cell${secret.cells.length === 1 ? '' : 's'} ${cells} send${secret.cells.length === 1 ? 's' : ''};`,
    `  ${''.padEnd(28)}by default a new random one each run, never printed (the`,
    `  ${''.padEnd(28)}session's own is not in this file).`,
  ];
}

/**
 * A comment line holding text from outside (a cell, a tenant's name). Python also ends a line
 * at a lone CR, JavaScript at U+2028 and U+2029: every control character and line separator is
 * written as an escape, so nothing can leave the comment and become code.
 */
function commentLine(mark: string, text: string): string {
  return `${mark} ${visibleLine(text)}`.trimEnd();
}

/**
 * Comment lines for a cell: its input, as typed (secrets were masked when it was recorded, and
 * a secret the plan found sent in a body is masked here too).
 */
function cellComment(
  n: number,
  input: string,
  mark: string,
  calls: number,
  typedSecrets: readonly string[],
): string[] {
  const masked = typedSecrets.reduce((text, secret) => text.replaceAll(secret, MASK), input);
  const lines = masked.split('\n');
  const note = calls === 0 ? '  (no API call)' : '';
  return lines.map((line, i) =>
    commentLine(
      mark,
      `${i === 0 ? `In [${n}]: ` : '         '}${line}${i === lines.length - 1 ? note : ''}`,
    ),
  );
}

// ---- string literals --------------------------------------------------------------------

function escapeQuoted(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replace(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters
        /[\u0000-\u001f\u007f-\u009f]/g,
        (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      )
      // Line and paragraph separators, and the bidi controls that can make code read otherwise.
      .replace(
        /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16)}`,
      )
  );
}

function pyString(str: Str): string {
  if (str.onlyVariable) return str.onlyVariable;
  if (str.variables.length === 0) return `'${escapeQuoted(textOf(str))}'`;
  const body = str.pieces
    .map((p) =>
      'variable' in p ? `{${p.variable}}` : escapeQuoted(p.text).replace(/[{}]/g, '$&$&'),
    )
    .join('');
  return `f'${body}'`;
}

function tsString(str: Str): string {
  if (str.onlyVariable) return str.onlyVariable;
  if (str.variables.length === 0) return `'${escapeQuoted(textOf(str))}'`;
  const body = str.pieces
    .map((p) =>
      'variable' in p
        ? `\${${p.variable}}`
        : p.text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${'),
    )
    .join('');
  return `\`${body}\``;
}

/** A double-quoted sh word: variables expand, nothing else does. */
function shDouble(str: Str): string {
  return `"${str.pieces
    .map((p) => ('variable' in p ? `\${${p.variable}}` : p.text.replace(/[\\"$`]/g, '\\$&')))
    .join('')}"`;
}

/** Literal text single-quoted, variables double-quoted, side by side: one sh word. */
function shWord(pieces: Piece[]): string {
  return mergePieces(pieces)
    .map((p) => ('variable' in p ? `"$${p.variable}"` : `'${p.text.replace(/'/g, `'\\''`)}'`))
    .join('');
}

function textOf(str: Str): string {
  return str.pieces.map((p) => ('text' in p ? p.text : '')).join('');
}

// ---- JSON bodies ------------------------------------------------------------------------

interface LiteralStyle {
  /** One level of indentation. */
  unit: string;
  string(str: Str): string;
  key(key: string): string;
  true: string;
  false: string;
  null: string;
}

const PY: LiteralStyle = {
  unit: '    ',
  string: pyString,
  key: (k) => `'${escapeQuoted(k)}'`,
  true: 'True',
  false: 'False',
  null: 'None',
};
const TS: LiteralStyle = {
  unit: '  ',
  string: tsString,
  key: (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${escapeQuoted(k)}'`),
  true: 'true',
  false: 'false',
  null: 'null',
};

/** A body as a Python or TypeScript literal, one `style.unit` per level, starting at `indent`. */
function literal(value: Value, style: LiteralStyle, indent: string): string {
  if (value === null) return style.null;
  if (value === true) return style.true;
  if (value === false) return style.false;
  if (typeof value === 'number') return String(value);
  if (value instanceof Str) return style.string(value);
  if (value instanceof Var) return value.variable;
  const inner = `${indent}${style.unit}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${literal(v, style, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${style.key(k)}: ${literal(v, style, inner)},`).join('\n')}\n${indent}}`;
}

/** A body as JSON text whose strings may hold variables (for sh), four-space indents. */
function jsonPieces(value: Value, indent = ''): Piece[] {
  if (value instanceof Str) {
    const inside = value.pieces.map((p) =>
      'variable' in p ? p : { text: JSON.stringify(p.text).slice(1, -1) },
    );
    return [{ text: '"' }, ...inside, { text: '"' }];
  }
  // A number read from an answer: the variable's text is the JSON number.
  if (value instanceof Var) return [{ variable: value.variable }];
  if (value === null || typeof value !== 'object') return [{ text: JSON.stringify(value) }];
  const inner = `${indent}    `;
  const items: Piece[][] = Array.isArray(value)
    ? value.map((v) => [{ text: inner }, ...jsonPieces(v, inner)])
    : Object.entries(value).map(([k, v]) => [
        { text: `${inner}${JSON.stringify(k)}: ` },
        ...jsonPieces(v, inner),
      ]);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return [{ text: `${open}${close}` }];
  const out: Piece[] = [{ text: `${open}\n` }];
  items.forEach((item, i) => {
    out.push(...item, { text: i < items.length - 1 ? ',\n' : '\n' });
  });
  out.push({ text: `${indent}${close}` });
  return out;
}

// ---- reading answers -------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `response.json()['items']...`: a pick is the first matching item, or None. */
function pyRead(steps: Step[], base = 'response.json()', depth = 1): string {
  let expr = base;
  for (const [i, step] of steps.entries()) {
    if ('key' in step) expr += `['${escapeQuoted(step.key)}']`;
    else if ('index' in step) expr += `[${step.index}]`;
    else {
      const item = depth === 1 ? 'item' : `item${depth}`;
      const rest = pyRead(steps.slice(i + 1), item, depth + 1);
      const { key, value } = step.pick;
      return `next((${rest} for ${item} in ${expr} if ${item}.get('${escapeQuoted(key)}') == '${escapeQuoted(value)}'), None)`;
    }
  }
  return expr;
}

/** `.key`, or `["a key"]` where the key is no identifier. */
function tsKey(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `last.items?.find(...)?.id`: undefined where the answer has nothing. */
function tsRead(steps: Step[]): string {
  let expr = 'last';
  for (const step of steps) {
    if ('key' in step) expr += `?.${tsKey(step.key).replace(/^\./, '')}`;
    else if ('index' in step) expr += `?.[${step.index}]`;
    else {
      const { key, value } = step.pick;
      const field = tsKey(key).replace(/^\./, '');
      expr += `?.find((item: Json) => item?.${field} === ${JSON.stringify(value)})`;
    }
  }
  return expr;
}

/** A jq filter: `.items | first(.[] | select(.report_format == "csv_v2_0")) | .id`. */
function jqFilter(steps: Step[]): string {
  const stages = steps.map((step) => {
    if ('key' in step)
      return IDENTIFIER.test(step.key) ? `.${step.key}` : `.[${JSON.stringify(step.key)}]`;
    if ('index' in step) return `.[${step.index}]`;
    const { key, value } = step.pick;
    const field = IDENTIFIER.test(key) ? `.${key}` : `.[${JSON.stringify(key)}]`;
    return `first(.[] | select(${field} == ${JSON.stringify(value)}))`;
  });
  return stages.length === 0 ? '.' : stages.join(' | ');
}

function shSingle(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// ---- Python -----------------------------------------------------------------------------

function pyCall(call: ScriptCall): string[] {
  const url = `${pyString(new Str([{ variable: 'base_url' }, ...call.path.pieces]))},`;
  const method = call.method.toLowerCase();
  const lines: string[] = [];
  if (call.poll) {
    lines.push(
      `response = poll(lambda: requests.${method}(`,
      `    ${url}`,
      '    headers=auth,',
      `), ${call.status}, [${call.poll.map((s) => `'${escapeQuoted(s)}'`).join(', ')}])`,
    );
  } else {
    lines.push(`response = requests.${method}(`, `    ${url}`);
    if (call.body === undefined) lines.push('    headers=auth,');
    else {
      lines.push("    headers={'Content-Type': 'application/json', **auth},");
      lines.push(`    data=json.dumps(${literal(call.body, PY, '    ')}, indent=4),`);
    }
    lines.push(')');
  }
  lines.push(`expect(response, ${call.status})`);
  for (const save of call.saves) lines.push(`${save.variable} = ${pyRead(save.from)}`);
  return lines;
}

function renderPython(input: ScriptInput): string {
  const { plan } = input;
  const polls = plan.cells.some((c) => c.calls.some((call) => call.poll));
  const out = [
    '#!/usr/bin/env python3',
    // Comments, not a docstring: a tenant's name in it could otherwise close the string.
    ...about(input).map((l) => commentLine('#', l)),
    '#',
    '# Needs Python 3 and requests (pip install requests).',
    'import json',
    'import os',
    ...(plan.secrets.length > 0 ? ['import secrets'] : []),
    'import sys',
    'import time',
    '',
    'import requests',
    '',
    '',
    'def env(name):',
    '    value = os.environ.get(name)',
    '    if not value:',
    "        sys.exit(f'Set {name} first: see the top of this script.')",
    '    return value',
    '',
    '',
    'def expect(response, status):',
    '    """Stops the script when the platform answers otherwise than it did in the session."""',
    "    print(f'{response.request.method} {response.request.path_url} -> {response.status_code}')",
    '    if response.status_code != status:',
    "        sys.exit(f'Expected {status}, got {response.status_code}: {response.text[:500]}')",
    '',
    '',
  ];
  if (polls) {
    out.push(
      'def statuses(value):',
      '    """The `status` fields of an answer, depth first: what a poll waits for."""',
      '    if isinstance(value, list):',
      '        return [s for v in value for s in statuses(v)]',
      '    if not isinstance(value, dict):',
      '        return []',
      "    own = [value['status']] if isinstance(value.get('status'), str) else []",
      '    return own + [s for v in value.values() for s in statuses(v)]',
      '',
      '',
      'def poll(send, status, wanted):',
      '    """Sends again, once a second for two minutes at most, until the answer is what the session waited for."""',
      '    response = send()',
      '    for _ in range(120):',
      '        if response.status_code != status or statuses(response.json()) == wanted:',
      '            break',
      '        time.sleep(1)',
      '        response = send()',
      '    return response',
      '',
      '',
    );
  }
  out.push(
    "url = env('TENANT_SHELL_URL').rstrip('/')",
    "base_url = url if url.endswith('/api/2') else url + '/api/2'",
    "client_id = env('TENANT_SHELL_CLIENT_ID')",
    "client_secret = env('TENANT_SHELL_CLIENT_SECRET')",
  );
  if (plan.usesRunId) {
    out.push(
      `${RUN_ID} = os.environ.get('TENANT_SHELL_RUN_ID') or time.strftime('%Y%m%d%H%M%S') + os.urandom(2).hex()`,
    );
  }
  for (const secret of plan.secrets) {
    out.push(`${secret.variable} = os.environ.get('${secret.env}') or secrets.token_urlsafe(18)`);
  }
  out.push(
    '',
    "# Step 1 of the page: authenticate, and the API client's tenant as tenant_id.",
    'response = requests.post(',
    "    f'{base_url}/idp/token',",
    "    headers={'Content-Type': 'application/x-www-form-urlencoded'},",
    '    auth=(client_id, client_secret),',
    "    data={'grant_type': 'client_credentials'},",
    ')',
    'response.raise_for_status()',
    "auth = {'Authorization': 'Bearer ' + response.json()['access_token']}",
    "tenant_id = requests.get(f'{base_url}/clients/{client_id}', headers=auth).json()['tenant_id']",
  );
  for (const cell of plan.cells) {
    out.push('', ...cellComment(cell.n, cell.input, '#', cell.calls.length, plan.typedSecrets));
    for (const call of cell.calls) out.push(...pyCall(call));
  }
  if (plan.cells.some((c) => c.calls.length > 0)) {
    out.push(
      '',
      '# The last answer, as the page prints it.',
      'try:',
      '    print(json.dumps(response.json(), indent=4))',
      'except ValueError:  # no answer, or not JSON (a CSV report, say)',
      '    print(response.text)',
    );
  }
  return `${out.join('\n')}\n`;
}

// ---- TypeScript -------------------------------------------------------------------------

function tsCall(call: ScriptCall): string[] {
  const path = tsString(call.path);
  const lines: string[] = [];
  if (call.poll) {
    const wanted = `[${call.poll.map((s) => `'${escapeQuoted(s)}'`).join(', ')}]`;
    lines.push(`  last = await poll(${path}, ${call.status}, ${wanted});`);
  } else {
    const body = call.body === undefined ? '' : `, ${literal(call.body, TS, '  ')}`;
    lines.push(`  last = await call('${call.method}', ${path}, ${call.status}${body});`);
  }
  for (const save of call.saves) lines.push(`  const ${save.variable} = ${tsRead(save.from)};`);
  return lines;
}

function renderTypeScript(input: ScriptInput): string {
  const { plan } = input;
  const out = [
    '#!/usr/bin/env -S node --import tsx',
    ...about(input).map((l) => commentLine('//', l)),
    '//',
    '// Run it with Node 20 or newer where undici and tsx are installed (npm install undici tsx):',
    '//   node --import tsx <this file>',
    ...(plan.secrets.length > 0 ? ["import { randomBytes } from 'node:crypto';"] : []),
    "import { request } from 'undici';",
    '',
    '// Answers are JSON from outside, read where the session read them, whatever their shape.',
    'type Json = any;',
    '',
    'function env(name: string): string {',
    '  const value = process.env[name];',
    '  if (!value) {',
    '    console.error(`Set ${name} first: see the top of this script.`);',
    '    process.exit(1);',
    '  }',
    '  return value;',
    '}',
    '',
    "const url = env('TENANT_SHELL_URL').replace(/\\/+$/, '');",
    "const base_url = url.endsWith('/api/2') ? url : `${url}/api/2`;",
    "const client_id = env('TENANT_SHELL_CLIENT_ID');",
    "const client_secret = env('TENANT_SHELL_CLIENT_SECRET');",
  ];
  if (plan.usesRunId) {
    out.push(
      `const ${RUN_ID} = process.env.TENANT_SHELL_RUN_ID || Date.now().toString(36) + Math.random().toString(36).slice(2, 6);`,
    );
  }
  for (const secret of plan.secrets) {
    out.push(
      `const ${secret.variable} = process.env.${secret.env} || randomBytes(18).toString('base64url');`,
    );
  }
  out.push(
    'let auth: Record<string, string> = {};',
    '',
    '/** One request: its status and the text of its answer. */',
    'async function send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {',
    '  const headers: Record<string, string> = { ...auth };',
    "  if (body !== undefined) headers['content-type'] = 'application/json';",
    '  const response = await request(`${base_url}${path}`, {',
    "    method: method as 'GET',",
    '    headers,',
    '    body: body === undefined ? undefined : JSON.stringify(body, null, 4),',
    '  });',
    '  return { status: response.statusCode, text: await response.body.text() };',
    '}',
    '',
    '/** Stops the script when the platform answered otherwise than in the session. */',
    'function expect(method: string, path: string, status: number, answer: { status: number; text: string }): Json {',
    '  console.log(`${method} ${path} -> ${answer.status}`);',
    '  if (answer.status !== status) {',
    '    console.error(`Expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);',
    '    process.exit(1);',
    '  }',
    '  try {',
    '    return answer.text ? JSON.parse(answer.text) : {};',
    '  } catch {',
    '    return answer.text; // not JSON: a CSV report, say',
    '  }',
    '}',
    '',
    'async function call(method: string, path: string, status: number, body?: unknown): Promise<Json> {',
    '  return expect(method, path, status, await send(method, path, body));',
    '}',
  );
  if (plan.cells.some((c) => c.calls.some((call) => call.poll))) {
    out.push(
      '',
      '/** The `status` fields of an answer, depth first: what a poll waits for. */',
      'function statuses(value: unknown): string[] {',
      '  if (Array.isArray(value)) return value.flatMap(statuses);',
      "  if (typeof value !== 'object' || value === null) return [];",
      '  const own = (value as { status?: unknown }).status;',
      "  return [...(typeof own === 'string' ? [own] : []), ...Object.values(value).flatMap(statuses)];",
      '}',
      '',
      '/** A GET sent again, once a second for two minutes at most, until the answer is what the session waited for. */',
      'async function poll(path: string, status: number, wanted: string[]): Promise<Json> {',
      "  let answer = await send('GET', path);",
      '  for (let tries = 0; tries < 120; tries++) {',
      '    if (answer.status !== status) break;',
      '    if (JSON.stringify(statuses(JSON.parse(answer.text))) === JSON.stringify(wanted)) break;',
      '    await new Promise((resolve) => setTimeout(resolve, 1000));',
      "    answer = await send('GET', path);",
      '  }',
      "  return expect('GET', path, status, answer);",
      '}',
    );
  }
  out.push(
    '',
    'async function main(): Promise<void> {',
    "  // Step 1 of the page: authenticate, and the API client's tenant as tenant_id.",
    "  const basic = Buffer.from(`${client_id}:${client_secret}`).toString('base64');",
    '  const token = await request(`${base_url}/idp/token`, {',
    "    method: 'POST',",
    "    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },",
    "    body: 'grant_type=client_credentials',",
    '  });',
    '  const tokenBody = (await token.body.json()) as { access_token?: string };',
    '  if (token.statusCode !== 200 || !tokenBody.access_token) {',
    '    console.error(`Logging in failed with status ${token.statusCode}: check the credentials.`);',
    '    process.exit(1);',
    '  }',
    '  auth = { authorization: `Bearer ${tokenBody.access_token}` };',
    '  const client = await request(`${base_url}/clients/${client_id}`, { headers: auth });',
    '  const tenant_id = String(((await client.body.json()) as { tenant_id?: string }).tenant_id);',
    '  let last: Json = {};',
  );
  for (const cell of plan.cells) {
    out.push('', ...cellComment(cell.n, cell.input, '  //', cell.calls.length, plan.typedSecrets));
    for (const call of cell.calls) out.push(...tsCall(call));
  }
  out.push(
    '',
    "  // The last answer, as the page's pprint shows it.",
    '  console.log(JSON.stringify(last, null, 4));',
    '}',
    '',
    'main().catch((error: unknown) => {',
    '  console.error(error instanceof Error ? error.message : error);',
    '  process.exit(1);',
    '});',
  );
  return `${out.join('\n')}\n`;
}

// ---- sh + curl + jq ---------------------------------------------------------------------

function shCall(call: ScriptCall): string[] {
  const lines: string[] = [];
  if (call.poll) {
    lines.push(`poll ${shDouble(call.path)} ${call.status} ${shSingle(JSON.stringify(call.poll))}`);
  } else {
    const args = [`call ${call.method} ${shDouble(call.path)} ${call.status}`];
    if (call.body !== undefined) args.push(shWord(jsonPieces(call.body)));
    lines.push(args.join(' '));
  }
  for (const save of call.saves) {
    lines.push(`${save.variable}=$(read_answer ${shSingle(jqFilter(save.from))})`);
  }
  return lines;
}

function renderShell(input: ScriptInput): string {
  const { plan } = input;
  const out = [
    '#!/bin/sh',
    ...about(input).map((l) => commentLine('#', l)),
    '#',
    '# Needs curl and jq (values are read from the answers with jq). The token and the secrets',
    '# stay off the command lines: curl reads them from a private file and its standard input.',
    'set -eu',
    '',
    ': "${TENANT_SHELL_URL:?Set TENANT_SHELL_URL first: see the top of this script.}"',
    ': "${TENANT_SHELL_CLIENT_ID:?Set TENANT_SHELL_CLIENT_ID first: see the top of this script.}"',
    ': "${TENANT_SHELL_CLIENT_SECRET:?Set TENANT_SHELL_CLIENT_SECRET first: see the top of this script.}"',
    'for tool in curl jq; do',
    '  command -v "$tool" >/dev/null 2>&1 || { echo "This script needs $tool: install it first." >&2; exit 1; }',
    'done',
    'base_url=${TENANT_SHELL_URL%/}',
    'case $base_url in */api/2) ;; *) base_url=$base_url/api/2 ;; esac',
    'client_id=$TENANT_SHELL_CLIENT_ID',
  ];
  if (plan.usesRunId) {
    out.push(`${RUN_ID}=\${TENANT_SHELL_RUN_ID:-$(date +%Y%m%d%H%M%S)$$}`);
  }
  for (const secret of plan.secrets) {
    // Written into JSON strings: backslashes and quotes escaped once, here.
    out.push(
      `${secret.variable}=\${${secret.env}:-$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24)}`,
      `${secret.variable}=$(printf '%s' "$${secret.variable}" | sed 's/[\\\\"]/\\\\&/g')`,
    );
  }
  out.push(
    'answer=$(mktemp)',
    'headers=$(mktemp)',
    'trap \'rm -f "$answer" "$headers"\' EXIT',
    '',
    '# read_answer FILTER: a value of the last answer (a jq filter); stops when it has none.',
    'read_answer() {',
    '  if ! jq -e -r "$1" "$answer" 2>/dev/null; then',
    '    echo "The last answer has no $1: $(head -c 500 "$answer")" >&2',
    '    exit 1',
    '  fi',
    '}',
    '',
    '# send METHOD PATH [JSON]: the answer into $answer, its status into $status.',
    'send() {',
    '  if [ $# -gt 2 ]; then',
    '    status=$(printf \'%s\' "$3" | curl -sS -o "$answer" -w \'%{http_code}\' -X "$1" "$base_url$2" \\',
    '      -H @"$headers" -H \'Content-Type: application/json\' --data-binary @-)',
    '  else',
    '    status=$(curl -sS -o "$answer" -w \'%{http_code}\' -X "$1" "$base_url$2" -H @"$headers")',
    '  fi',
    '}',
    '',
    '# expect METHOD PATH STATUS: stops when the platform answered otherwise than in the session.',
    'expect() {',
    '  echo "$1 $2 -> $status"',
    '  if [ "$status" != "$3" ]; then',
    '    echo "Expected $3, got $status: $(head -c 500 "$answer")" >&2',
    '    exit 1',
    '  fi',
    '}',
    '',
    '# call METHOD PATH STATUS [JSON]',
    'call() {',
    '  if [ $# -gt 3 ]; then send "$1" "$2" "$4"; else send "$1" "$2"; fi',
    '  expect "$1" "$2" "$3"',
    '}',
  );
  if (plan.cells.some((c) => c.calls.some((call) => call.poll))) {
    out.push(
      '',
      '# poll PATH STATUS STATUSES: a GET sent again, once a second for two minutes at most, until',
      "# the answer's `status` fields (depth first, as JSON) are what the session waited for.",
      'poll() {',
      '  tries=0',
      '  send GET "$1"',
      '  while [ "$status" = "$2" ] && [ "$tries" -lt 120 ] &&',
      '    [ "$(jq -c \'[.. | .status? | strings]\' "$answer" 2>/dev/null)" != "$3" ]; do',
      '    sleep 1',
      '    tries=$((tries + 1))',
      '    send GET "$1"',
      '  done',
      '  expect GET "$1" "$2"',
      '}',
    );
  }
  out.push(
    '',
    "# Step 1 of the page: authenticate, and the API client's tenant as tenant_id.",
    'printf \'user = "%s:%s"\\n\' "$TENANT_SHELL_CLIENT_ID" "$TENANT_SHELL_CLIENT_SECRET" |',
    '  curl -sS -f -o "$answer" -K - -X POST "$base_url/idp/token" --data grant_type=client_credentials',
    'token=$(read_answer .access_token)',
    'printf \'Authorization: Bearer %s\\n\' "$token" >"$headers"',
    'curl -sS -f -o "$answer" -H @"$headers" "$base_url/clients/$client_id"',
    'tenant_id=$(read_answer .tenant_id)',
  );
  for (const cell of plan.cells) {
    out.push('', ...cellComment(cell.n, cell.input, '#', cell.calls.length, plan.typedSecrets));
    for (const call of cell.calls) out.push(...shCall(call));
  }
  out.push('', '# The last answer.', 'cat "$answer"', 'echo');
  return `${out.join('\n')}\n`;
}

export function renderScript(language: ScriptLanguage, input: ScriptInput): string {
  if (language === 'py') return renderPython(input);
  if (language === 'ts') return renderTypeScript(input);
  return renderShell(input);
}
