import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../protocol/sweep';
import { domainOf } from '../../core/tune/space';
import { axisPosition, axisTicks, linePath, parallelCoordinates } from './parallel-coordinates';
import type { TrialRow } from './trial-rows';

describe('axisPosition', () => {
  it('is linear, logarithmic or categorical by the parameter', () => {
    const lr = domainOf({ path: 'x', type: 'loguniform', min: 1e-4, max: 1e-1 });
    expect(axisPosition(lr, 1e-4)).toBeCloseTo(0, 12);
    expect(axisPosition(lr, 1e-3)).toBeCloseTo(1 / 3, 12);
    expect(axisPosition(lr, 1e-1)).toBeCloseTo(1, 12);
    const dropout = domainOf({ path: 'x', type: 'uniform', min: 0, max: 0.5 });
    expect(axisPosition(dropout, 0.25)).toBeCloseTo(0.5, 12);
    const batch = domainOf({ path: 'x', type: 'choice', values: [16, 32, 64] });
    expect([16, 32, 64].map((v) => axisPosition(batch, v))).toEqual([0, 0.5, 1]);
    expect(axisPosition(batch, 8)).toBeUndefined();
    expect(axisPosition(domainOf({ path: 'x', type: 'choice', values: ['only'] }), 'only')).toBe(0.5);
    expect(axisPosition(dropout, 'text')).toBeUndefined();
  });
});

describe('axisTicks', () => {
  it('puts powers of ten on a log axis and round values on a linear one', () => {
    expect(axisTicks(domainOf({ path: 'x', type: 'loguniform', min: 1e-4, max: 1e-1 })).map((t) => t.label)).toEqual(['1e-4', '0.001', '0.01', '0.1']);
    const units = axisTicks(domainOf({ path: 'x', type: 'int', min: 16, max: 256, log: true }));
    // Less than two powers of ten inside: the ends.
    expect(units.map((t) => t.label)).toEqual(['16', '256']);
    expect(axisTicks(domainOf({ path: 'x', type: 'uniform', min: 0, max: 0.5 })).map((t) => t.label)).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(axisTicks(domainOf({ path: 'x', type: 'choice', values: ['adam', 'sgd'] }))).toEqual([
      { position: 0, label: 'adam' },
      { position: 1, label: 'sgd' },
    ]);
  });
});

describe('parallelCoordinates', () => {
  const space: SearchSpace = [
    { path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 },
    { path: 'model.layers[1].units', type: 'int', min: 8, max: 64 },
  ];
  const row = (number: number, value: number | undefined, params: Record<string, number>, status: TrialRow['status'] = 'completed'): TrialRow => ({
    runId: `r${number}`,
    number,
    status,
    params,
    ...(value === undefined ? {} : { value }),
    epochs: 1,
    epochsPlanned: 1,
  });

  it('has one axis per parameter plus the metric, better at the top, best line last', () => {
    const plot = parallelCoordinates(
      space,
      [
        row(0, 0.2, { 'optimizer.learningRate': 1e-3, 'model.layers[1].units': 8 }),
        row(1, 0.6, { 'optimizer.learningRate': 1e-1 }, 'stopped'),
        row(2, 0.4, { 'optimizer.learningRate': 1e-4, 'model.layers[1].units': 64 }),
        row(3, undefined, { 'optimizer.learningRate': 1e-2 }, 'running'),
      ],
      'Validation loss',
      'minimize',
    );
    expect(plot.axes.map((a) => [a.key, a.scale])).toEqual([
      ['optimizer.learningRate', 'log'],
      ['model.layers[1].units', 'linear'],
      ['metric', 'linear'],
    ]);
    expect(plot.lines.map((l) => l.number)).toEqual([1, 2, 0]);
    const best = plot.lines[2];
    expect(best.quality).toBe(1);
    expect(best.positions[0]).toBeCloseTo(1 / 3, 12);
    expect(best.positions[1]).toBe(0);
    expect(best.positions[2]).toBe(1);
    const stopped = plot.lines[0];
    expect(stopped).toMatchObject({ stopped: true, quality: 0 });
    expect(stopped.positions[1]).toBeUndefined();
    // Metric ticks sit where their values would: 0.2 (best) at the top.
    const top = plot.axes[2].ticks.find((t) => t.label === '0.2');
    expect(top?.position).toBeCloseTo(1, 12);
  });

  it('maximizing puts the largest value at the top', () => {
    const plot = parallelCoordinates(space, [row(0, 0.2, {}), row(1, 0.9, {})], 'Accuracy', 'maximize');
    expect(plot.lines.at(-1)).toMatchObject({ number: 1, quality: 1 });
  });
});

describe('linePath', () => {
  it('breaks the line at a missing position', () => {
    expect(linePath([0, 1, undefined, 0.5, 0], (i) => i * 100, (p) => 100 - p * 100)).toBe('M0 100 L100 0 M300 50 L400 100');
  });
});
