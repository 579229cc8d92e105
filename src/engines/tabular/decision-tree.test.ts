import { describe, expect, it } from 'vitest';
import { decisionTree } from './decision-tree';
import type { Tree } from './tree';
import { treeShape } from './tree';
import type { TreeEnsembleModel } from './tree-ensemble';
import { f64, golden, goldenData, maxAbsDiff } from './testdata/golden';

interface GoldenNode {
  feature: number;
  value?: (number | null)[];
  samples?: number;
}

/** Our tree depth-first, left child first, in the form of the golden nodes. */
function preorder(tree: Tree): GoldenNode[] {
  const out: GoldenNode[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    const f = tree.feature[node];
    if (f < 0) {
      const at = tree.left[node] * tree.valueSize;
      out.push({ feature: -1, value: Array.from(tree.values.subarray(at, at + tree.valueSize)) });
    } else {
      out.push({ feature: f });
      stack.push(tree.right[node], tree.left[node]);
    }
  }
  return out;
}

function expectSameTree(ours: GoldenNode[], theirs: GoldenNode[]): void {
  expect(ours.map((n) => n.feature)).toEqual(theirs.map((n) => n.feature));
  ours.forEach((node, i) => {
    if (node.feature < 0) expect(maxAbsDiff(node.value as number[], f64(theirs[i].value as (number | null)[]))).toBeLessThan(1e-9);
  });
}

describe('decision tree against scikit-learn', () => {
  it('grows the same Gini tree (depth 4, 10 rows per leaf)', async () => {
    const data = goldenData('toyClassification', 'multiclass');
    const g = golden.decisionTree.classification;
    const model = (await decisionTree.fit(data, decisionTree.resolveParams('multiclass', { maxDepth: g.maxDepth, minSamplesLeaf: g.minSamplesLeaf }), { seed: 0 })) as TreeEnsembleModel<unknown>;
    expectSameTree(preorder(model.trees[0]), g.nodes);
    expect(maxAbsDiff(model.predictProba(data.X, data.nRows), f64(g.proba))).toBeLessThan(1e-9);
  });

  it('grows the same squared-error tree (depth 4, 5 rows per leaf)', async () => {
    const data = goldenData('toyRegression', 'regression');
    const g = golden.decisionTree.regression;
    const model = (await decisionTree.fit(data, decisionTree.resolveParams('regression', { maxDepth: g.maxDepth, minSamplesLeaf: g.minSamplesLeaf }), { seed: 0 })) as TreeEnsembleModel<unknown>;
    expectSameTree(preorder(model.trees[0]), g.nodes);
    expect(maxAbsDiff(model.predict(data.X, data.nRows), f64(g.prediction))).toBeLessThan(1e-9);
  });

  it('grows until its leaves are pure by default', async () => {
    const data = goldenData('toyClassification', 'multiclass');
    const model = (await decisionTree.fit(data, decisionTree.resolveParams('multiclass', {}), { seed: 0 })) as TreeEnsembleModel<unknown>;
    const predicted = model.predict(data.X, data.nRows);
    let correct = 0;
    for (let r = 0; r < data.nRows; r++) correct += predicted[r] === data.y[r] ? 1 : 0;
    expect(correct / data.nRows).toBe(golden.decisionTree.fullDepthTrainAccuracy);
    expect(treeShape(model.trees[0]).depth).toBeGreaterThan(4);
  });

  it('sends missing values where training sent them and restores from JSON', async () => {
    const data = goldenData('toyBinaryMissing', 'binary');
    const model = await decisionTree.fit(data, decisionTree.resolveParams('binary', { maxDepth: 5 }), { seed: 0 });
    const restored = decisionTree.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const test = data.XTest as Float64Array;
    expect(Array.from(restored.predictProba(test, data.nTest as number))).toEqual(Array.from(model.predictProba(test, data.nTest as number)));
    const proba = model.predictProba(test, data.nTest as number);
    for (const p of proba) expect(p).toBeGreaterThanOrEqual(0);
  });
});
