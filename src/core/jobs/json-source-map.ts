/**
 * @file A strict JSON parser (RFC 8259) that also says where each value is in the text: a map from the dotted path
 * of every value (`model.layers[0].units`, the same form `formatPath` gives spec issues) to the character ranges of
 * the value and of its key. A syntax error says what was expected, with its offset, line and column, so an editor
 * can underline it. Objects are built like `JSON.parse` builds them: a `__proto__` key is an own property, never a
 * prototype.
 */
import { formatPath } from './spec-fields';

/** A half-open range of character (UTF-16 code unit) offsets into the text. */
export interface JsonRange {
  from: number;
  to: number;
}

/** Where one value is: its own text, and the text of its key when it is an object member. */
export interface JsonLocation {
  value: JsonRange;
  key?: JsonRange;
}

/** A syntax error; `line` and `column` count from 1. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

/** The parsed value and the location of each of its values by path, or the first syntax error. */
export type JsonSourceResult =
  | { ok: true; value: unknown; locations: ReadonlyMap<string, JsonLocation> }
  | { ok: false; error: JsonSyntaxError };

/** Deepest nesting accepted; deeper text is refused rather than risking the stack. */
export const JSON_MAX_DEPTH = 256;

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** Parses `text` as one JSON value with the location of every value in it. */
export function parseJsonWithLocations(text: string): JsonSourceResult {
  const locations = new Map<string, JsonLocation>();
  let at = 0;

  const skipWhitespace = () => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const found = () => (at >= text.length ? 'the end of the text' : `${JSON.stringify(text[at])}`);
  const fail = (expected: string): never => {
    throw new SyntaxFailure(`expected ${expected}, found ${found()}`, at);
  };

  const parseString = (): string => {
    const start = at;
    at++; // the opening quote
    for (;;) {
      if (at >= text.length) throw new SyntaxFailure('unterminated string; expected a closing "', start);
      const code = text.charCodeAt(at);
      if (code === 0x22) break;
      if (code < 0x20) throw new SyntaxFailure('a control character (such as a line break) inside a string; write it as an escape like \\n', at);
      if (code === 0x5c) {
        const next = text[at + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) throw new SyntaxFailure('expected 4 hex digits after \\u', at);
          at += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) throw new SyntaxFailure(`invalid escape \\${next ?? ''}; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`, at);
        at += 2;
        continue;
      }
      at++;
    }
    at++; // the closing quote
    return JSON.parse(text.slice(start, at)) as string;
  };

  const parseValue = (keys: PropertyKey[], key: JsonRange | undefined, depth: number): unknown => {
    skipWhitespace();
    if (depth > JSON_MAX_DEPTH) throw new SyntaxFailure(`values nested more than ${JSON_MAX_DEPTH} deep`, at);
    const from = at;
    const char = text[at];
    let value: unknown;
    if (char === '{') value = parseObject(keys, depth);
    else if (char === '[') value = parseArray(keys, depth);
    else if (char === '"') value = parseString();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      NUMBER.lastIndex = at;
      const match = NUMBER.exec(text);
      if (!match) fail('a number');
      at = NUMBER.lastIndex;
      value = Number(match![0]);
    } else {
      const word = /^(true|false|null)/.exec(text.slice(at, at + 5))?.[1];
      if (word === undefined) fail('a value (an object, list, string, number, true, false or null)');
      at += word!.length;
      value = word === 'true' ? true : word === 'false' ? false : null;
    }
    locations.set(formatPath(keys), key ? { value: { from, to: at }, key } : { value: { from, to: at } });
    return value;
  };

  const parseObject = (keys: PropertyKey[], depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    at++; // {
    skipWhitespace();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[at] !== '"') fail(text[at] === '}' ? 'another member after the comma (JSON allows no trailing comma)' : 'a member name in double quotes');
      const keyFrom = at;
      const name = parseString();
      const keyRange = { from: keyFrom, to: at };
      skipWhitespace();
      if (text[at] !== ':') fail(`":" after the member name ${JSON.stringify(name)}`);
      at++;
      const value = parseValue([...keys, name], keyRange, depth + 1);
      // An own property even for "__proto__", as JSON.parse makes it.
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        return out;
      }
      fail('"," or "}" after a member');
    }
  };

  const parseArray = (keys: PropertyKey[], depth: number): unknown[] => {
    const out: unknown[] = [];
    at++; // [
    skipWhitespace();
    if (text[at] === ']') {
      at++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[at] === ']') fail('another item after the comma (JSON allows no trailing comma)');
      out.push(parseValue([...keys, out.length], undefined, depth + 1));
      skipWhitespace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') {
        at++;
        return out;
      }
      fail('"," or "]" after an item');
    }
  };

  try {
    skipWhitespace();
    if (at >= text.length) fail('a value; the text is empty');
    const value = parseValue([], undefined, 0);
    skipWhitespace();
    if (at < text.length) fail('the end of the text after the value');
    return { ok: true, value, locations };
  } catch (err) {
    if (!(err instanceof SyntaxFailure)) throw err;
    return { ok: false, error: { message: err.message, offset: err.offset, ...lineAndColumn(text, err.offset) } };
  }
}

/** Line and column (both from 1) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
