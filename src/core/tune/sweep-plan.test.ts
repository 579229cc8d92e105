import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../protocol/sweep';
import { testSweepSpec } from '../../test/sweep-spec-fixture';
import {
  bestTrial,
  formatDuration,
  judgeEpochs,
  planSweep,
  sweepOutcome,
  trialName,
  trialObservations,
  trialSpec,
  type SweepTrialSnapshot,
  type SweepTrialStatus,
} from './sweep-plan';

/** Runs a sweep through the planner: each tick finishes the oldest active trial (with `status`) and plans again. */
function simulate(spec: SweepSpec, finish: (number: number) => SweepTrialStatus = () => 'complete') {
  const trials: SweepTrialSnapshot[] = [];
  let maxActive = 0;
  for (let tick = 0; tick < 1000; tick++) {
    const plan = planSweep({ spec, trials, elapsedMs: 0 });
    for (const p of plan.start) trials.push({ number: p.number, status: 'queued', params: p.params });
    const active = trials.filter((t) => t.status === 'queued' || t.status === 'running');
    maxActive = Math.max(maxActive, active.length);
    if (plan.done) return { trials, plan, maxActive };
    const oldest = active[0];
    if (!oldest) throw new Error(`the planner is stuck: ${JSON.stringify(plan)}`);
    oldest.status = finish(oldest.number);
    oldest.value = oldest.number / 10;
  }
  throw new Error('the sweep never ended');
}

describe('planSweep', () => {
  it('starts trials up to maxConcurrentTrials and stops at maxTrials', () => {
    const spec = testSweepSpec({ maxTrials: 6, maxConcurrentTrials: 2 });
    const first = planSweep({ spec, trials: [], elapsedMs: 0 });
    expect(first.start.map((t) => t.number)).toEqual([0, 1]);
    expect(first).toMatchObject({ stopActive: false, done: false });
    expect(first.stopReason).toBeUndefined();

    const { trials, plan, maxActive } = simulate(spec);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxActive).toBe(2);
    expect(plan).toEqual({ start: [], stopReason: 'Reached the maximum of 6 trials', stopActive: false, done: true });
  });

  it('fills only the free slots, and is not done while trials run after the last start', () => {
    const spec = testSweepSpec({ maxTrials: 4, maxConcurrentTrials: 3 });
    const running: SweepTrialSnapshot[] = [
      { number: 0, status: 'running', params: {} },
      { number: 1, status: 'complete', params: {}, value: 1 },
    ];
    expect(planSweep({ spec, trials: running, elapsedMs: 0 }).start.map((t) => t.number)).toEqual([2, 3]);
    const allStarted = [...running, { number: 2, status: 'failed', params: {} }, { number: 3, status: 'queued', params: {} }] as SweepTrialSnapshot[];
    expect(planSweep({ spec, trials: allStarted, elapsedMs: 0 })).toEqual({ start: [], stopReason: 'Reached the maximum of 4 trials', stopActive: false, done: false });
  });

  it('continues the numbers after deleted trials, and suggests what the same history always suggests', () => {
    const spec = testSweepSpec({ maxTrials: 10, maxConcurrentTrials: 2 });
    const trials: SweepTrialSnapshot[] = [{ number: 0, status: 'complete', params: { 'optimizer.learningRate': 0.01, 'model.layers[0].units': 32 }, value: 0.5 }];
    const plan = planSweep({ spec, trials, trialsStarted: 3, elapsedMs: 0 });
    expect(plan.start.map((t) => t.number)).toEqual([3, 4]);
    expect(planSweep({ spec, trials, trialsStarted: 3, elapsedMs: 0 })).toEqual(plan);
    // The deleted trials 1 and 2 count as failed observations without parameters.
    expect(trialObservations(trials, 3).map((o) => o.state)).toEqual(['complete', 'failed', 'failed']);
    const lr = plan.start[0].params['optimizer.learningRate'] as number;
    expect(lr).toBeGreaterThanOrEqual(1e-4);
    expect(lr).toBeLessThanOrEqual(1e-1);
    expect([16, 32, 64]).toContain(plan.start[0].params['model.layers[0].units']);
  });

  it('failed and canceled trials free their slot and do not stop the sweep', () => {
    const spec = testSweepSpec({ maxTrials: 5, maxConcurrentTrials: 2 });
    const { trials, plan } = simulate(spec, (n) => (n % 2 === 0 ? 'failed' : 'canceled'));
    expect(trials).toHaveLength(5);
    expect(plan.done).toBe(true);
  });

  it('after the time budget: starts nothing, stops the active trials, and is done once none is active', () => {
    const spec = testSweepSpec({ maxTrials: 10, timeBudgetMs: 600_000 });
    const trials: SweepTrialSnapshot[] = [
      { number: 0, status: 'complete', params: {}, value: 1 },
      { number: 1, status: 'running', params: {} },
    ];
    expect(planSweep({ spec, trials, elapsedMs: 599_999 }).start.map((t) => t.number)).toEqual([2]);
    expect(planSweep({ spec, trials, elapsedMs: 600_000 })).toEqual({ start: [], stopReason: 'The time budget of 10 min is spent', stopActive: true, done: false });
    trials[1].status = 'pruned';
    expect(planSweep({ spec, trials, elapsedMs: 700_000 })).toEqual({ start: [], stopReason: 'The time budget of 10 min is spent', stopActive: false, done: true });
    // A sweep that had already reached maxTrials keeps that reason.
    const full = testSweepSpec({ maxTrials: 2, timeBudgetMs: 1000 });
    expect(planSweep({ spec: full, trials, elapsedMs: 5000 }).stopReason).toBe('Reached the maximum of 2 trials');
  });

  it('ends a grid when every point had its trial, before maxTrials', () => {
    const spec = testSweepSpec({
      sampler: { type: 'grid' },
      space: [
        { path: 'optimizer.learningRate', type: 'choice', values: [0.01, 0.1] },
        { path: 'model.layers[0].units', type: 'choice', values: [16, 32, 64] },
      ],
      maxTrials: 50,
      maxConcurrentTrials: 4,
    });
    const { trials, plan, maxActive } = simulate(spec);
    expect(trials).toHaveLength(6);
    expect(maxActive).toBe(4);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
    expect(plan).toMatchObject({ done: true, stopReason: 'Every point of the grid (6) has had its trial' });
  });
});

describe('bestTrial', () => {
  const trials: SweepTrialSnapshot[] = [
    { number: 0, status: 'complete', params: {}, value: 0.4 },
    { number: 1, status: 'complete', params: {}, value: Number.NaN },
    { number: 2, status: 'pruned', params: {}, value: 0.01 },
    { number: 3, status: 'complete', params: {}, value: 0.2 },
    { number: 4, status: 'complete', params: {}, value: 0.9 },
    { number: 5, status: 'complete', params: {}, value: 0.2 },
    { number: 6, status: 'failed', params: {} },
    { number: 7, status: 'complete', params: {}, value: -Infinity },
  ];

  it('picks the smallest value when minimizing, the largest when maximizing; ties go to the earlier trial', () => {
    expect(bestTrial(trials, 'minimize')?.number).toBe(3);
    expect(bestTrial(trials, 'maximize')?.number).toBe(4);
  });

  it('never picks NaN, infinite, pruned or failed trials', () => {
    expect(bestTrial([trials[1], trials[2], trials[6], trials[7]], 'minimize')).toBeUndefined();
    expect(bestTrial([trials[1], trials[0]], 'maximize')?.number).toBe(0);
    expect(bestTrial([], 'minimize')).toBeUndefined();
  });
});

describe('sweepOutcome', () => {
  const spec = testSweepSpec({ metric: { key: 'val_accuracy', goal: 'maximize' } });

  it('completes with the best value and the trial counts', () => {
    const trials: SweepTrialSnapshot[] = [
      { number: 0, status: 'complete', params: {}, value: 0.8 },
      { number: 1, status: 'pruned', params: {}, value: 0.99 },
      { number: 2, status: 'complete', params: {}, value: 0.9 },
      { number: 3, status: 'failed', params: {} },
    ];
    expect(sweepOutcome(spec, trials)).toEqual({
      status: 'completed',
      best: trials[2],
      summary: [
        { key: 'best_val_accuracy', value: 0.9 },
        { key: 'trials', value: 4 },
        { key: 'completed_trials', value: 2 },
        { key: 'pruned_trials', value: 1 },
        { key: 'failed_trials', value: 1 },
      ],
    });
  });

  it('fails when no trial completed with a finite value, with the first error', () => {
    const trials = [
      { number: 0, status: 'complete' as const, params: {}, value: Number.NaN },
      { number: 1, status: 'failed' as const, params: {}, error: 'out of memory' },
      { number: 2, status: 'canceled' as const, params: {} },
    ];
    expect(sweepOutcome(spec, trials)).toEqual({
      status: 'failed',
      message: 'None of the 3 trials completed with a value of val_accuracy (1 failed, 0 stopped early, 1 canceled); trial 1 failed with: out of memory',
    });
  });
});

describe('trials', () => {
  it('trialSpec writes the parameters and keeps the base seed (same split and starting draw for every trial)', () => {
    const spec = testSweepSpec();
    const params = { 'optimizer.learningRate': 0.02, 'model.layers[0].units': 16 };
    const a = trialSpec(spec, { number: 0, params });
    const b = trialSpec(spec, { number: 1, params });
    expect(a.optimizer).toMatchObject({ learningRate: 0.02 });
    expect(a.model).toMatchObject({ layers: [{ units: 16 }, { units: 32 }] });
    expect(a.seed).toBe(spec.base.seed);
    expect(b.seed).toBe(spec.base.seed);
    expect(trialSpec(spec, { number: 0, params }).seed).toBe(a.seed);
    expect(spec.base.optimizer).toMatchObject({ learningRate: 0.001 });
  });

  it('keeps the seed the space sets', () => {
    const spec = testSweepSpec({ space: [{ path: 'seed', type: 'int', min: 1, max: 5 }] });
    expect(trialSpec(spec, { number: 3, params: { seed: 4 } }).seed).toBe(4);
  });

  it('names trials after the sweep, within 200 characters', () => {
    expect(trialName('lr search', 3)).toBe('lr search · trial 3');
    const long = trialName('x'.repeat(300), 12);
    expect(long).toHaveLength(200);
    expect(long.endsWith('… · trial 12')).toBe(true);
  });

  it('formats budgets', () => {
    expect([400, 90_000, 600_000, 7_500_000, 7_200_000].map(formatDuration)).toEqual(['400 ms', '90 s', '10 min', '2 h 5 min', '2 h']);
  });
});

describe('judgeEpochs', () => {
  it('fails a diverged trial under every policy, the "none" policy included', () => {
    const spec = testSweepSpec({ termination: { type: 'none' } });
    const nan = judgeEpochs(spec, { trialNumber: 0, maxEpochs: 4, values: [0.5, Number.NaN] }, [], 1, 2);
    expect(nan).toEqual({ stop: true, epoch: 2, notFinite: true, value: Number.NaN, reason: 'Stopped at epoch 2: val_loss is NaN; training diverged.' });
    const loss = judgeEpochs(spec, { trialNumber: 0, maxEpochs: 4, values: [0.5, 0.4], trainLoss: [1, Infinity] }, [], 1, 2);
    expect(loss).toMatchObject({ stop: true, epoch: 2, notFinite: true, value: 0.4, reason: 'Stopped at epoch 2: the training loss is Infinity; training diverged.' });
    expect(judgeEpochs(spec, { trialNumber: 0, maxEpochs: 4, values: [0.5, 0.4] }, [], 1, 2)).toEqual({ stop: false });
  });

  it('asks the policy at each epoch in the range, and stops at the first stop', () => {
    const spec = testSweepSpec({ termination: { type: 'asha', minEpochs: 1, reductionFactor: 2 } });
    const others = [
      { trialNumber: 0, values: [0.2, 0.1, 0.05, 0.04] },
      { trialNumber: 1, values: [0.3, 0.2, 0.1, 0.09] },
    ];
    const bad = { trialNumber: 2, maxEpochs: 4, values: [0.9, 0.8, 0.7] };
    const verdict = judgeEpochs(spec, bad, [...others, bad], 1, 3);
    expect(verdict).toMatchObject({ stop: true, epoch: 1, notFinite: false, value: 0.9 });
    // The best trial goes on.
    expect(judgeEpochs(spec, { ...others[0], maxEpochs: 4 }, others, 1, 3)).toEqual({ stop: false });
  });
});
