/**
 * @file Which navigations the service worker answers with the app shell (index.html) when it has no exact match.
 */

/**
 * True when a navigation to `relativePath` (relative to the scope, without the query) is an address of the
 * app, so an offline reload gets index.html: the scope itself, `index.html`, or any extension-less path.
 * Direct visits to data and binaries (`datasets/iris.csv`, `ort/x.wasm`, `sw.js`) are not.
 */
export function isAppNavigation(relativePath: string): boolean {
  if (/^(datasets|models|ort)\//.test(relativePath)) return false;
  const lastSegment = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return !lastSegment.includes('.') || lastSegment.endsWith('.html');
}
