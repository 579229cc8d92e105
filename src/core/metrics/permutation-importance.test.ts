import { describe, expect, it } from 'vitest';
import { permutationImportance, type PermutationImportanceInput } from './permutation-importance';
import { Rng } from '../random/rng';
import { r2Score, rootMeanSquaredError } from './regression-scores';

/** 200 rows of [x0 (strong), x1 (ignored), one-hot a, one-hot b]; y = 3 x0 + 2 a. */
function fixture(): Pick<PermutationImportanceInput, 'X' | 'featureCount' | 'predict'> & { y: Float64Array } {
  const rng = new Rng(11);
  const random = () => rng.next();
  const n = 200;
  const featureCount = 4;
  const X = new Float32Array(n * featureCount);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = random() < 0.5 ? 1 : 0;
    X.set([random(), random(), a, 1 - a], i * featureCount);
    y[i] = 3 * X[i * featureCount] + 2 * a;
  }
  const predict = async (features: Float32Array): Promise<Float32Array> => {
    const out = new Float32Array(features.length / featureCount);
    for (let i = 0; i < out.length; i++) {
      const row = features.subarray(i * featureCount, (i + 1) * featureCount);
      // Joint shuffling keeps every one-hot row valid.
      if (row[2] + row[3] !== 1) throw new Error(`row ${i} is not one-hot`);
      out[i] = 3 * row[0] + 2 * row[2];
    }
    return out;
  };
  return { X, featureCount, predict, y };
}

const columns = [
  { name: 'x0', features: [0] },
  { name: 'x1', features: [1] },
  { name: 'colour', features: [2, 3] },
];

describe('permutationImportance', () => {
  it('ranks the features the model uses, gives exactly 0 to one it ignores, and keeps X intact', async () => {
    const { X, featureCount, predict, y } = fixture();
    const before = X.slice();
    const result = await permutationImportance({ columns, X, featureCount, predict, score: (p) => r2Score(y, p), higherIsBetter: true, repeats: 4, seed: 1 });
    expect(result.baselineScore).toBeCloseTo(1, 6);
    const [x0, x1, colour] = result.groups;
    expect(x0.mean).toBeGreaterThan(0.5);
    expect(colour.mean).toBeGreaterThan(0.3);
    expect(x1).toEqual({ name: 'x1', features: [1], mean: 0, std: 0, drops: [0, 0, 0, 0] });
    expect(x0.drops).toHaveLength(4);
    expect(x0.std).toBeGreaterThan(0);
    expect(X).toEqual(before);
  });

  it('counts a rise in a loss as a drop when lower is better', async () => {
    const { X, featureCount, predict, y } = fixture();
    const result = await permutationImportance({ columns, X, featureCount, predict, score: (p) => rootMeanSquaredError(y, p), higherIsBetter: false, seed: 1 });
    expect(result.repeats).toBe(5);
    expect(result.groups[0].mean).toBeGreaterThan(0.5);
  });

  it('is reproducible for a seed, differs across seeds, and a group does not depend on the groups before it', async () => {
    const { X, featureCount, predict, y } = fixture();
    const run = (seed: number, groups = columns) =>
      permutationImportance({ columns: groups, X, featureCount, predict, score: (p) => r2Score(y, p), higherIsBetter: true, repeats: 3, seed });
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect((await run(6)).groups[0].drops).not.toEqual(a.groups[0].drops);
    const reordered = await run(5, [columns[0], { name: 'x1 again', features: [1] }, columns[2]]);
    expect(reordered.groups[2]).toEqual(a.groups[2]);
  });

  it('reports progress and stops when aborted', async () => {
    const { X, featureCount, predict, y } = fixture();
    const seen: number[] = [];
    const controller = new AbortController();
    const run = permutationImportance({
      columns, X, featureCount, predict, score: (p) => r2Score(y, p), higherIsBetter: true, repeats: 2, seed: 1,
      onProgress: (done, total) => {
        seen.push(done);
        expect(total).toBe(7);
        if (done === 3) controller.abort(new Error('canceled'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('canceled');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects bad groups, shapes, repeats and non-finite scores with clear messages', async () => {
    const { X, featureCount, predict, y } = fixture();
    const base = { columns, X, featureCount, predict, score: (p: Float32Array) => r2Score(y, p), higherIsBetter: true, seed: 1 };
    await expect(permutationImportance({ ...base, columns: [{ name: 'price', features: [4] }] })).rejects.toThrow(
      'Feature group "price" has feature index 4; expected an integer in 0..3',
    );
    await expect(permutationImportance({ ...base, columns: [{ name: 'none', features: [] }] })).rejects.toThrow(/"none" is empty/);
    await expect(permutationImportance({ ...base, featureCount: 3 })).rejects.toThrow('X has 800 values, not a multiple of featureCount 3');
    await expect(permutationImportance({ ...base, X: new Float32Array(0) })).rejects.toThrow(/X is empty/);
    await expect(permutationImportance({ ...base, repeats: 0 })).rejects.toThrow('repeats is 0; expected a positive integer');
    await expect(permutationImportance({ ...base, score: () => NaN })).rejects.toThrow('Score of the unshuffled features is NaN; expected a finite number');
    await expect(permutationImportance({ ...base, predict: async (f) => new Float32Array(f.length / 4).fill(NaN) })).rejects.toThrow(
      'Prediction at row 0 is NaN; expected a finite number',
    );
  });
});
