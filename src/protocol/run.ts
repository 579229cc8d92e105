/**
 * @file Runs: what kind of job a run is, its lifecycle, the environment it ran in, its lineage and
 * progress. Types only; shared by storage (run records), the runtime (queue, recovery) and workers.
 */
import type { ParamAssignment, SweepSpec } from './sweep';
import type { TrainSpec } from './train';

/** What a run does. A `sweep`, `automl` or `pipeline` run is a parent; its `trial` (or step) runs are children. */
export type RunKind = 'train' | 'sweep' | 'trial' | 'automl' | 'pipeline' | 'score';

/**
 * Where a run is in its lifecycle. `interrupted`: its tab closed or its worker died mid-run; it can be
 * queued again and resume from its last checkpoint. `completed`, `failed` and `canceled` are final.
 */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled' | 'interrupted';

/**
 * The validated training spec of a run. A sweep parent keeps its base training spec here (so every run has a dataset,
 * a seed and a model family) and the sweep itself in `RunRecord.sweep`; a trial keeps its own complete spec here.
 */
export type RunSpec = TrainSpec;

/** What a sweep parent run carries besides its base spec. */
export interface SweepRunInfo {
  spec: SweepSpec;
  /** Trial id with the best primary metric so far, and that value. */
  best?: { runId: string; trialNumber: number; value: number };
  /** Trials started so far (the next trial number). */
  trialsStarted: number;
  /** Why the sweep stopped starting trials (`max trials reached`, `time budget spent`, `grid exhausted`, ...). */
  stopReason?: string;
}

/** What a trial run carries: its number in the sweep (0-based, in order of creation) and its sampled parameters. */
export interface TrialRunInfo {
  number: number;
  params: ParamAssignment;
  /** Set when an early-termination policy stopped the trial (its status is then `canceled`): the policy's reason. */
  stoppedEarly?: string;
  /** The primary metric's last value (pruned trial) or final value (completed trial). */
  value?: number;
}

/** The compute backend a run actually used (never `auto`). */
export type ComputeBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The WebGPU adapter a run used, as `GPUAdapterInfo` reports it. */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader): far slower than wasm. */
  isFallbackAdapter: boolean;
}

/** One library and its version. A list of these, not a record keyed by name, so no untrusted string becomes a key. */
export interface LibraryVersion {
  name: string;
  version: string;
}

/** Where a run ran: enough to explain a difference between two runs of the same spec and seed. */
export interface RunEnvironment {
  /** `package.json` version of the app. */
  appVersion: string;
  /** Commit or build id, when the build knows it. */
  buildHash?: string;
  /** Backend actually used; unknown until the run starts. */
  backend?: ComputeBackend;
  /** The GPU adapter, for the webgpu backend. */
  adapter?: GpuAdapterInfo;
  /** Versions of the libraries that computed the numbers (TF.js and its backends, onnxruntime-web...). */
  libraries: LibraryVersion[];
}

/** What a lineage reference points at. */
export type LineageKind = 'dataset' | 'datasetVersion' | 'run' | 'artifact' | 'checkpoint' | 'model' | 'modelVersion';

/** One input or output of a run, for lineage: a kind and the id of a record of that kind. */
export interface LineageRef {
  kind: LineageKind;
  id: string;
}

/** How far a run has got; written with the run row so a reloaded page (or a resume) knows. */
export interface RunProgress {
  /** Epochs finished. */
  epoch: number;
  /** Epochs planned. */
  epochs: number;
  /** Batches finished since the start of training. */
  step?: number;
  /** Estimated milliseconds left. */
  etaMs?: number;
}

/** Why a run failed: a human message, and details for a bug report. */
export interface RunError {
  message: string;
  /** Error name or code (`IngestError`, `OOM`...). */
  code?: string;
  /** Stack or other technical detail; shown only behind "Show details". */
  detail?: string;
}

/** A named number: a summary metric of a run or of a checkpoint. */
export interface MetricValue {
  key: string;
  value: number;
}

/** The data split a metric was measured on. */
export type MetricSplit = 'train' | 'validation' | 'test';

/** Severity of a run log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Name, shape and type of one tensor in a checkpoint buffer (tensors concatenated in spec order): TF.js's `WeightsManifestEntry`. */
export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
}
