/**
 * @file Uploading a run's files (model files, plots, reports) through the tracking server's artifact proxy,
 * `PUT /api/2.0/mlflow-artifacts/artifacts/<path>`. An upload to the same path overwrites, so repeating one never
 * duplicates; the push state remembers each file's SHA-256 so an unchanged file is not sent again. A server that does
 * not proxy artifacts (started with `--no-serve-artifacts`, or a run stored in S3 or Azure ML) is reported as a
 * warning: the rest of the run is still synced.
 */
import type { MlflowClient } from './client';
import type { MlflowRun } from './mlflow-wire';
import { SyncError } from './sync-error';
import { artifactPathProblem, proxiedArtifactPath } from './tracking-uri';

/** A file of the run, its bytes loaded on demand. */
export interface ArtifactSource {
  /** Path under the run's artifact root (`model/model.json`). */
  name: string;
  mediaType: string;
  size: number;
  /** SHA-256 (hex) of the bytes. */
  sha256: string;
  load(): Promise<Blob | ArrayBuffer>;
}

/** A file already on the server, with the hash it had. */
export interface PushedArtifact {
  name: string;
  sha256: string;
}

/** Options of {@link pushArtifacts}. */
export interface PushArtifactsOptions {
  signal?: AbortSignal;
  /** Called after each upload with the complete list of pushed files. */
  onPushed?: (artifacts: PushedArtifact[]) => void | Promise<void>;
}

/** Uploads the files not yet pushed with their current hash. */
export async function pushArtifacts(
  client: MlflowClient,
  run: MlflowRun,
  sources: readonly ArtifactSource[],
  pushed: readonly PushedArtifact[],
  options: PushArtifactsOptions = {},
): Promise<{ uploaded: number; pushed: PushedArtifact[]; warnings: string[] }> {
  const done = new Map(pushed.map((a) => [a.name, a.sha256]));
  const todo = sources.filter((s) => done.get(s.name) !== s.sha256);
  const warnings: string[] = [];
  if (todo.length === 0) return { uploaded: 0, pushed: [...pushed], warnings };
  const artifactUri = run.info.artifact_uri ?? '';
  let uploaded = 0;
  for (const source of todo) {
    const problem = artifactPathProblem(source.name);
    if (problem !== undefined) {
      warnings.push(`Artifact "${source.name.slice(0, 80)}" was not uploaded: ${problem}.`);
      continue;
    }
    const path = proxiedArtifactPath(artifactUri, source.name);
    if (path === undefined) {
      warnings.push(`Artifacts were not uploaded: this run stores them at "${artifactUri.slice(0, 120)}", which the tracking server does not proxy (only mlflow-artifacts: locations can be uploaded from a browser).`);
      break;
    }
    try {
      const data = await source.load();
      await client.uploadArtifact(path, data, source.mediaType || 'application/octet-stream', options.signal);
    } catch (error) {
      // A PUT cannot miss its target: a 404 means the server has no artifact proxy (Azure ML, a proxy that hides it).
      if (error instanceof SyncError && (error.kind === 'unsupported' || error.kind === 'not-found')) {
        warnings.push(`Artifacts were not uploaded: the server does not offer MLflow's artifact upload API (${error.status ?? 'no'} answer; an mlflow server started without --no-serve-artifacts does).`);
        break;
      }
      throw error;
    }
    done.set(source.name, source.sha256);
    uploaded++;
    await options.onPushed?.(list(done));
  }
  return { uploaded, pushed: list(done), warnings };
}

function list(done: ReadonlyMap<string, string>): PushedArtifact[] {
  return [...done].map(([name, sha256]) => ({ name, sha256 })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
