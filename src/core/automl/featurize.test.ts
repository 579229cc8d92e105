import { describe, expect, it } from 'vitest';
import { featurizerFromState, fitFeaturizer } from './featurize';
import { analyseColumns, type RawColumn } from './guardrails';

const n = 60;
const y = Float64Array.from({ length: n }, (_, i) => i % 3);
const cols: RawColumn[] = [
  { name: 'num', values: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i * 13) % 17)) },
  { name: 'city', values: Array.from({ length: n }, (_, i) => `c${i % 3}`) },
  { name: 'user', values: Array.from({ length: n }, (_, i) => (i === 4 ? '__proto__' : `u${i % 30}`)) },
  { name: 'when', values: Array.from({ length: n }, (_, i) => `2024-0${(i % 9) + 1}-1${i % 10}`) },
  { name: 'note', values: Array.from({ length: n }, (_, i) => `the quick note number ${i}`) },
  { name: 'y', values: Array.from(y) },
];
const report = analyseColumns(cols, 'y', 'multiclass', y);
const train = Uint32Array.from({ length: 45 }, (_, i) => i);

describe('featurizer state', () => {
  it('restores exactly: the same features from new raw columns after a JSON round trip', () => {
    const fitted = fitFeaturizer(cols, report.actions, train, y, 'multiclass', 3);
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const expected = fitted.transform(all);
    const restored = featurizerFromState(JSON.parse(JSON.stringify(fitted.state())));
    expect(restored.names).toEqual(fitted.names);
    // Columns in another order, with an extra one, give the same numbers.
    const shuffled = [{ name: 'extra', values: all.map(() => 1) as unknown as number[] }, ...[...cols].reverse()];
    expect(restored.transformColumns(shuffled, n)).toEqual(expected);
    expect(fitted.transformColumns(cols, n)).toEqual(expected);
  });

  it('treats unseen categories and missing values as in training', () => {
    const fitted = fitFeaturizer(cols, report.actions, train, y, 'multiclass', 3);
    const restored = featurizerFromState(fitted.state());
    const fresh: RawColumn[] = [
      { name: 'num', values: [null, 3] },
      { name: 'city', values: ['nowhere', 'c1'] },
      { name: 'user', values: ['never-seen', 'u1'] },
      { name: 'when', values: ['', '2024-02-11'] },
      { name: 'note', values: [null, 'quick'] },
    ];
    const X = restored.transformColumns(fresh, 2);
    const width = restored.names.length;
    expect(X[restored.names.indexOf('num (missing)')]).toBe(1);
    expect(X[restored.names.indexOf('city=(other)')]).toBe(1);
    expect(X[width + restored.names.indexOf('city=c1')]).toBe(1);
    expect(X.every(Number.isFinite)).toBe(true);
  });

  it('names a missing input column', () => {
    const fitted = fitFeaturizer(cols, report.actions, train, y, 'multiclass', 3);
    expect(() => fitted.transformColumns(cols.filter((c) => c.name !== 'city'), n)).toThrow(/Input column "city" is missing/);
  });

  it('refuses an inconsistent state', () => {
    const state = fitFeaturizer(cols, report.actions, train, y, 'multiclass', 3).state();
    const numeric = state.actions.findIndex((a) => a.kind === 'numeric');
    const broken = structuredClone(state);
    broken.fitted[numeric] = { median: 1, mean: 'x', std: 1 };
    expect(() => featurizerFromState(broken)).toThrow(/column "num" \(numeric\)/);
    expect(() => featurizerFromState({ ...state, names: state.names.slice(1) })).toThrow(/names/);
  });
});
