/**
 * @file Registering a Benchtop model version in MLflow's model registry, idempotently: the registered model is
 * created when missing, the version is found again by its `benchtop.model_version_id` tag before one is created (a
 * retry never adds a second version), aliases (`champion`...) are pointed at it, and aliases removed here since the
 * last push are deleted there (`DELETE registered-models/alias`) while they still point at it.
 */
import { Backoff, withRetry, type BackoffPolicy, type Sleep } from './backoff';
import { filterLiteral, type MlflowClient } from './client';
import { aliasProblem } from './mlflow-limits';
import type { MlflowKeyValue, MlflowModelVersion } from './mlflow-wire';
import { SyncError } from './sync-error';
import { artifactPathProblem } from './tracking-uri';

/** The tag holding the Benchtop model version id. */
export const MODEL_VERSION_ID_TAG = 'benchtop.model_version_id';

/** A model version to register. */
export interface ModelVersionSnapshot {
  /** Registered model name in MLflow. */
  modelName: string;
  /** Id of the Benchtop model version. */
  modelVersionId: string;
  /** The MLflow run the files were pushed to (`pushRun`'s `remoteRunId`). */
  remoteRunId: string;
  /** Folder of the model files in that run's artifacts (`model`). */
  artifactPath: string;
  description?: string;
  /** Aliases to point at this version. */
  aliases?: readonly string[];
  /**
   * Aliases an earlier push pointed at this version. Those no longer in `aliases` were removed here: they are deleted
   * on the server, unless the server's alias now points at another version (moved there since; left alone).
   */
  previousAliases?: readonly string[];
  tags?: readonly MlflowKeyValue[];
}

/** What {@link pushModelVersion} did. */
export interface ModelPushResult {
  /** MLflow's version number, as a string. */
  version: string;
  created: boolean;
  aliasesSet: string[];
  /** Aliases deleted on the server (removed here since the last push). */
  aliasesRemoved: string[];
}

/** Options of {@link pushModelVersion}. */
export interface ModelPushOptions {
  backoff?: Partial<BackoffPolicy>;
  seed?: number;
  sleep?: Sleep;
  signal?: AbortSignal;
}

/** Registers one model version and sets its aliases. Throws a {@link SyncError}. */
export async function pushModelVersion(client: MlflowClient, snapshot: ModelVersionSnapshot, options: ModelPushOptions = {}): Promise<ModelPushResult> {
  const name = snapshot.modelName.trim();
  if (name === '' || name.length > 256) throw invalid(`Registered model name "${name.slice(0, 80)}" is not valid; expected 1 to 256 characters`);
  const pathProblem = artifactPathProblem(snapshot.artifactPath);
  if (pathProblem !== undefined) throw invalid(`Model artifact path "${snapshot.artifactPath.slice(0, 80)}" is refused: ${pathProblem}`);
  for (const alias of [...(snapshot.aliases ?? []), ...(snapshot.previousAliases ?? [])]) {
    const problem = aliasProblem(alias);
    if (problem !== undefined) throw invalid(`Alias "${alias.slice(0, 80)}" is not valid in MLflow: ${problem}`);
  }
  const retry = {
    backoff: new Backoff(options.backoff, options.seed),
    sleep: options.sleep,
    signal: options.signal,
    // Creates are sent once by the transport: repeat them here, after looking again.
    shouldRetry: (e: SyncError) => e.retryable && e.kind !== 'rate-limited' && /\/(registered-models|model-versions)\/create$/.test(e.request ?? ''),
  };

  await withRetry(async () => {
    if (await client.getRegisteredModel(name)) return;
    try {
      await client.createRegisteredModel(name, { tags: [{ key: 'benchtop.source', value: 'benchtop' }] });
    } catch (error) {
      // Created meanwhile (another tab, or our own request whose answer was lost).
      if (error instanceof SyncError && (error.kind === 'conflict' || error.outcomeUnknown) && (await client.getRegisteredModel(name))) return;
      throw error;
    }
  }, retry);

  const run = await client.getRun(snapshot.remoteRunId);
  if (!run) throw new SyncError({ kind: 'not-found', message: `MLflow run ${snapshot.remoteRunId} does not exist; push the run before registering its model.` });
  const source = `${(run.info.artifact_uri ?? `runs:/${snapshot.remoteRunId}`).replace(/\/+$/, '')}/${snapshot.artifactPath}`;

  let created = false;
  const version = await withRetry(async (attempt) => {
    const existing = await findVersion(client, name, snapshot);
    if (existing) return existing;
    try {
      const tags = [{ key: MODEL_VERSION_ID_TAG, value: snapshot.modelVersionId }, ...(snapshot.tags ?? [])];
      const made = await client.createModelVersion({ name, source, runId: snapshot.remoteRunId, description: snapshot.description, tags });
      created = true;
      return made;
    } catch (error) {
      if (error instanceof SyncError && error.outcomeUnknown) {
        const again = await findVersion(client, name, snapshot);
        if (again) {
          created = attempt === 0;
          return again;
        }
      }
      throw error;
    }
  }, retry);

  const aliasesSet: string[] = [];
  for (const alias of snapshot.aliases ?? []) {
    if (version.aliases.includes(alias)) continue;
    await client.setRegisteredModelAlias(name, alias, version.version);
    aliasesSet.push(alias);
  }
  const aliasesRemoved: string[] = [];
  const wanted = new Set(snapshot.aliases ?? []);
  for (const alias of snapshot.previousAliases ?? []) {
    if (wanted.has(alias)) continue;
    // Only where it still points here: an alias moved to another version (by its own push) is that version's now.
    const holder = await client.getModelVersionByAlias(name, alias);
    if (holder?.version !== version.version) continue;
    await client.deleteRegisteredModelAlias(name, alias);
    aliasesRemoved.push(alias);
  }
  return { version: version.version, created, aliasesSet, aliasesRemoved };
}

/** The version of `name` created from this run for this Benchtop model version, if any. */
async function findVersion(client: MlflowClient, name: string, snapshot: ModelVersionSnapshot): Promise<MlflowModelVersion | undefined> {
  const matches: MlflowModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchModelVersions({ filter: `name = ${filterLiteral(name)} and run_id = ${filterLiteral(snapshot.remoteRunId)}`, maxResults: 100, pageToken });
    matches.push(...page.items.filter((v) => v.tags.some((t) => t.key === MODEL_VERSION_ID_TAG && t.value === snapshot.modelVersionId)));
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return matches.sort((a, b) => Number(a.version) - Number(b.version))[0];
}

function invalid(message: string): SyncError {
  return new SyncError({ kind: 'invalid', message });
}
