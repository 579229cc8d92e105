import { describe, expect, it } from 'vitest';
import { leafOffset, treeFromJson, treeShape, treeToJson, TreeBuilder } from './tree';

/** x0 <= 0.5 → leaf A; else x1 <= 2 (missing right) → leaf B, else leaf C; missing x0 goes left. */
function smallTree() {
  const b = new TreeBuilder(1);
  const root = b.node();
  const left = b.node();
  const right = b.node();
  b.split(root, 0, 0.5, true, left, right);
  b.leaf(left, [10]);
  const rl = b.node();
  const rr = b.node();
  b.split(right, 1, 2, false, rl, rr);
  b.leaf(rl, [20]);
  b.leaf(rr, [30]);
  return b.build();
}

describe('tree', () => {
  it('routes rows by threshold and missing direction', () => {
    const tree = smallTree();
    const X = Float64Array.of(0.5, 9, 0.6, 2, 0.6, 2.1, NaN, 9, 1, NaN);
    const values = [0, 1, 2, 3, 4].map((r) => tree.values[leafOffset(tree, X, 2, r)]);
    expect(values).toEqual([10, 20, 30, 10, 30]);
    expect(treeShape(tree)).toEqual({ nodes: 5, leaves: 3, depth: 2 });
  });

  it('round-trips through JSON and refuses trees that could loop or read missing features', () => {
    const json = JSON.parse(JSON.stringify(treeToJson(smallTree())));
    expect(treeFromJson(json, 2)).toEqual(smallTree());
    expect(() => treeFromJson(json, 1)).toThrow('splits on feature 1; the model has 1');
    expect(() => treeFromJson({ ...json, left: [0, ...json.left.slice(1)] }, 2)).toThrow('node 0 has out-of-range children');
    expect(() => treeFromJson({ ...json, threshold: [1] }, 2)).toThrow('tree threshold has 1 values; expected 5');
  });
});
