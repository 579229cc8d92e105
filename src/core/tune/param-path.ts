/**
 * @file Parameter paths (`model.layers[1].dropout`, `optimizer.learningRate`, `data["my col"]`): parsing, reading
 * and writing them in a plain JSON object. `list.length` is a path too: reading it gives the list's length,
 * writing it truncates the list or repeats its last element.
 */

/** One step of a path: an object key or a list index. */
export type PathKey = string | number;

/** Keys never followed or written, whatever the object: they reach into prototypes. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A path that cannot be parsed; `message` says where and why. */
export class ParamPathError extends Error {
  constructor(path: string, reason: string) {
    super(`Parameter path ${JSON.stringify(path)}: ${reason}`);
    this.name = 'ParamPathError';
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/**
 * The keys of `path`: `model.layers[1].dropout` → `['model', 'layers', 1, 'dropout']`. Throws a `ParamPathError` on
 * an empty path, a bad index, an unterminated bracket, or a key reaching into prototypes.
 */
export function parseParamPath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) throw new ParamPathError(path, 'expected "]"');
      const inner = rest.slice(1, close);
      if (/^(0|[1-9]\d{0,8})$/.test(inner)) keys.push(Number(inner));
      else if (inner.startsWith('"')) keys.push(quotedKey(path, rest));
      else throw new ParamPathError(path, `expected a list index or a quoted key in brackets, got [${inner}]`);
      rest = rest.slice(inner.startsWith('"') ? quotedEnd(path, rest) : close + 1);
    } else {
      if (!first) {
        if (!rest.startsWith('.')) throw new ParamPathError(path, `expected "." or "[" before ${JSON.stringify(rest)}`);
        rest = rest.slice(1);
      }
      const match = IDENTIFIER.exec(rest);
      if (!match) throw new ParamPathError(path, `expected a field name at ${JSON.stringify(rest) || 'the end'}`);
      keys.push(match[0]);
      rest = rest.slice(match[0].length);
    }
    first = false;
  }
  if (keys.length === 0) throw new ParamPathError(path, 'expected a field name, got an empty path');
  for (const key of keys) {
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) throw new ParamPathError(path, `the key ${JSON.stringify(key)} is not allowed`);
  }
  return keys;
}

/** The end (exclusive) of a `["..."]` segment at the start of `rest`. */
function quotedEnd(path: string, rest: string): number {
  // A JSON string: skip escaped characters until the closing quote, then expect "]".
  let i = 2;
  while (i < rest.length && rest[i] !== '"') i += rest[i] === '\\' ? 2 : 1;
  if (rest[i + 1] !== ']') throw new ParamPathError(path, 'expected a JSON string then "]" in brackets');
  return i + 2;
}

function quotedKey(path: string, rest: string): string {
  const text = rest.slice(1, quotedEnd(path, rest) - 1);
  try {
    return JSON.parse(text) as string;
  } catch {
    throw new ParamPathError(path, `bad quoted key ${text}`);
  }
}

/**
 * A deep copy of a JSON-like value (plain objects, arrays, primitives). Faster than `structuredClone` and independent
 * of what a test setup installs as the global one.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = cloneJson((value as Record<string, unknown>)[key]);
      // An own "__proto__" key (possible in parsed JSON) must stay a key, not become the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      else out[key] = item;
    }
    return out as T;
  }
  return value;
}

/** `keys` written back as a path, as `formatPath` in the spec validation writes them. */
export function formatParamPath(keys: readonly PathKey[]): string {
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(key) && IDENTIFIER.exec(key)?.[0] === key) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

type Container = Record<string, unknown> | unknown[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `keys`, or `{ found: false, depth }` where `depth` keys resolved before one was missing. */
export function readPath(root: unknown, keys: readonly PathKey[]): { found: true; value: unknown } | { found: false; depth: number } {
  let node: unknown = root;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (Array.isArray(node)) {
      if (key === 'length' && i === keys.length - 1) return { found: true, value: node.length };
      if (typeof key !== 'number' || key >= node.length) return { found: false, depth: i };
      node = node[key];
    } else if (isRecord(node) && typeof key === 'string' && Object.prototype.hasOwnProperty.call(node, key)) {
      node = node[key];
    } else {
      return { found: false, depth: i };
    }
  }
  return { found: true, value: node };
}

/** Whether `keys` resolves in `root` (the last key exists in its container, or is the `length` of a list). */
export function hasPath(root: unknown, keys: readonly PathKey[]): boolean {
  return readPath(root, keys).found;
}

/**
 * Writes `value` at `keys` in `root`, in place. The path must resolve (see `hasPath`); the value is deep-copied
 * so that trials never share objects. Setting `length` on a list truncates it or appends copies of its last element.
 */
export function writePath(root: unknown, keys: readonly PathKey[], value: unknown): void {
  const parentKeys = keys.slice(0, -1);
  const parent = readPath(root, parentKeys);
  const last = keys[keys.length - 1];
  if (!parent.found || !hasPath(root, keys)) throw new Error(`Cannot write ${formatParamPath(keys)}: the path does not exist`);
  const container = parent.value as Container;
  if (Array.isArray(container)) {
    if (last === 'length') {
      resizeList(container, value, formatParamPath(keys));
      return;
    }
    container[last as number] = cloneJson(value);
  } else {
    container[last as string] = cloneJson(value);
  }
}

function resizeList(list: unknown[], value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`Cannot set ${path} to ${JSON.stringify(value)}: expected an integer of at least 1`);
  }
  if (value < list.length) list.length = value;
  const template = list[list.length - 1];
  while (list.length < value) list.push(cloneJson(template));
}

/** The field names (or the index range) of the container at `keys`, for messages: `name, learningRate, beta1`. */
export function describeContainer(root: unknown, keys: readonly PathKey[]): string {
  const found = readPath(root, keys);
  if (!found.found) return 'nothing';
  const node = found.value;
  if (Array.isArray(node)) return node.length === 0 ? 'an empty list' : `a list of ${node.length} (indices 0 to ${node.length - 1}, and length)`;
  if (isRecord(node)) return Object.keys(node).length === 0 ? 'no fields' : `fields ${Object.keys(node).join(', ')}`;
  return `a ${node === null ? 'null' : typeof node} value`;
}
