import { describe, expect, it } from 'vitest';
import { fitFeaturizer } from './featurize';
import { analyseColumns, leakageFindings, type RawColumn } from './guardrails';

const n = 60;
const y = Float64Array.from({ length: n }, (_, i) => (i < 54 ? 0 : 1));
const cols: RawColumn[] = [
  { name: 'id', values: Array.from({ length: n }, (_, i) => i + 1) },
  { name: 'const', values: Array.from({ length: n }, () => 'x') },
  { name: 'num', values: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i * 13) % 17)) },
  { name: 'city', values: Array.from({ length: n }, (_, i) => `c${i % 3}`) },
  { name: 'user', values: Array.from({ length: n }, (_, i) => `u${i % 30}`) },
  { name: 'when', values: Array.from({ length: n }, (_, i) => `2024-0${(i % 9) + 1}-1${i % 10}`) },
  { name: 'note', values: Array.from({ length: n }, (_, i) => `the quick note number ${i}`) },
  { name: 'leak', values: Array.from({ length: n }, (_, i) => (i < 54 ? 'no' : 'yes')) },
  { name: 'y', values: Array.from(y) },
];

describe('analyseColumns', () => {
  const report = analyseColumns(cols, 'y', 'binary', y);
  const action = (c: string) => report.actions.find((a) => a.column === c);

  it('chooses an action per column', () => {
    expect(action('id')).toMatchObject({ kind: 'drop', reason: 'id-like' });
    expect(action('const')).toMatchObject({ kind: 'drop', reason: 'constant' });
    expect(action('num')).toMatchObject({ kind: 'numeric', missing: true });
    expect(action('city')).toMatchObject({ kind: 'one-hot', categories: ['c0', 'c1', 'c2'] });
    expect(action('user')).toMatchObject({ kind: 'target-encoding', cardinality: 30 });
    expect(action('when')).toMatchObject({ kind: 'datetime' });
    expect(action('note')).toMatchObject({ kind: 'text-hashing' });
    expect(report.actions.find((a) => a.column === 'y')).toBeUndefined();
  });

  it('detects class imbalance and explains each action to the user', () => {
    expect(report.classWeights).toBe(true);
    const codes = report.findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['id-like', 'constant', 'missing-values', 'high-cardinality', 'datetime', 'text', 'class-imbalance']));
  });

  it('warns of a feature that predicts the target perfectly', () => {
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const leaks = leakageFindings(cols, report.actions, y, 'binary', all);
    expect(leaks.map((f) => f.column)).toEqual(['leak']);
  });

  it('fits target encoding on training rows only', () => {
    const train = Uint32Array.from({ length: 40 }, (_, i) => i);
    const f = fitFeaturizer(cols, report.actions, train, y, 'binary', 2);
    const X = f.transform(Uint32Array.of(55));
    const at = f.names.indexOf('user (target mean)');
    // Row 55 has user u25, seen in training only with class 0 (rows 25): its encoding is below the prior, never 1.
    expect(X[at]).toBeLessThan(0.1);
    expect(f.names).toContain('num (missing)');
    expect(f.names).toContain('city=(other)');
  });
});
