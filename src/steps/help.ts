// What `.help` prints, and what `.help NAME` and the kernel's inspect say of one helper: one
// place, so the terminal and Jupyter describe a helper in the same words.

import { readTutorialFile, TUTORIALS_DIR } from '../tutorial/catalogue.ts';
import { visibleLine } from '../ui/visible.ts';
import { findHelper, HELPERS, type HelperSpec, TOPICS } from './registry.ts';

const COMMANDS = [
  '  .guide     The tutorials (the onboarding journey, page by page); .guide NAME walks one.',
  '  .help NAME One helper: what it does, its page and an example.',
  '  .whoami    The data center, API client, tenant and token expiry.',
  '  .login     Log in again: another data center or API client.',
  '  .verbose   Show every call (> PUT /api/2/... and < 200 (34 ms)); again to hide.',
  '  .curl      The last call as a curl command (credentials as variables).',
  '  .history   The cells of this session, one line each (Out[n], Err[n], _n hold them).',
  '  .save FILE Save the session: .md or .ipynb notebook, .ts, .py or .sh script.',
  '  .clear     Restore base_url, auth and tenant_id.   .exit  Leave (or Ctrl+D).',
];

/** Every helper, grouped by topic, one line each, then the commands. */
export function helpText(): string {
  const width = Math.max(...HELPERS.map((h) => h.name.length)) + 2;
  const lines = [
    'Variables, as on the page: base_url, auth, tenant_id (and created_tenant_id, response, ...).',
    'Helpers (await them; .help NAME for one, with its page and an example):',
  ];
  for (const topic of TOPICS) {
    const helpers = HELPERS.filter((h) => h.topic === topic);
    if (topic === 'Raw calls') helpers.push(PPRINT);
    if (helpers.length === 0) continue;
    lines.push('', `${topic}:`);
    for (const h of helpers) lines.push(`  ${h.name.padEnd(width)}${h.summary}`);
  }
  lines.push(
    '',
    'Commands:',
    ...COMMANDS,
    '',
    'Ctrl+C cancels the call under way, or the question on screen.',
  );
  return lines.join('\n');
}

/** `pprint` is no platform call, but users look for it beside the raw calls. */
const PPRINT: HelperSpec = {
  name: 'pprint',
  topic: 'Raw calls',
  summary: "Print a value as the page's pprint does.",
  example: 'pprint(response.json())',
  run: async () => undefined,
};

export interface HelperDoc {
  text: string;
  markdown: string;
}

/** The page a helper does, as its tutorial names it, or nothing if it has none. */
function pageOf(helper: HelperSpec): { title: string; link: string; tutorial: string } | null {
  if (!helper.tutorial) return null;
  try {
    const t = readTutorialFile(`${TUTORIALS_DIR}/${helper.tutorial}.md`, helper.tutorial);
    return { title: t.title, link: t.page, tutorial: t.name };
  } catch {
    return null;
  }
}

/** One helper in full, or null when no helper has that name. */
export function helperDoc(name: string): HelperDoc | null {
  const helper = name === 'pprint' ? PPRINT : findHelper(name);
  if (!helper) return null;
  const page = pageOf(helper);
  const step = helper.step === undefined ? '' : `, step ${helper.step}`;
  const text = [
    `${helper.name}  (${helper.topic})`,
    helper.summary,
    ...(helper.details ? [helper.details] : []),
    ...(page
      ? [`Page: ${page.title}${step} (${page.link}); walk it with .guide ${page.tutorial}`]
      : []),
    `Example: ${helper.example}`,
  ];
  const markdown = [
    `**${helper.name}** (${helper.topic})`,
    '',
    helper.summary,
    ...(helper.details ? ['', helper.details] : []),
    ...(page
      ? ['', `Page: [${page.title}](${page.link})${step}; walk it with \`.guide ${page.tutorial}\``]
      : []),
    '',
    '```ts',
    helper.example,
    '```',
  ];
  return { text: text.join('\n'), markdown: markdown.join('\n') };
}

/** The names `.help NAME` takes. */
export function helperNames(): string[] {
  return [...HELPERS.map((h) => h.name), PPRINT.name];
}

/** `.help NAME`: the helper, or one sentence saying what `.help` takes. */
export function helpFor(name: string): string {
  const doc = helperDoc(name);
  if (doc) return doc.text;
  const near = HELPERS.map((h) => h.name).filter(
    (n) =>
      n.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(n.toLowerCase()),
  );
  const hint = near.length > 0 ? ` Did you mean ${near.slice(0, 3).join(', ')}?` : '';
  return `There is no helper named '${visibleLine(name)}': .help NAME takes a helper's name, as .help lists them.${hint}`;
}
