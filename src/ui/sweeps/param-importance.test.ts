import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../protocol/sweep';
import { binCount, correlationRatio, equalCountBins, importanceSample, parameterImportance, type ImportanceTrial, type TrialCurveValues } from './param-importance';
import type { TrialRow } from './trial-rows';

describe('correlationRatio', () => {
  it('is the between-group share of the variance (one-way ANOVA)', () => {
    // Means 1 and 3, grand mean 2: SS_between = 4 · 1 = 4; SS_total = 4 + 2 · (0.5² · 2) … computed by hand below.
    const values = [0.5, 1.5, 2.5, 3.5];
    const groups = ['a', 'a', 'b', 'b'];
    const total = values.reduce((s, v) => s + (v - 2) ** 2, 0); // 5
    expect(correlationRatio(values, groups)).toBeCloseTo(4 / total, 12);
  });

  it('is 1 when the groups separate the values completely and 0 when their means are equal', () => {
    expect(correlationRatio([1, 1, 5, 5], ['a', 'a', 'b', 'b'])).toBeCloseTo(1, 12);
    expect(correlationRatio([1, 5, 1, 5], ['a', 'a', 'b', 'b'])).toBe(0);
  });

  it('is 0 for a constant metric instead of dividing by zero', () => {
    expect(correlationRatio([0.3, 0.3, 0.3], ['a', 'b', 'c'])).toBe(0);
    expect(correlationRatio([], [])).toBe(0);
  });
});

describe('equalCountBins', () => {
  it('cuts sorted values into runs of equal size and keeps ties together', () => {
    expect(equalCountBins([5, 1, 4, 2, 3, 6], 3)).toEqual(['bin 2', 'bin 0', 'bin 1', 'bin 0', 'bin 1', 'bin 2']);
    // Four equal values cannot be split even though two bins are asked for.
    expect(new Set(equalCountBins([1, 1, 1, 1, 2, 3], 2).slice(0, 4)).size).toBe(1);
  });

  it('bins about √n, between 2 and 5, two trials a bin, never more than the distinct values', () => {
    expect(binCount(2, 2)).toBe(1);
    expect(binCount(4, 4)).toBe(2);
    expect(binCount(16, 16)).toBe(4);
    expect(binCount(100, 100)).toBe(5);
    expect(binCount(100, 3)).toBe(3);
    expect(binCount(10, 1)).toBe(1);
  });
});

describe('parameterImportance', () => {
  const space: SearchSpace = [
    { path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 },
    { path: 'batchSize', type: 'choice', values: [16, 32] },
    { path: 'model.layers[0].dropout', type: 'uniform', min: 0, max: 0.5 },
  ];

  it('ranks the parameter that drives the metric first, with its chance level', () => {
    // The metric follows the learning rate's log; batch size alternates and has no effect; dropout is noise-free but unrelated.
    const trials: ImportanceTrial[] = [];
    const rates = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 2e-4, 5e-3];
    rates.forEach((lr, i) => {
      trials.push({ params: { 'optimizer.learningRate': lr, batchSize: i % 2 ? 16 : 32, 'model.layers[0].dropout': ((i * 7) % 9) / 20 }, value: Math.log10(lr) });
    });
    const result = parameterImportance(space, trials);
    expect(result.map((r) => r.path)[0]).toBe('optimizer.learningRate');
    const lr = result[0];
    expect(lr.eta2).toBeGreaterThan(0.8);
    expect(lr.trials).toBe(9);
    expect(lr.groups).toBe(3); // √9 bins
    expect(lr.chance).toBeCloseTo(2 / 8, 12);
    const batch = result.find((r) => r.path === 'batchSize')!;
    expect(batch.groups).toBe(2);
    expect(batch.eta2).toBeLessThan(0.2);
  });

  it('counts an inactive parameter as a group of its own', () => {
    const trials: ImportanceTrial[] = [
      { params: { batchSize: 16 }, value: 1 },
      { params: { batchSize: 16 }, value: 1.1 },
      { params: { batchSize: 16, 'model.layers[0].dropout': 0.1 }, value: 3 },
      { params: { batchSize: 16, 'model.layers[0].dropout': 0.2 }, value: 3.1 },
    ];
    const dropout = parameterImportance(space, trials).find((r) => r.path === 'model.layers[0].dropout')!;
    // Two active trials make one bin (two trials a bin), beside the inactive group.
    expect(dropout.groups).toBe(2);
    expect(dropout.eta2).toBeGreaterThan(0.99);
    // Batch size never changed: one group, no variance explained.
    expect(parameterImportance(space, trials).find((r) => r.path === 'batchSize')).toMatchObject({ groups: 1, eta2: 0, chance: 0 });
  });

  it('needs a few finite trials', () => {
    const few: ImportanceTrial[] = [
      { params: { batchSize: 16 }, value: 1 },
      { params: { batchSize: 32 }, value: 2 },
      { params: { batchSize: 32 }, value: 3 },
      { params: { batchSize: 16 }, value: Number.NaN },
    ];
    expect(parameterImportance(space, few)).toEqual([]);
  });
});

describe('importanceSample', () => {
  const row = (n: number, status: TrialRow['status'], value?: number): TrialRow => ({
    runId: `r${n}`,
    number: n,
    status,
    params: { batchSize: n % 2 ? 16 : 32 },
    ...(value === undefined ? {} : { value }),
    epochs: 1,
    epochsPlanned: 6,
  });

  it('uses the final values when enough trials completed', () => {
    const rows = [row(0, 'completed', 1), row(1, 'completed', 2), row(2, 'completed', 3), row(3, 'completed', 4), row(4, 'stopped', 9)];
    const sample = importanceSample(rows, []);
    expect(sample?.basis).toEqual({ kind: 'final', trials: 4 });
    expect(sample?.trials.map((t) => t.value)).toEqual([1, 2, 3, 4]);
  });

  it('else compares every trial at the furthest epoch enough of them reached', () => {
    const rows = [row(0, 'stopped', 0.9), row(1, 'completed', 0.1), row(2, 'stopped', 0.7), row(3, 'running'), row(4, 'stopped', 0.8)];
    const curves: TrialCurveValues[] = [
      { runId: 'r0', values: [1.0, 0.9] },
      { runId: 'r1', values: [0.8, 0.5, 0.3, 0.2, 0.15, 0.1] },
      { runId: 'r2', values: [1.1, 0.7] },
      { runId: 'r3', values: [0.95, undefined] },
      { runId: 'r4', values: [1.2, 0.8, 0.75] },
    ];
    const sample = importanceSample(rows, curves);
    // Epoch 2: r0, r1, r2, r4 (r3 has no value there); epoch 3 has only two.
    expect(sample?.basis).toEqual({ kind: 'epoch', epoch: 2, trials: 4 });
    expect(sample?.trials.map((t) => t.value)).toEqual([0.9, 0.5, 0.7, 0.8]);
    expect(importanceSample(rows.slice(0, 2), curves)).toBeNull();
  });
});
