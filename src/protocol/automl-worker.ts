/**
 * @file Wire types of the AutoML worker (comlink). Types only. Durable facts (trials, findings, the best so far, the
 * refit model) go to storage as the job runs; the callback only tells the runtime what the job is doing.
 */
import type { AutoMLRunInfo } from './automl';

/** Progress of an AutoML job, keyed on `status`. */
export type AutoMLJobProgress =
  | { status: 'reading'; message: string }
  | { status: 'searching'; trialsFinished: number }
  | { status: 'refitting'; message: string }
  | { status: 'explaining'; message: string }
  | { status: 'done'; outcome: AutoMLJobOutcome['status'] };

/** How an AutoML job ended (the job also wrote that status to the parent run). */
export interface AutoMLJobOutcome {
  status: 'completed' | 'failed' | 'canceled';
  /** The user-facing message of a failure, or the note of a completed job without a model. */
  message?: string;
  /** Why the search stopped, when it ran. */
  stoppedBy?: AutoMLRunInfo['stoppedBy'];
}

/** The API the AutoML worker exposes. One job per worker. */
export interface AutoMLWorkerApi {
  /**
   * Run the queued AutoML run `runId` of workspace `workspaceId` from the start (its old trials, if any, are cleared):
   * read its dataset version, search, record each trial as a child run, refit and explain the recommended model, store
   * it, and end the run. Holds the run's Web Lock while it works.
   */
  runAutoML(workspaceId: string, runId: string, onProgress: (progress: AutoMLJobProgress) => void): Promise<AutoMLJobOutcome>;
  /** Ask the running job to stop; it ends `canceled`, keeping the trials it finished. */
  cancel(runId: string): Promise<void>;
}
