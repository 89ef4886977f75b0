// The tutorial format, read by the notebook's one Markdown scan: steps, asks, confirms and the
// prose around cells; what is wrong with a file is one sentence; prose never becomes a recording.
import { describe, expect, it } from 'vitest';
import { parseMarkdown, parseTutorial } from '../../src/notebook/parse-notebook.ts';

const fence = '```';
const cell = (n: number, code: string) => `### In [${n}]\n\n${fence}ts\n${code}\n${fence}\n`;
const HEAD =
  '<!-- tutorial section="Tests" order="3" -->\n# A test page\n\nFollows [the page](https://example.test/page.html).\n';

describe('parseTutorial', () => {
  it('reads the title, link, steps, questions, confirmations and the prose around cells', () => {
    const text = [
      HEAD,
      '## Step 1: Name it',
      '',
      'Before the cell.',
      '',
      '<!-- ask var="name" kind="text" question="Name?" -->',
      cell(1, "name = 'x'"),
      'Out[1]:',
      '',
      `${fence}text\n'x'\n${fence}`,
      '',
      'After the cell: what 200 means.',
      '',
      `${fence}python\nprint("the page's code, as prose")\n${fence}`,
      '',
      '## Step 2: Change it',
      '',
      '<!-- ask var="on" kind="choice" question="On?" choices="Yes=true|No=false" -->',
      '<!-- confirm question="Really?" -->',
      cell(2, 'on = true\nname'),
    ].join('\n');
    const t = parseTutorial(text, 'test');
    expect([t.title, t.page, t.section, t.order]).toEqual([
      'A test page',
      'https://example.test/page.html',
      'Tests',
      3,
    ]);
    expect(t.steps.map((s) => s.title)).toEqual(['Step 1: Name it', 'Step 2: Change it']);
    const [first, second] = t.steps;
    expect(first?.intro).toEqual(['Before the cell.']);
    expect(first?.cells[0]?.cell.output).toBe("'x'");
    expect(first?.cells[0]?.after[0]).toBe('After the cell: what 200 means.');
    expect(first?.cells[0]?.after.join('\n')).toContain('print("the page\'s code, as prose")');
    expect(second?.cells[0]?.asks).toEqual([
      {
        variable: 'on',
        kind: 'choice',
        question: 'On?',
        choices: [
          { name: 'Yes', value: 'true' },
          { name: 'No', value: 'false' },
        ],
      },
    ]);
    expect(second?.cells[0]?.confirm).toBe('Really?');
    // The same file is a notebook: --run sees its two cells and no more.
    expect(parseMarkdown(text).cells.map((c) => c.input)).toEqual([
      "name = 'x'",
      'on = true\nname',
    ]);
  });

  it('says in one sentence what a file lacks or gets wrong', () => {
    const cases: Array<[string, RegExp]> = [
      [
        `# T\n\n## S\n\n${cell(1, '1')}`,
        /is not a tutorial: it needs a line <!-- tutorial section=/,
      ],
      [
        `<!-- tutorial section="S" order="1" -->\n## S\n\n${cell(1, '1')}`,
        /needs a '# ' title and a link/,
      ],
      [`${HEAD}\n${cell(1, '1')}`, /cell \[1\] comes before any '## ' step/],
      [
        `${HEAD}\n## S\n\n<!-- ask var="x" -->\n${cell(1, 'y = 1')}`,
        /cell \[1\] asks for x but has no line 'x = \.\.\.'/,
      ],
      [
        `${HEAD}\n## S\n\n<!-- ask var="x" kind="menu" -->\n${cell(1, 'x = 1')}`,
        /kind="menu" is not one of text, tenant or choice/,
      ],
      [
        `${HEAD}\n## S\n\n<!-- ask var="x" kind="choice" choices="A=process.exit()|B=1" -->\n${cell(1, 'x = 1')}`,
        /a choice needs choices=/,
      ],
      [`${HEAD}\n## S\n\n<!-- ask kind="text" -->\n${cell(1, 'x = 1')}`, /an ask needs var="name"/],
      [`${HEAD}\n## S\n\nNo cells at all.\n`, /holds no cells/],
    ];
    for (const [text, sentence] of cases) {
      expect(() => parseTutorial(text, 't')).toThrow(sentence);
    }
  });
});
