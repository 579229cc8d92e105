/**
 * @file The sweep runner's reading of its running trials: each trial's per-epoch curve of the primary metric (cached
 * once the trial ended), and the verdict on the epochs a trial reported since the last look (`judgeEpochs`, with
 * every trial of the sweep as peers). Reads storage only; the runner acts on the verdicts.
 */
import { judgeEpochs, missingMetricMessage, type EpochVerdict } from '../core/tune/sweep-plan';
import type { TrialProgress } from '../core/tune/termination/trial-progress';
import type { SweepSpec } from '../protocol/sweep';
import { metricKeys } from '../storage/metrics';
import { epochValues, type TrialRecord } from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** An error that ends the sweep (it cannot go on), with a message for the user. */
export class SweepStop extends Error {
  override name = 'SweepStop';
}

/** A trial to stop, and why. */
export interface TrialVerdict {
  trial: TrialRecord;
  verdict: Extract<EpochVerdict, { stop: true }>;
}

/** Judges a runner's running trials, remembering which epochs it judged. */
export class SweepTrialJudge {
  readonly #db: WorkspaceDb;
  /** Epochs judged so far, by trial id (a new leader judges each trial's latest epochs once more). */
  readonly #judged = new Map<string, number>();
  /** Curves of ended trials (they no longer change), by trial id. */
  readonly #endedCurves = new Map<string, (number | undefined)[]>();

  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  /** One trial's per-epoch values of `key` (cached once it ended). */
  async curve(trial: TrialRecord, key: string): Promise<(number | undefined)[]> {
    const cached = this.#endedCurves.get(trial.id);
    if (cached) return cached;
    const values = await epochValues(this.#db, trial.id, key);
    if (trial.status === 'completed' || trial.status === 'failed' || trial.status === 'canceled') this.#endedCurves.set(trial.id, values);
    return values;
  }

  /**
   * The trials to stop among the running ones (not `skip`ped) that reported epochs since the last look. Throws a
   * `SweepStop` when a trial reported an epoch without the primary metric (naming the keys it records), or when the
   * policy cannot judge.
   */
  async verdicts(spec: SweepSpec, trials: readonly TrialRecord[], skip: (trialId: string) => boolean): Promise<TrialVerdict[]> {
    const key = spec.metric.key;
    const due = trials.filter((t) => t.status === 'running' && t.trial.stoppedEarly === undefined && !skip(t.id) && t.progress.epoch > (this.#judged.get(t.id) ?? 0));
    if (due.length === 0) return [];
    // Policies compare a trial with the others; without one, a trial is judged on its own values only.
    const peers: TrialProgress[] = spec.termination.type === 'none' ? [] : await Promise.all(trials.map(async (t) => ({ trialNumber: t.trial.number, values: await this.curve(t, key) })));
    const stops: TrialVerdict[] = [];
    for (const trial of due) {
      const from = (this.#judged.get(trial.id) ?? 0) + 1;
      const to = trial.progress.epoch;
      const values = peers.find((p) => p.trialNumber === trial.trial.number)?.values ?? (await this.curve(trial, key));
      if (values.every((v) => v === undefined)) {
        const keys = (await metricKeys(this.#db, trial.id)).filter((k) => !k.startsWith('batch_'));
        throw new SweepStop(missingMetricMessage(trial.trial.number, to, key, keys));
      }
      const trainLoss = await epochValues(this.#db, trial.id, 'loss');
      let verdict: EpochVerdict;
      try {
        verdict = judgeEpochs(spec, { trialNumber: trial.trial.number, maxEpochs: trial.spec.epochs, values, trainLoss }, peers, from, to);
      } catch (err) {
        throw new SweepStop(`The sweep's early-termination policy cannot judge trial ${trial.trial.number}: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.#judged.set(trial.id, to);
      if (verdict.stop) stops.push({ trial, verdict });
    }
    return stops;
  }

  /** Drops what was kept for these trials (their sweep ended). */
  forget(trialIds: Iterable<string>): void {
    for (const id of trialIds) {
      this.#judged.delete(id);
      this.#endedCurves.delete(id);
    }
  }
}
