import { describe, expect, it } from 'vitest';
import type { AshaPolicy, HyperbandPolicy } from '../../../protocol/termination';
import { fullTrainingEpochs } from './epoch-budget';
import { bracketOf } from './hyperband';
import { replaySweep } from './sweep-replay';
import type { TerminationContext } from './trial-progress';

const EPOCHS = 27;
const context: TerminationContext = { goal: 'maximize', maxEpochs: EPOCHS, metricLabel: 'validation accuracy' };
const asha: AshaPolicy = { type: 'asha', minEpochs: 1, reductionFactor: 3 };

/**
 * The true final rank (0 = best) of trials 0..26, in the order they start. Curves are `f · g(epoch)` with
 * `f = 0.95 − 0.01 · rank` and one rising shape `g`, so the ranking is the same at every epoch.
 */
const RANKS = [13, 20, 4, 25, 9, 17, 11, 22, 6, 15, 2, 24, 8, 19, 0, 12, 26, 1, 14, 7, 21, 10, 18, 3, 23, 16, 5];
const shape = (epoch: number): number => 1 - 0.6 * Math.exp(-(epoch - 1) / 5);
const curves = RANKS.map((rank) => Array.from({ length: EPOCHS }, (_, i) => (0.95 - 0.01 * rank) * shape(i + 1)));
const BEST = RANKS.indexOf(0); // trial 14

describe('replaySweep under ASHA (η = 3, rungs 1, 3, 9, 27)', () => {
  it('keeps the true best trial and trains 149 epochs instead of 729 (hand-computed)', () => {
    // One trial at a time, so at each rung the j-th arrival (1-based) goes on iff it ranks among the first j
    // arrivals below max(1, floor(j/3)).
    // Rung 1, all 27 arrive (ranks 13 20 4 25 9 17 11 22 6 15 2 24 8 19 0 12 26 1 14 7 21 10 18 3 23 16 5):
    //   go on: j=1 (rank 13, alone), j=3 (4, best of 3), j=9 (6, 2nd, keep 3), j=11 (2, 1st), j=13 (8, 4th, keep 4),
    //   j=15 (0), j=18 (1, 2nd, keep 6), j=20 (7, 6th, keep 6), j=24 (3, 4th, keep 8), j=27 (5, 6th, keep 9).
    //   → trials 0, 2, 8, 10, 12, 14, 17, 19, 23, 26 reach epoch 3; the 17 others stop after 1 epoch.
    // Rung 3, arrivals with ranks 13 4 6 2 8 0 1 7 3 5: go on j=1 (13), j=2 (4, 1st of 2), j=4 (2, 1st, keep 1),
    //   j=6 (0, 1st, keep 2), j=7 (1, 2nd, keep 2) → trials 0, 2, 10, 14, 17 reach epoch 9; 5 stop at 3.
    // Rung 9, ranks 13 4 2 0 1: j=1..4 each lead when they arrive (keep 1); j=5 (rank 1) is 2nd → trial 17 stops at 9.
    // Epochs: 17·1 + 5·3 + 1·9 + 4·27 = 17 + 15 + 9 + 108 = 149.
    const replay = replaySweep(asha, context, curves);
    const epochs = replay.trials.map((t) => t.epochs);
    const trainedTo = (e: number) => epochs.flatMap((n, i) => (n === e ? [i] : []));
    expect(trainedTo(27)).toEqual([0, 2, 10, 14]);
    expect(trainedTo(9)).toEqual([17]);
    expect(trainedTo(3)).toEqual([8, 12, 19, 23, 26]);
    expect(trainedTo(1)).toHaveLength(17);
    expect(replay.epochsUsed).toBe(149);
    expect(replay.epochsUsed).toBeLessThan(fullTrainingEpochs(27, EPOCHS) / 4);
    expect(replay.trials[BEST]).toEqual({ trialNumber: BEST, epochs: 27 });
    // Trial 17 (rank 1) at epoch 9: 0.94 · (1 − 0.6·e^(−8/5)) = 0.8261.
    expect(replay.trials[17].stopReason).toBe(
      'Stopped at epoch 9 (rung 3 of 4): validation accuracy 0.8261 ranks 2nd of the 5 trials that reached epoch 9; only the best goes on (1/3).',
    );
    // The best of the finished trials is the true best.
    const finished = replay.trials.filter((t) => t.epochs === EPOCHS).map((t) => t.trialNumber);
    const finals = finished.map((t) => curves[t][EPOCHS - 1]);
    expect(finished[finals.indexOf(Math.max(...finals))]).toBe(BEST);
  });

  it('keeps the best trial whatever the concurrency (it leads every rung), and saves most epochs', () => {
    for (const concurrency of [2, 4, 9, 27]) {
      const replay = replaySweep(asha, context, curves, concurrency);
      expect(replay.trials[BEST].epochs).toBe(EPOCHS);
      expect(replay.epochsUsed).toBeLessThan(fullTrainingEpochs(27, EPOCHS) / 2);
    }
  });

  it('is deterministic and records what each trial reported', () => {
    const a = replaySweep(asha, context, curves, 4);
    const b = replaySweep(asha, context, curves, 4);
    expect(b).toEqual(a);
    expect(a.progress[BEST].values).toEqual(curves[BEST]);
    expect(a.progress.every((p, i) => p.values.length === a.trials[i].epochs)).toBe(true);
  });
});

describe('replaySweep under Hyperband', () => {
  it('lets a late bloomer that ASHA stops at epoch 1 finish in the patient bracket', () => {
    // Trial 5 starts worst (0.05 after epoch 1) but ends best (0.99). Hyperband deals it to bracket 3, whose
    // only rung is the full 27 epochs.
    expect(bracketOf({ type: 'hyperband', minEpochs: 1 }, EPOCHS, 5)).toBe(3);
    const bloomer = Array.from({ length: EPOCHS }, (_, i) => 0.05 + (0.94 * i) / (EPOCHS - 1));
    const withBloomer = curves.map((c, i) => (i === 5 ? bloomer : c));
    // ASHA: the 6th arrival at rung 1, ranked 6th of 6 (keep 2) → stopped after 1 epoch.
    expect(replaySweep(asha, context, withBloomer).trials[5].epochs).toBe(1);
    const hyperband: HyperbandPolicy = { type: 'hyperband', minEpochs: 1 };
    const replay = replaySweep(hyperband, context, withBloomer);
    expect(replay.trials[5]).toEqual({ trialNumber: 5, epochs: 27 });
    expect(replay.epochsUsed).toBeLessThan(fullTrainingEpochs(27, EPOCHS));
  });
});

describe('replaySweep without early termination', () => {
  it('trains every trial fully', () => {
    expect(replaySweep({ type: 'none' }, context, curves, 3).epochsUsed).toBe(729);
    expect(() => replaySweep({ type: 'none' }, context, curves, 0)).toThrow('Concurrency is 0; expected a whole number ≥ 1');
  });
});
