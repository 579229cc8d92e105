import { describe, expect, test } from 'vitest';
import { JSON_MAX_DEPTH, lineAndColumn, parseJsonWithLocations } from './json-source-map';

function parsed(text: string) {
  const result = parseJsonWithLocations(text);
  if (!result.ok) throw new Error(`expected valid JSON, got ${result.error.message}`);
  return result;
}

function syntaxError(text: string) {
  const result = parseJsonWithLocations(text);
  if (result.ok) throw new Error('expected a syntax error');
  return result.error;
}

describe('parseJsonWithLocations: values', () => {
  test.each([
    '{}',
    '[]',
    '  {"a": [1, -2.5e3, 0, 1E+2, true, false, null], "b": {"c": "x\\n\\u00e9\\"\\\\\\/"}} ',
    '"just a string"',
    '-0',
    '[[[[]]]]',
    '{"a": 1, "a": 2}',
  ])('agrees with JSON.parse on %s', (text) => {
    expect(parsed(text).value).toEqual(JSON.parse(text));
  });

  test('a "__proto__" key is an own property, as JSON.parse makes it', () => {
    const value = parsed('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(value).toEqual(JSON.parse('{"__proto__": {"polluted": true}}'));
  });
});

describe('parseJsonWithLocations: locations', () => {
  const text = '{\n  "model": {\n    "layers": [\n      { "units": 64 },\n      { "units": 32 }\n    ]\n  },\n  "my col": "x"\n}';
  const { locations } = parsed(text);
  const slice = (path: string, part: 'value' | 'key' = 'value') => {
    const range = locations.get(path)?.[part];
    return range ? text.slice(range.from, range.to) : undefined;
  };

  test('each value by its dotted path, with its key', () => {
    expect(slice('model.layers[1].units')).toBe('32');
    expect(slice('model.layers[1].units', 'key')).toBe('"units"');
    expect(slice('model.layers[0]')).toBe('{ "units": 64 }');
    expect(slice('model.layers[0]', 'key')).toBeUndefined();
    expect(slice('["my col"]')).toBe('"x"');
    expect(slice('(root)')).toBe(text);
  });
});

describe('parseJsonWithLocations: syntax errors say what was expected, where', () => {
  test.each([
    ['', 1, 1, 'expected a value; the text is empty, found the end of the text'],
    ['{"a": 1,}', 1, 9, 'expected another member after the comma (JSON allows no trailing comma), found "}"'],
    ['[1, 2,]', 1, 7, 'expected another item after the comma (JSON allows no trailing comma), found "]"'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a member, found "\\""'],
    ["{'a': 1}", 1, 2, 'expected a member name in double quotes, found "\'"'],
    ['{"a" 1}', 1, 6, 'expected ":" after the member name "a", found "1"'],
    ['{"a": tru}', 1, 7, 'expected a value (an object, list, string, number, true, false or null), found "t"'],
    ['{"a": 1', 1, 8, 'expected "," or "}" after a member, found the end of the text'],
    ['{"a": "x', 1, 7, 'unterminated string; expected a closing "'],
    ['"a\nb"', 1, 3, 'a control character (such as a line break) inside a string; write it as an escape like \\n'],
    ['"\\x"', 1, 2, 'invalid escape \\x; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'],
    ['"\\u12"', 1, 2, 'expected 4 hex digits after \\u'],
    ['{} x', 1, 4, 'expected the end of the text after the value, found "x"'],
    ['-', 1, 1, 'expected a number, found "-"'],
    ['NaN', 1, 1, 'expected a value (an object, list, string, number, true, false or null), found "N"'],
  ])('%j', (text, line, column, message) => {
    const error = syntaxError(text);
    expect(error).toMatchObject({ line, column, message });
    expect(() => JSON.parse(text)).toThrow();
  });

  test('too deep a nesting is refused, not a stack overflow', () => {
    const deep = '['.repeat(JSON_MAX_DEPTH + 2) + ']'.repeat(JSON_MAX_DEPTH + 2);
    expect(syntaxError(deep).message).toBe(`values nested more than ${JSON_MAX_DEPTH} deep`);
    const fine = '['.repeat(JSON_MAX_DEPTH) + ']'.repeat(JSON_MAX_DEPTH);
    expect(parseJsonWithLocations(fine).ok).toBe(true);
  });
});

describe('lineAndColumn', () => {
  test('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\n', 2)).toEqual({ line: 1, column: 3 });
    expect(lineAndColumn('ab\ncd\n', 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
