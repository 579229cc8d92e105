/**
 * @file The MLflow tracking URI a person types in settings, checked and normalised once; and the artifact paths the
 * `mlflow-artifacts` API takes, built from a run's `artifact_uri` without ever letting `..` through.
 */

/** A checked tracking URI, or why it is not one. */
export type TrackingUriResult = { ok: true; uri: string } | { ok: false; message: string };

/**
 * Checks and normalises a tracking URI: `http(s)://host[:port][/path]` with no trailing slash. An Azure ML URI
 * (`azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/...`) becomes its `https://` form, the REST base
 * that workspace serves. Refused: other schemes, a user name or password in the URI, a query or a fragment (a
 * token belongs in the token field, which is only ever sent in the `Authorization` header).
 */
export function normalizeTrackingUri(input: string): TrackingUriResult {
  const text = input.trim();
  if (text.length === 0) return { ok: false, message: 'Enter the MLflow tracking URI, for example http://localhost:5000' };
  const azure = /^azureml:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(azure ? `https://${text.slice('azureml://'.length)}` : text);
  } catch {
    return { ok: false, message: `"${clip(text)}" is not a URL; expected http://host:port or https://host/path` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `Tracking URI scheme "${url.protocol.replace(/:$/, '')}" is not supported; expected http, https or azureml` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'The tracking URI must not contain a user name or password; put the token in the token field instead' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'The tracking URI must not have a query (?...) or fragment (#...); put a token in the token field instead' };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, uri: `${url.origin}${path}` };
}

/** Whether `tokenCandidate` appears in `uri` (a token pasted into the wrong field). */
export function uriContainsSecret(uri: string, secret: string): boolean {
  return secret.length >= 4 && (uri.includes(secret) || uri.includes(encodeURIComponent(secret)));
}

/** Why an artifact path is refused, or `undefined` when it is fine. */
export function artifactPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (path.length > 1000) return `it has ${path.length} characters; expected at most 1000`;
  if (path.includes('\\')) return 'it contains a backslash; use / between folders';
  if (path.includes('#') || path.includes('?')) return 'it contains # or ?';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'it is absolute; expected a path relative to the run';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a control character';
  for (const segment of path.split('/')) {
    if (segment === '..') return 'it contains ".." (a path may not leave the run folder)';
    if (segment === '.' || segment === '') return 'it contains an empty or "." folder name';
  }
  return undefined;
}

/**
 * The `mlflow-artifacts` API path (under `/api/2.0/mlflow-artifacts/artifacts/`) of `relativePath` in a run whose
 * `artifact_uri` is `artifactUri` (`mlflow-artifacts:/1/<run>/artifacts` or `mlflow-artifacts://host:port/1/...`).
 * `undefined` when the run's artifacts are not served through the tracking server (`s3://`, `file:`, `azureml://`...).
 * Throws on a path that could escape the run folder.
 */
export function proxiedArtifactPath(artifactUri: string, relativePath: string): string | undefined {
  const problem = artifactPathProblem(relativePath);
  if (problem !== undefined) throw new Error(`Artifact path "${clip(relativePath)}" is refused: ${problem}`);
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (match === null) return undefined;
  const root = match[1].replace(/\/+$/, '');
  const rootProblem = root === '' ? undefined : artifactPathProblem(root);
  if (rootProblem !== undefined) throw new Error(`The run's artifact location "${clip(artifactUri)}" is refused: ${rootProblem}`);
  return root === '' ? relativePath : `${root}/${relativePath}`;
}

/** `path` with each segment percent-encoded, for a URL. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
