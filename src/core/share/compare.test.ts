import { describe, expect, it } from 'vitest';
import { REPRODUCTION_TOLERANCE, compareRuns, withinTolerance, type RerunMetrics } from './compare';

const shared: RerunMetrics = {
  series: [
    { key: 'loss', steps: [1, 2, 3], values: [0.9, 0.7, 0.6] },
    { key: 'val_loss', steps: [1, 2, 3], values: [1.0, 0.8, null] },
  ],
  summary: [{ key: 'test_accuracy', value: 0.8 }],
};

const copy = (m: RerunMetrics): RerunMetrics => JSON.parse(JSON.stringify(m));

describe('withinTolerance', () => {
  it('is relative to the larger magnitude plus an absolute floor; nulls match only nulls', () => {
    expect(REPRODUCTION_TOLERANCE).toEqual({ relative: 1e-3, absolute: 1e-4 });
    expect(withinTolerance(1000, 1000.9)).toBe(true);
    expect(withinTolerance(1000, 1001.2)).toBe(false);
    expect(withinTolerance(0, 9e-5)).toBe(true);
    expect(withinTolerance(0, 2e-4)).toBe(false);
    expect(withinTolerance(null, null)).toBe(true);
    expect(withinTolerance(null, 0)).toBe(false);
  });
});

describe('compareRuns', () => {
  it('calls bit-equal metrics identical', () => {
    const report = compareRuns(shared, copy(shared));
    expect(report.verdict).toBe('identical');
    expect(report.rows.map((r) => [r.key, r.kind, r.match, r.points, r.maxDifference])).toEqual([
      ['loss', 'series', 'identical', 3, 0],
      ['val_loss', 'series', 'identical', 3, 0],
      ['test_accuracy', 'summary', 'identical', 1, 0],
    ]);
    expect(report.rows[1]).toMatchObject({ shared: 0.8, rerun: 0.8 });
  });

  it('calls float noise within tolerance, with the largest difference', () => {
    const rerun = copy(shared);
    rerun.series[0].values[2] = 0.6 + 3e-7;
    const report = compareRuns(shared, rerun);
    expect(report.verdict).toBe('within-tolerance');
    expect(report.rows[0].match).toBe('within-tolerance');
    expect(report.rows[0].maxDifference).toBeCloseTo(3e-7, 12);
    expect(report.rows[1].match).toBe('identical');
  });

  it('lists each metric that differs, where it starts, and what is missing', () => {
    const rerun = copy(shared);
    rerun.series[0].values[1] = 0.75;
    rerun.series[1] = { key: 'val_loss', steps: [1, 2], values: [1.0, 0.8] };
    rerun.summary = [];
    const report = compareRuns(shared, rerun);
    expect(report.verdict).toBe('differs');
    expect(report.rows[0]).toMatchObject({ key: 'loss', match: 'differs', differing: 1, firstDifferingStep: 2, shared: 0.6, rerun: 0.6 });
    expect(report.rows[0].maxDifference).toBeCloseTo(0.05, 12);
    expect(report.rows[1]).toMatchObject({ key: 'val_loss', match: 'differs', firstDifferingStep: 3, note: 'the re-run has 1 of its 3 steps missing' });
    expect(report.rows[2]).toMatchObject({ key: 'test_accuracy', match: 'missing', rerun: null, note: 'the re-run has no such metric' });
  });

  it('flags extra steps, NaN against a number, and series the re-run lacks', () => {
    const rerun = copy(shared);
    rerun.series[0] = { key: 'loss', steps: [1, 2, 3, 4], values: [0.9, 0.7, 0.6, 0.5] };
    rerun.series[1].values[2] = 0.7;
    const report = compareRuns(shared, rerun);
    expect(report.rows[0]).toMatchObject({ match: 'differs', differing: 1, note: 'the re-run has 1 more step' });
    expect(report.rows[1]).toMatchObject({ match: 'differs', firstDifferingStep: 3, maxDifference: 0 });
    const lacking = compareRuns(shared, { series: [], summary: shared.summary });
    expect(lacking.rows[0]).toMatchObject({ key: 'loss', match: 'missing', note: 'the re-run did not record this metric' });
    expect(lacking.verdict).toBe('differs');
  });
});
