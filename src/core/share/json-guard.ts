/**
 * @file Parsing untrusted JSON without handing it a way to hurt: the nesting depth is measured on the text before
 * `JSON.parse` runs (so 10,000 nested brackets never reach a recursive walker), then the parsed tree is walked
 * iteratively to refuse `__proto__`, `constructor` and `prototype` keys and to bound the number of values.
 */
import { ShareLinkError } from './share-error';

/** Keys refused anywhere in a payload: they mean prototype pollution to code that copies objects key by key. */
export const FORBIDDEN_KEYS: readonly string[] = Object.freeze(['__proto__', 'constructor', 'prototype']);

/** Limits of {@link parseGuardedJson}. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects (the top-level value is depth 1). */
  maxDepth: number;
  /** Most values (objects, arrays, strings, numbers, booleans, nulls) in the whole tree. */
  maxValues: number;
}

/**
 * The deepest nesting of `[` and `{` in JSON text, counting only brackets outside strings; stops counting (and returns
 * `limit + 1`) as soon as `limit` is passed. Linear, no recursion, no allocation: safe on any input.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

/**
 * Parses untrusted JSON text. Throws a {@link ShareLinkError}: `too-deep` before parsing when nesting passes
 * `maxDepth`, `bad-json` for a syntax error (with JSON.parse's position), `forbidden-key` for `__proto__` and its
 * kin at any depth (named with their path), `too-large` past `maxValues` values.
 */
export function parseGuardedJson(text: string, limits: JsonLimits): unknown {
  if (jsonNestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    throw new ShareLinkError('too-deep', `The link's data is nested more than ${limits.maxDepth} levels deep; a Benchtop share link never is`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes the start of the text in its message ("…" is not valid JSON): keep the position, drop the quote.
    const detail = (err instanceof Error ? err.message : String(err)).replace(/,? ".*" is not valid JSON$/s, '');
    throw new ShareLinkError('bad-json', `The link's data is not valid JSON (${clip(detail)}); the link may have been cut short or altered`);
  }
  walk(value, limits.maxValues);
  return value;
}

/** Iterative walk (depth is already bounded, but no recursion is needed either): keys and the value count. */
function walk(root: unknown, maxValues: number): void {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '(root)' }];
  let count = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (++count > maxValues) {
      throw new ShareLinkError('too-large', `The link's data has more than ${maxValues.toLocaleString('en')} values; a share link holds at most that many`);
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]` });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.includes(key)) {
        throw new ShareLinkError('forbidden-key', `The link's data has a "${key}" key at ${path}; keys named __proto__, constructor or prototype are refused`);
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}` });
    }
  }
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
