/**
 * @file Scoring: the MLflow-style answers of an endpoint, the scoring worker's API (real-time invocations and batch
 * scoring of a dataset version), per-deployment request statistics, and the lineage of a scored dataset version.
 * Types only.
 */

/**
 * Error codes of a scoring answer, as MLflow's scoring server names them: `BAD_REQUEST` (400: the body or a column is
 * wrong), `RESOURCE_DOES_NOT_EXIST` (404: no such endpoint), `REQUEST_LIMIT_EXCEEDED` (413: too many rows or bytes),
 * `TEMPORARILY_UNAVAILABLE` (503: no lab tab or no deployment can answer), `DEADLINE_EXCEEDED` (504),
 * `INTERNAL_ERROR` (500: the model failed).
 */
export type ScoringErrorCode = 'BAD_REQUEST' | 'RESOURCE_DOES_NOT_EXIST' | 'REQUEST_LIMIT_EXCEEDED' | 'TEMPORARILY_UNAVAILABLE' | 'DEADLINE_EXCEEDED' | 'INTERNAL_ERROR';

/** The body of a failed invocation. */
export interface ScoringErrorBody {
  error_code: ScoringErrorCode;
  message: string;
}

/**
 * One prediction. Classifiers: `{ prediction: "<class>", probabilities: { "<class>": p, ... } }`; regressors:
 * `{ prediction: 3.2 }`; a raw tensor model: `{ prediction: number | number[] }`.
 */
export interface PredictionRecord {
  prediction: string | number | number[] | null;
  probabilities?: Record<string, number>;
}

/** The body of a successful invocation. */
export interface PredictionsBody {
  predictions: PredictionRecord[];
}

/** What scoring one request body with one model version gave: an HTTP status and its JSON body. */
export interface InvocationResult {
  status: number;
  body: PredictionsBody | ScoringErrorBody;
  /** Rows scored (0 on failure). */
  rows: number;
  /** Milliseconds inside the scoring worker (parse, featurize, predict). */
  ms: number;
}

/** Aggregate request statistics of one deployment (counters, not a row per request). */
export interface DeploymentStats {
  /** Requests this deployment answered (its share of the traffic), successful or not. */
  requests: number;
  /** Of those, answers with a status of 400 or more. */
  errors: number;
  /** Requests it received as a shadow copy (mirroring), whose answers were dropped. */
  mirrored: number;
  /** Of those, failures. */
  mirrorErrors: number;
  /** Sum of the latencies of answered requests, in milliseconds (for the mean). */
  totalMs: number;
  /** Latencies of the most recent answered requests, oldest first, at most `LATENCY_WINDOW` (for p50 and p95). */
  recentMs: number[];
  /** Epoch milliseconds of the last request. */
  lastAt?: number;
}

/** Where a scored dataset version came from: the data it read and the model version that scored it. */
export interface ScoredVersionLineage {
  kind: 'score';
  datasetId: string;
  datasetVersionId: string;
  /** SHA-256 of the scored version's source: its identity even after it is deleted. */
  contentHash: string;
  modelId: string;
  modelName: string;
  modelVersionId: string;
  modelVersion: number;
  /** The endpoint and deployment whose model was used, when the scoring was started from one. */
  endpointId?: string;
  deploymentId?: string;
  /** Names of the columns the scoring added. */
  predictionColumns: string[];
}

/** A batch scoring job: a dataset version scored by a model version, written as a new dataset version. */
export interface BatchScoreRequest {
  workspaceId: string;
  datasetVersionId: string;
  modelVersionId: string;
  endpointId?: string;
  deploymentId?: string;
  /** Rows featurized and predicted at a time (default 4096). */
  batchRows?: number;
}

/** Progress of a batch scoring job, keyed on `status`. */
export type BatchScoreProgress =
  | { status: 'loading'; message: string }
  | { status: 'scoring'; rowsDone: number; rows: number }
  | { status: 'writing'; message: string };

/** The dataset version a batch scoring job wrote. */
export interface BatchScoreResult {
  datasetId: string;
  versionId: string;
  /** True when the same dataset version had already been scored by the same model version: that version is returned. */
  reused: boolean;
  rows: number;
  predictionColumns: string[];
  ms: number;
}

/** How a request body is read: JSON (MLflow's four shapes) or CSV with a header row (`Content-Type: text/csv`). */
export type ScoringBodyType = 'json' | 'csv';

/** The scoring worker (`workers/score.worker.ts`). */
export interface ScoreWorkerApi {
  /**
   * Scores an MLflow scoring request body (JSON text, or CSV text when `bodyType` is `csv`) with a model version. Bad
   * input is an answer (status 400 naming the column), never a rejection; a model that cannot be loaded or run
   * answers 500.
   */
  invoke(workspaceId: string, modelVersionId: string, body: string, bodyType?: ScoringBodyType): Promise<InvocationResult>;
  /** Scores a dataset version in batches and writes a new dataset version (inputs and predictions). */
  scoreDataset(request: BatchScoreRequest, onProgress: (progress: BatchScoreProgress) => void): Promise<BatchScoreResult>;
}

/** A request the service worker relays to a lab tab (over a `MessageChannel`; the tab answers on the port). */
export interface EndpointRelayRequest {
  type: 'benchtop-endpoint-invocation';
  /** Unique per request (for logs). */
  id: string;
  /** The endpoint's name, from the URL. */
  endpoint: string;
  /** The request body, as text. */
  body: string;
  /** How to read it (from its `Content-Type`); JSON when absent. */
  bodyType?: ScoringBodyType;
}

/** What a tab answers on the port: at once `accepted` (it relays endpoints), then one `response`. */
export type EndpointRelayReply =
  | { type: 'accepted'; id: string }
  /** This tab's workspace has no endpoint of that name: the service worker asks another tab. */
  | { type: 'not-found'; id: string }
  | { type: 'response'; id: string; status: number; body: PredictionsBody | ScoringErrorBody };
