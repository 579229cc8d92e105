/**
 * @file What the sweep pages do: open the new-sweep form on a dataset's defaults or a run's spec, start a sweep
 * through the workspace's job runtime, read a sweep and its trials, cancel it, and re-run its best trial.
 * Components call this module, never tables.
 */
import type { SweepSpec } from '../../protocol/sweep';
import type { RunRecord } from '../../storage/records';
import type { SweepRunInfo } from '../../protocol/run';
import { defaultTrainSpec } from '../../core/jobs/train-defaults';
import { getWorkspaceDb } from '../../storage/connections';
import * as runs from '../../storage/runs';
import * as sweeps from '../../storage/sweeps';
import { hardwareCores } from '../../runtime/runtime-settings';
import { workspaceState } from '../settings/workspace-state.svelte';
import { runService, type TrainFormSource } from '../runs/run-service';
import type { SweepFormSource } from './sweep-form.svelte';

function db() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

function runtime() {
  const current = workspaceState.runtime;
  if (!current) throw new Error('The job runtime is not running (no workspace is open)');
  return current;
}

/** A fresh uint32 seed. */
function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** A sweep run with its sweep info. */
export type SweepRecord = RunRecord & { sweep: SweepRunInfo };

/**
 * The form source of a Train form source: its base spec (a run's, or the dataset's defaults for its target), and the
 * sweep spec to start from when the run is a sweep.
 */
async function sweepSource(source: TrainFormSource, sweep?: SweepSpec): Promise<SweepFormSource> {
  let base = source.spec;
  if (!base) {
    if (!source.target) throw new Error(`Choose a target column for "${source.datasetName}" first (the column the model should predict)`);
    base = defaultTrainSpec({ dataset: source.dataset, target: source.target, seed: freshSeed() }).spec;
  }
  const { concurrency } = await runtime().settings();
  return {
    datasetName: source.datasetName,
    validation: { columns: source.dataset.columns, contentHash: source.dataset.contentHash },
    base,
    ...(source.sourceRun ? { sourceRun: source.sourceRun } : {}),
    ...(source.notice ? { notice: source.notice } : {}),
    concurrency,
    cores: hardwareCores(),
    seed: freshSeed(),
    ...(sweep ? { sweep } : {}),
  };
}

/** The sweep pages' operations. */
export const sweepService = {
  /** The new-sweep form over `datasetId`'s latest version and the defaults for its target. */
  async formSourceForDataset(datasetId: string): Promise<SweepFormSource> {
    return sweepSource(await runService.formSourceForDataset(datasetId));
  },

  /** The new-sweep form over run `runId`'s spec; for a sweep, its base spec and its whole sweep spec (a fresh seed). */
  async formSourceForRun(runId: string): Promise<SweepFormSource> {
    const source = await runService.formSourceForRun(runId);
    const run = await runs.getRun(db(), runId);
    return sweepSource(source, run?.kind === 'sweep' ? run.sweep?.spec : undefined);
  },

  /** Changes how many runs the workspace trains at once (1 to this machine's cores); returns the new value. */
  async setConcurrency(concurrency: number): Promise<number> {
    return (await runtime().updateSettings({ concurrency })).concurrency;
  },

  /** Queues a sweep; the leading tab's runner starts its trials. The spec must have passed validation. */
  start(spec: SweepSpec, name: string): Promise<RunRecord> {
    // The page knows the app version; each trial's worker completes its own environment (backend, libraries).
    return runtime().enqueueSweep(spec, name, { environment: { appVersion: __APP_VERSION__, libraries: [] } });
  },

  /** A sweep, or null when no sweep has this id (a missing run, or a run of another kind). */
  async getSweep(sweepId: string): Promise<SweepRecord | null> {
    const run = await runs.getRun(db(), sweepId);
    if (!run || run.kind !== 'sweep' || !run.sweep) return null;
    return run as SweepRecord;
  },

  /** The trials of a sweep, by number. Works inside `live()`. */
  listTrials(sweepId: string) {
    return sweeps.listTrials(db(), sweepId);
  },

  /**
   * Every trial's per-epoch values of the sweep's primary metric, by trial number (empty for no sweep). Works inside
   * `live()`: it re-runs when a trial is added or reports an epoch.
   */
  async trialCurves(sweepId: string): Promise<sweeps.TrialCurve[]> {
    const sweep = await this.getSweep(sweepId);
    return sweep ? sweeps.trialCurves(db(), sweepId, sweep.sweep.spec.metric.key) : [];
  },

  /** Cancels a sweep and its active trials; the runner starts no more. */
  cancel(sweepId: string): Promise<void> {
    return runtime().cancel(sweepId);
  },

  /** Queues the trial's spec and seed again as a new top-level training run (recording the trial as its source). */
  rerunTrial(trialId: string): Promise<RunRecord> {
    return runService.rerun(trialId);
  },
};
