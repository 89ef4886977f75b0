import { describe, expect, it } from 'vitest';
import { matchesAll, PrefixIndex, tokenize } from '../../src/emulator/search-index.ts';
import { seedWorld } from '../../src/emulator/seed.ts';

describe('search index', () => {
  it('tokenizes on anything but letters and digits, lower-cased', () => {
    expect(tokenize('Northwind Dental 0007')).toEqual(['northwind', 'dental', '0007']);
    expect(tokenize('ada.admin@emulator.test')).toEqual(['ada', 'admin', 'emulator', 'test']);
    expect(tokenize('  --  ')).toEqual([]);
  });

  it('needs every query token to prefix some token', () => {
    expect(matchesAll(['northwind', 'dental'], ['nor', 'den'])).toBe(true);
    expect(matchesAll(['northwind', 'dental'], ['nor', 'bak'])).toBe(false);
    expect(matchesAll(['northwind'], ['wind'])).toBe(false);
  });

  it('yields exactly the ids whose tokens start with a prefix, before and after bulk load', () => {
    const index = new PrefixIndex();
    index.beginBulk();
    index.add('a', ['alpha', 'beta']);
    index.add('b', ['alphabet']);
    index.add('c', ['gamma']);
    index.endBulk();
    index.add('d', ['alp']);
    index.add('e', ['al']);
    expect([...index.candidates('alp')].sort()).toEqual(['a', 'b', 'd']);
    expect([...index.candidates('gam')]).toEqual(['c']);
    expect([...index.candidates('zzz')]).toEqual([]);
  });

  it('a seeded world is the same for the same seed and different for another', () => {
    const names = (seed: number) =>
      [...seedWorld({ seed, tenants: 20, users: 10 }).tenants.values()].map((t) => [t.id, t.name]);
    expect(names(7)).toEqual(names(7));
    expect(names(7)).not.toEqual(names(8));
  });
});

describe('search index counts', () => {
  it('counts postings in a prefix range, stopping past the cap', () => {
    const index = new PrefixIndex();
    for (let i = 0; i < 50; i++) index.add(`id${i}`, [`common${i}`]);
    index.add('x', ['rare']);
    expect(index.count('common')).toBe(50);
    expect(index.count('common', 5)).toBeLessThanOrEqual(7);
    expect(index.count('rare')).toBe(1);
    expect(index.count('none')).toBe(0);
  });
});
