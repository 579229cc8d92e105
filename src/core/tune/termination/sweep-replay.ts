/**
 * @file Replays known learning curves through a termination policy as the sweep runner would run them: `concurrency`
 * trials at a time, each training one epoch per tick in trial order, asking {@link shouldStop} after every epoch; a
 * freed slot takes the next trial at the next tick. Deterministic. For tests and benchmarks of the policies, and for
 * what-if replays of a finished sweep's curves.
 */
import type { TerminationPolicy } from '../../../protocol/termination';
import { epochsConsumed } from './epoch-budget';
import { shouldStop } from './should-stop';
import type { TerminationContext, TrialProgress } from './trial-progress';

/** How one replayed trial ended. */
export interface ReplayedTrial {
  trialNumber: number;
  /** Epochs it trained. */
  epochs: number;
  /** Why it stopped early; absent when it trained fully. */
  stopReason?: string;
}

/** A replayed sweep. */
export interface SweepReplay {
  trials: ReplayedTrial[];
  /** The metric per epoch each trial reported, in trial order. */
  progress: TrialProgress[];
  /** Total epochs trained ({@link epochsConsumed}). */
  epochsUsed: number;
}

/**
 * Replays `curves` (trial `i` would report `curves[i][e - 1]` after epoch `e`; a trial trains
 * `min(curve length, maxEpochs)` epochs) under `policy`, `concurrency` trials at a time.
 */
export function replaySweep(
  policy: TerminationPolicy,
  context: TerminationContext,
  curves: readonly (readonly number[])[],
  concurrency = 1,
): SweepReplay {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Concurrency is ${concurrency}; expected a whole number ≥ 1`);
  }
  const values: number[][] = curves.map(() => []);
  const progress: TrialProgress[] = values.map((v, trialNumber) => ({ trialNumber, values: v }));
  const trials: ReplayedTrial[] = curves.map((_, trialNumber) => ({ trialNumber, epochs: 0 }));
  let next = 0;
  let running: number[] = [];
  while (next < curves.length || running.length > 0) {
    while (running.length < concurrency && next < curves.length) running.push(next++);
    const stillRunning: number[] = [];
    for (const t of running) {
      const curve = curves[t];
      const planned = Math.min(curve.length, context.maxEpochs);
      if (planned === 0) continue;
      values[t].push(curve[values[t].length]);
      const epoch = values[t].length;
      trials[t].epochs = epoch;
      const decision = shouldStop(policy, context, progress[t], progress, epoch);
      if (decision.stop) trials[t].stopReason = decision.reason;
      else if (epoch < planned) stillRunning.push(t);
    }
    running = stillRunning;
  }
  return { trials, progress, epochsUsed: epochsConsumed(progress) };
}
