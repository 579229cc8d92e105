/**
 * @file Endpoint names: URL-safe slugs, because a name is a path segment of `endpoints/<name>/invocations`.
 */

/** Longest endpoint name, in characters. */
export const MAX_ENDPOINT_NAME = 64;

const ENDPOINT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Why `name` is not a valid endpoint name, or `undefined` when it is. */
export function endpointNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'An endpoint needs a name';
  if (name.length > MAX_ENDPOINT_NAME) return `Endpoint name "${name.slice(0, 40)}…" has ${name.length} characters; at most ${MAX_ENDPOINT_NAME} are allowed`;
  if (!ENDPOINT_NAME.test(name)) {
    return `Endpoint name ${JSON.stringify(name)} is not valid; use lower-case letters a-z, digits, "-" and "_", starting with a letter or digit (it becomes part of a URL)`;
  }
  return undefined;
}

/** True when `name` is a valid endpoint name. */
export function isEndpointName(name: string): boolean {
  return endpointNameProblem(name) === undefined;
}

/** A suggestion for an endpoint name from free text (a model name): lower-cased, other characters as `-`. */
export function suggestEndpointName(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, MAX_ENDPOINT_NAME)
    .replace(/[-_]+$/, '');
  return slug || 'endpoint';
}

/** The URL path of an endpoint's invocations, relative to the lab (`endpoints/<name>/invocations`). */
export function invocationsPath(name: string): string {
  return `endpoints/${name}/invocations`;
}

/**
 * The endpoint name in a path relative to the lab's scope (`endpoints/iris/invocations` → `iris`), or `undefined`
 * when the path is not an invocations path. A name that is not valid is returned as is: the caller answers 404.
 */
export function endpointNameFromPath(relativePath: string): string | undefined {
  const match = /^endpoints\/([^/]+)\/invocations\/?$/.exec(relativePath);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
