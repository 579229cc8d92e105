import { describe, expect, it } from 'vitest';
import { jsonNestingDepth, parseGuardedJson } from './json-guard';
import { ShareLinkError } from './share-error';

const LIMITS = { maxDepth: 32, maxValues: 1000 };

function codeOf(text: string, limits = LIMITS): string {
  try {
    parseGuardedJson(text, limits);
  } catch (err) {
    if (err instanceof ShareLinkError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
}

describe('jsonNestingDepth', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonNestingDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('{"a":"\\"[[[["}')).toBe(1);
    expect(jsonNestingDepth('["\\\\",[[]]]')).toBe(3);
  });

  it('stops as soon as the limit is passed (linear on 10,000-deep input)', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(jsonNestingDepth(deep)).toBe(10_000);
    expect(jsonNestingDepth(deep, 32)).toBe(33);
  });
});

describe('parseGuardedJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseGuardedJson('{"a":[1,"x",null,true]}', LIMITS)).toEqual({ a: [1, 'x', null, true] });
  });

  it('refuses 10,000-deep nesting before parsing', () => {
    expect(codeOf('['.repeat(10_000) + ']'.repeat(10_000))).toMatch(/^too-deep: The link's data is nested more than 32 levels deep/);
    expect(codeOf('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))).toMatch(/^too-deep/);
    // Unbalanced is measured too: the parse would fail anyway, but never recurse first.
    expect(codeOf('['.repeat(100))).toMatch(/^too-deep/);
  });

  it('refuses invalid JSON with the position, without quoting the text', () => {
    const result = codeOf('{not json at all, secret data here}');
    expect(result).toMatch(/^bad-json: The link's data is not valid JSON \(.*position 1.*\)/);
    expect(result).not.toContain('secret');
    expect(codeOf('')).toMatch(/^bad-json/);
  });

  it('refuses __proto__, constructor and prototype keys at any depth, naming where', () => {
    expect(codeOf('{"__proto__":{"polluted":1}}')).toBe('forbidden-key: The link\'s data has a "__proto__" key at (root); keys named __proto__, constructor or prototype are refused');
    expect(codeOf('{"a":[{"b":{"constructor":{"prototype":1}}}]}')).toMatch(/^forbidden-key: .*"constructor" key at \(root\)\.a\[0\]\.b;/);
    expect(codeOf('{"a":{"prototype":1}}')).toMatch(/"prototype" key at \(root\)\.a;/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // As values, those words are fine.
    expect(codeOf('{"name":"__proto__"}')).toBe('ok');
  });

  it('bounds the number of values', () => {
    expect(codeOf(JSON.stringify(Array.from({ length: 999 }, () => 0)))).toBe('ok');
    expect(codeOf(JSON.stringify(Array.from({ length: 1000 }, () => 0)))).toMatch(/^too-large: The link's data has more than 1,000 values/);
  });
});
