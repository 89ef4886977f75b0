import { describe, expect, it } from 'vitest';
import { resultBundle } from '../../src/kernel/bundle.ts';
import { markPlatformData } from '../../src/ui/format.ts';

describe("a cell's result as a MIME bundle", () => {
  it('a number or a string is text/plain only, as the shell prints it', () => {
    expect(resultBundle(42)).toEqual({ 'text/plain': '42' });
    expect(resultBundle('x')).toEqual({ 'text/plain': "'x'" });
  });

  it('a status object is also application/json, as an object', () => {
    const status = markPlatformData({ mfa_status: 'enabled', users_count: 2 });
    const bundle = resultBundle(status);
    expect(bundle['application/json']).toEqual({ mfa_status: 'enabled', users_count: 2 });
    expect(bundle['text/plain']).toContain('"mfa_status": "enabled"');
    expect(bundle['text/html']).toBeUndefined();
  });

  it('a list of tenants is an HTML table, hostile names escaped and their controls shown', () => {
    const rows = markPlatformData([
      { id: 't1', name: '<img src=x onerror=alert(1)>', kind: 'customer', mfa_status: 'disabled' },
      { id: 't2', name: 'Red\u001b[31m & co', kind: 'partner', mfa_status: 'enabled' },
    ]);
    const html = String(resultBundle(rows)['text/html']);
    expect(html).toContain('<th>name</th><th>kind</th><th>2FA</th><th>id</th>');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('&#38; co');
  });

  it('a class instance, a cycle or a function stays text only', () => {
    class Summary {
      done = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [new Summary(), cyclic, () => 1]) {
      expect(Object.keys(resultBundle(value))).toEqual(['text/plain']);
    }
  });
});
