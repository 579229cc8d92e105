import { describe, expect, it } from 'vitest';
import { kNearestNeighbours, type KNearestNeighboursModel } from './k-nearest-neighbours';
import { f64, golden, goldenData, subset } from './testdata/golden';

describe('k-nearest neighbours against scikit-learn (standardized iris)', () => {
  const iris = goldenData('iris', 'multiclass');
  const { trainRows, testRows } = golden.knn;
  const train = subset(iris, trainRows);
  const test = subset(iris, testRows);

  it.each(golden.knn.cases.map((c) => [`k=${c.k} ${c.weights} ${c.metric}`, c] as const))('gives the same probabilities (%s)', async (_, c) => {
    const model = await kNearestNeighbours.fit(train, kNearestNeighbours.resolveParams('multiclass', { k: c.k, weights: c.weights, metric: c.metric }), { seed: 0 });
    const proba = model.predictProba(test.X, test.nRows);
    const expected = f64(c.proba);
    let compared = 0;
    c.ambiguous.forEach((ambiguous, q) => {
      if (ambiguous) return; // a distance tie at the k-th neighbour: either row is right
      compared++;
      for (let k = 0; k < 3; k++) expect(proba[q * 3 + k]).toBeCloseTo(expected[q * 3 + k], 12);
    });
    expect(compared).toBeGreaterThan(45);
  });

  it('gives the same distance-weighted regression predictions', async () => {
    const data = goldenData('toyRegression', 'regression');
    const g = golden.knn.regression;
    const model = await kNearestNeighbours.fit(data, kNearestNeighbours.resolveParams('regression', { k: g.k, weights: g.weights }), { seed: 0 });
    const predicted = model.predict(data.XTest as Float64Array, data.nTest as number);
    f64(g.prediction).forEach((v, q) => {
      if (!g.ambiguous[q]) expect(predicted[q]).toBeCloseTo(v, 10);
    });
  });
});

describe('k-nearest neighbours', () => {
  it('breaks distance ties towards the earlier row, gives exact matches all the weight, and restores from JSON', async () => {
    const X = Float64Array.of(0, 1, 1, 2);
    const data = { X, nRows: 4, nFeatures: 1, y: Float64Array.of(0, 1, 0, 1), task: 'binary' as const };
    const model = (await kNearestNeighbours.fit(data, kNearestNeighbours.resolveParams('binary', { k: 2, standardize: false }), { seed: 0 })) as KNearestNeighboursModel;
    const { index } = model.neighbours(Float64Array.of(1.5), 1);
    expect(Array.from(index)).toEqual([1, 2]);
    const weighted = await kNearestNeighbours.fit(data, kNearestNeighbours.resolveParams('binary', { k: 3, weights: 'distance', standardize: false }), { seed: 0 });
    expect(Array.from(weighted.predictProba(Float64Array.of(0), 1))).toEqual([1, 0]);
    const restored = kNearestNeighbours.fromJSON(JSON.parse(JSON.stringify(weighted.toJSON())));
    expect(Array.from(restored.predictProba(Float64Array.of(0.4, 1.7), 2))).toEqual(Array.from(weighted.predictProba(Float64Array.of(0.4, 1.7), 2)));
  });
});
