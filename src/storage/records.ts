/**
 * @file Record types of the Benchtop databases: the meta database (`benchtop`) and each
 * workspace database (`benchtop-ws-<id>`). Tables and their indexes are declared in
 * `meta-db.ts` and `workspace-schema.ts`; these interfaces describe what one row holds.
 */
import type { RngState } from '../core/random/rng';
import type { AutoMLRunInfo, AutoMLTrialInfo } from '../protocol/automl';
import type { ChunkData, ColumnProfile, ColumnSchema, ImportFormat, ImportIssue } from '../protocol/dataset';
import type { ModelCard, ModelFormat, ModelVersionSignature } from '../protocol/model';
import type { DeploymentStats, ScoredVersionLineage } from '../protocol/scoring';
import type {
  LineageRef,
  LogLevel,
  MetricSplit,
  MetricValue,
  RunEnvironment,
  RunError,
  RunKind,
  RunProgress,
  RunSpec,
  RunStatus,
  SweepRunInfo,
  TensorSpec,
  TrialRunInfo,
} from '../protocol/run';

/** A workspace, listed in the meta database; its data lives in database `benchtop-ws-<id>`. */
export interface WorkspaceRecord {
  /** `crypto.randomUUID()`; also names the workspace database. */
  id: string;
  /** Shown to the user; trimmed, 1 to 100 characters. */
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last rename (not of the last data change). */
  updatedAt: number;
}

/** A key-value setting, in the meta database (global) or in a workspace database (per workspace). */
export interface SettingRecord {
  key: string;
  /** Any structured-cloneable value. */
  value: unknown;
}

/** A dataset: a name over a list of versions. Created when its first version is committed. */
export interface DatasetRecord {
  id: string;
  name: string;
  description?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change to the dataset or its versions. */
  updatedAt: number;
  /** Id of the sample in `public/datasets/manifest.json`, when imported from a sample. */
  sampleId?: string;
  /** Name of the column to predict, chosen by the user or suggested by a sample. */
  target?: string;
  /** Newest complete version; absent when every version was deleted. */
  latestVersionId?: string;
}

/** One imported version of a dataset: its schema and statistics. Its cells live in `columnChunks`. */
export interface DatasetVersionRecord {
  id: string;
  datasetId: string;
  /** Hash of the source bytes (hex); identical sources give the same hash. Empty while staging when unknown. */
  contentHash: string;
  format: ImportFormat;
  /** File name (or folder name, or sample name) the version was imported from. */
  sourceName: string;
  /** Size of the source in bytes. */
  sizeBytes: number;
  /** Data rows; 0 while staging. */
  rows: number;
  /** Rows per chunk (every chunk but the last of a column holds exactly this many). */
  chunkRows: number;
  /** Columns in order; `column` in `ColumnChunkRecord` indexes this array. */
  columns: ColumnSchema[];
  /** One profile per column, same order as `columns`. */
  profiles: ColumnProfile[];
  issues: ImportIssue[];
  /** Target column at import (a copy of the dataset's target then). */
  target?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * 1 once every chunk and the final metadata are written (set last, in the commit transaction);
   * 0 while an import is staging. A number, not a boolean, because IndexedDB cannot index booleans.
   */
  complete: 0 | 1;
  /** Set on a version written by batch scoring: the dataset version and model version it came from. */
  lineage?: ScoredVersionLineage;
}

/** One chunk of one column of one dataset version. Primary key `[versionId+column+index]`. */
export interface ColumnChunkRecord {
  versionId: string;
  /** Position of the column in `DatasetVersionRecord.columns`. */
  column: number;
  /** Chunk number: rows `index * chunkRows` to `(index + 1) * chunkRows - 1`. */
  index: number;
  data: ChunkData;
}

/** A named group of runs (MLflow's experiment). Runs created without one go to `DEFAULT_EXPERIMENT_ID`. */
export interface ExperimentRecord {
  id: string;
  /** Shown to the user; trimmed, 1 to 200 characters. */
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** One job execution: a training run, a sweep and its trials, an AutoML search, a pipeline, a scoring. */
export interface RunRecord {
  /** `crypto.randomUUID()`; also names the run's Web Lock (`runLockName`). */
  id: string;
  experimentId: string;
  /** The sweep, AutoML or pipeline run this run belongs to; absent for a top-level run. */
  parentId?: string;
  kind: RunKind;
  /** Changed only through `transitionRun`, along `RUN_TRANSITIONS`. */
  status: RunStatus;
  /** Shown to the user; trimmed, 1 to 200 characters. */
  name: string;
  /** The validated spec, complete with defaults: with `seed` and the dataset version, it reproduces the run. */
  spec: RunSpec;
  /** Kind `sweep` only: the sweep spec and its state. */
  sweep?: SweepRunInfo;
  /** Kind `trial` only: its number and parameters in the parent sweep (or AutoML run). */
  trial?: TrialRunInfo;
  /** Kind `automl` only: the AutoML job spec and its state (findings, best trial, the refit model...). */
  automl?: AutoMLRunInfo;
  /** Kind `trial` of an AutoML run only: the family, fold scores and timing of the trial. */
  automlTrial?: AutoMLTrialInfo;
  /** uint32 seed (a copy of the spec's). */
  seed: number;
  /** Dataset read (a copy of the spec's), for "runs of this dataset". */
  datasetId: string;
  /** Dataset version read (a copy of the spec's). */
  datasetVersionId: string;
  /** SHA-256 (hex) of that version's source: the version's identity even after it is deleted or re-imported elsewhere. */
  contentHash: string;
  /** App, backend, adapter and library versions; backend and adapter are filled in when the run starts. */
  environment: RunEnvironment;
  /** What the run read (dataset versions, a parent's artifacts...). */
  inputs: LineageRef[];
  /** What the run produced (artifacts, model versions...). */
  outputs: LineageRef[];
  progress: RunProgress;
  /** Set when the run failed. */
  error?: RunError;
  /** Final (or best-so-far) metrics, for sorting and comparing runs; the series are in `metrics`. */
  summary: MetricValue[];
  /** Trimmed, unique, 1 to 64 characters each; indexed (`*tags`). */
  tags: string[];
  /** Free text written by the user. */
  notes?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the first transition to `running`. */
  startedAt?: number;
  /** Epoch milliseconds of the transition to `completed`, `failed` or `canceled`. */
  endedAt?: number;
  /** Epoch milliseconds of the last change to this row. */
  updatedAt: number;
  /** Set on a run pulled from an MLflow server (read-only here, never pushed back): where it came from. */
  remote?: RemoteRunOrigin;
}

/** One point of a metric series. Primary key `[runId+key+step]`: writing the same point again replaces it (a resumed run). */
export interface MetricRecord {
  runId: string;
  /** Unique per run and split-qualified (`loss`, `val_loss`, `batch_loss`): points of the same key form one series. */
  key: string;
  /** Position on the x axis: an epoch or a batch number, consistently per key. A non-negative integer. */
  step: number;
  /** May be NaN (a diverged loss). */
  value: number;
  /** Epoch milliseconds when measured. */
  time: number;
  /** The split the metric was measured on, when it is about one. */
  split?: MetricSplit;
}

/** One log line of a run. Primary key `[runId+seq]`. */
export interface LogRecord {
  runId: string;
  /** 1, 2, 3... per run, assigned by `appendLogs`. */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  level: LogLevel;
  /** Plain text (rendered as text, never HTML); at most `MAX_LOG_MESSAGE` characters. */
  message: string;
}

/** A file a run produced: a trained model (TF.js JSON and weights, its featurizer), a report, a plot. */
export interface ArtifactRecord {
  id: string;
  runId: string;
  /** Unique per run (`[runId+name]`); a path-like name such as `model/model.json`. */
  name: string;
  /** MIME type of `data`. */
  mediaType: string;
  /** Bytes of `data`. */
  size: number;
  /** SHA-256 of `data` (lower-case hex). */
  sha256: string;
  data: Blob | ArrayBuffer;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Early-stopping bookkeeping at a checkpoint, so a resumed run stops where an uninterrupted one would. */
export interface EarlyStoppingState {
  /** Best value of the watched metric so far; `null` before the first validation. */
  best: number | null;
  /** Epoch of that value. */
  bestEpoch: number;
  /** Epochs since it improved. */
  wait: number;
}

/**
 * A resumable snapshot of a training run after `epoch` epochs. Primary key `[runId+epoch]`; the last two
 * are kept. Tensors are stored as TF.js weight files are: one buffer, tensors concatenated in spec order.
 */
export interface CheckpointRecord {
  runId: string;
  /** Epochs finished when the checkpoint was taken. */
  epoch: number;
  /** Batches finished since the start of training (where per-batch metric steps resume). */
  step: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** The model's weights (batch-norm statistics included), little-endian, in `weightSpecs` order. */
  weights: ArrayBuffer;
  weightSpecs: TensorSpec[];
  /** The optimizer's slots (moments, iterations), in `optimizerSpecs` order. */
  optimizerState?: ArrayBuffer;
  optimizerSpecs?: TensorSpec[];
  /** Class of the optimizer that wrote `optimizerState` (`getClassName()`), checked on restore. */
  optimizerClass?: string;
  /** State of the training RNG (`Rng.state()`), when the trainer keeps one across epochs. */
  rngState?: RngState;
  /** Latest value of every metric at this epoch. */
  metricsSoFar: MetricValue[];
  earlyStopping?: EarlyStoppingState;
  /** The best epoch's weights, when early stopping restores them at the end. */
  bestWeights?: ArrayBuffer;
  bestWeightSpecs?: TensorSpec[];
  /**
   * Other structured-cloneable trainer state (the epoch history...). Storage never reads it; the
   * archive carries it as JSON (with typed arrays as binaries).
   */
  trainerState?: unknown;
}

/** A registered model: a unique name over numbered versions (MLflow's registered model). */
export interface ModelRecord {
  /** `crypto.randomUUID()`. */
  id: string;
  /** Unique in the workspace (`&name`); trimmed, 1 to 200 characters, no control characters. Untrusted: rendered as text. */
  name: string;
  /** One line about the model; each version has its own card. */
  description?: string;
  /** Trimmed, unique, 1 to 64 characters each. */
  tags: string[];
  /** Highest version number ever given (a deleted version's number is never reused). */
  latestVersion: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change to the model or its versions. */
  updatedAt: number;
}

/** Where a model version's files came from. */
export type ModelVersionSource =
  /** Copied from a completed train or trial run's artifacts (the run may be deleted later; the copy stays). */
  | { kind: 'run'; runId: string; runName: string; runKind: RunKind }
  /** Uploaded files (an `.onnx` file, a TF.js folder). */
  | { kind: 'files' };

/** A model file kept with a version (`model.json`, `model.weights.bin`, `model.onnx`...), without its bytes. */
export interface ModelFileInfo {
  name: string;
  mediaType: string;
  size: number;
  /** SHA-256 (lower-case hex). */
  sha256: string;
}

/** What a model version was made from: enough to find (or, after deletion, name) the data and run behind it. */
export interface ModelVersionLineage {
  runId?: string;
  /** The sweep (or AutoML) run the source trial belonged to. */
  parentRunId?: string;
  datasetId?: string;
  datasetVersionId?: string;
  /** SHA-256 of the dataset version's source: its identity even after it is deleted. */
  contentHash?: string;
  /** The version this one was derived from (a conversion, a fine-tune), when any. */
  fromModelVersionId?: string;
}

/** One numbered version of a registered model. Its files live in `modelFiles`. */
export interface ModelVersionRecord {
  id: string;
  modelId: string;
  /** 1, 2, 3... per model, in registration order; unique per model (`&[modelId+version]`). */
  version: number;
  format: ModelFormat;
  source: ModelVersionSource;
  /** `source.runId` for a version registered from a run (indexed: "versions of this run"). */
  sourceRunId?: string;
  signature: ModelVersionSignature;
  /** Name of the featurizer file in `files` (TF.js models trained here), when any. */
  featurizerFile?: string;
  files: ModelFileInfo[];
  /** Test-split (or final) metrics at registration. */
  metrics: MetricValue[];
  /** Trimmed, unique, 1 to 64 characters each. */
  tags: string[];
  /** Names pointing at this version (`champion`, `challenger`...); an alias points to one version per model (`*aliases`). */
  aliases: string[];
  lineage: ModelVersionLineage;
  card: ModelCard;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** The bytes of one file of a model version. Primary key `[modelVersionId+name]`. */
export interface ModelFileRecord extends ModelFileInfo {
  modelVersionId: string;
  data: Blob | ArrayBuffer;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** A named place predictions are asked of; its deployments say which model versions answer. */
export interface EndpointRecord {
  id: string;
  /** Unique in the workspace (`&name`); untrusted: rendered as text. */
  name: string;
  description?: string;
  /** Requests routed so far: the counter the deterministic traffic split walks (`core/scoring/traffic-routing.ts`). */
  requestCount?: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** One model version behind an endpoint, with its share of the traffic. */
export interface DeploymentRecord {
  id: string;
  endpointId: string;
  modelVersionId: string;
  /** Share of requests answered by this version, 0 to 100; an endpoint's deployments sum to 100 (or 0 when none serves). */
  trafficPercent: number;
  /** Share of requests also sent to this version in the shadow (answers logged, not returned), 0 to 100. */
  mirrorPercent?: number;
  /** Request counts and recent latencies (aggregate counters, updated per request). */
  stats?: DeploymentStats;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Where a pulled run came from: an MLflow server, experiment and run (no token: the URI never holds one). */
export interface RemoteRunOrigin {
  /** The normalised tracking URI it was pulled from. */
  trackingUri: string;
  experimentId: string;
  experimentName: string;
  /** MLflow's run id. */
  runId: string;
  /** The Benchtop run it was pushed from, when it was (its `benchtop.run_id` tag). */
  benchtopRunId?: string;
  /** Epoch milliseconds of the pull. */
  pulledAt: number;
}

/** What a sync queue item pushes: a run (with its metrics and files) or a registered model version (with aliases). */
export type SyncItemKind = 'run' | 'modelVersion';

/**
 * Where a sync queue item is: `queued` (waiting for its turn, the network or its `nextAttemptAt`), `pushing`,
 * `done`, `failed` (a refusal retrying cannot fix, or retries used up: a person presses Retry) and `blocked` (the
 * token, the server's CORS settings or a changed parameter need a person first; new settings unblock it).
 */
export type SyncItemState = 'queued' | 'pushing' | 'done' | 'failed' | 'blocked';

/** Why a sync item's last attempt failed: a `SyncError`'s kind and code and its token-free message. */
export interface SyncErrorInfo {
  kind: string;
  code?: string;
  status?: number;
  /** Never contains the token (sync errors are redacted before they are stored). */
  message: string;
}

/**
 * What earlier pushes of an item achieved, so the next push resumes without duplicating anything (the shape of
 * `RunPushState` in `src/sync/push.ts`, plus what a model version push records). JSON only.
 */
export interface SyncPushState {
  remoteExperimentId?: string;
  remoteRunId?: string;
  metricMarks: { key: string; step: number }[];
  metricsInFlight?: boolean;
  artifacts: { name: string; sha256: string }[];
  /** Model versions: MLflow's version number once registered, and the aliases set on it. */
  remoteVersion?: string;
  aliases?: string[];
}

/** One thing to push to the MLflow server. Primary key `id` = `<kind>:<targetId>`: at most one item per target. */
export interface SyncQueueRecord {
  id: string;
  kind: SyncItemKind;
  /** The run id or the model version id. */
  targetId: string;
  /** Shown in the queue list (the run's name, `model v3`); untrusted: rendered as text. */
  label: string;
  state: SyncItemState;
  /** Attempts since the item was last queued by a person or a change (the retry count for the backoff). */
  attempts: number;
  /** Epoch milliseconds before which no attempt is made (backoff, `Retry-After`); 0 for now. */
  nextAttemptAt: number;
  lastError?: SyncErrorInfo;
  /** Things skipped that are not failures (artifacts a server does not take...). */
  warnings?: string[];
  pushState: SyncPushState;
  /** The target's `updatedAt` the last push read: a later change queues the item again. */
  sourceUpdatedAt: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
  /** Epoch milliseconds of the last successful push. */
  pushedAt?: number;
}
