/**
 * @file Wire types of the training worker (comlink). Types only.
 */

/** Progress of a training run as the page sees it, keyed on `status`. Durable facts (metrics, logs) go to storage. */
export type TrainJobProgress =
  | { status: 'preparing'; message: string }
  | { status: 'training'; epoch: number; epochs: number; batch: number; batches: number; etaMs: number | null; loss: number | null }
  | { status: 'evaluating'; message: string }
  | { status: 'done'; outcome: TrainJobOutcome['status'] };

/**
 * How a training job ended. `interrupted`: the job stopped without a result but the run can resume from its last
 * checkpoint (its GPU device was lost and no backend could take over, or it was lost too often); the runtime also
 * decides `interrupted` by itself when a worker dies.
 */
export interface TrainJobOutcome {
  status: 'completed' | 'failed' | 'canceled' | 'interrupted';
  /** Human message for a failure or an interruption, naming the problem (e.g. the bad column, the lost device). */
  error?: string;
}

/** The API the training worker exposes. One job per worker at a time. */
export interface TrainWorkerApi {
  /**
   * Run (or resume from its latest checkpoint) the queued run `runId` of workspace `workspaceId`: read its spec and
   * dataset version from storage, train, evaluate, and write metrics, logs, checkpoints, the model artifact and the
   * final status to storage. Holds the run's Web Lock while it works.
   */
  runTrain(workspaceId: string, runId: string, onProgress: (progress: TrainJobProgress) => void): Promise<TrainJobOutcome>;
  /** Ask the running job to stop after the current batch; it ends `canceled`. */
  cancel(runId: string): Promise<void>;
}
