/**
 * @file A fitted binary tree in flat typed arrays (no node objects): the form every tree family predicts with and
 * stores. A row goes left at an internal node when its feature value is at most the threshold, or when the value is
 * missing and the node sends missing values left.
 */
import { float64From, numbersOf } from './tabular-data';
import type { FeatureMatrix } from './tabular-model';

/** A fitted tree. Node 0 is the root. */
export interface Tree {
  /** Feature split on at each node; -1 at a leaf. */
  feature: Int32Array;
  /** `x <= threshold` goes left. */
  threshold: Float64Array;
  /** 1 where a missing value goes left. */
  missingLeft: Uint8Array;
  /** Left child of an internal node; at a leaf, the leaf's index into `values`. */
  left: Int32Array;
  /** Right child of an internal node; unused at a leaf. */
  right: Int32Array;
  /** `valueSize` numbers per leaf, in leaf order (a class distribution, or one value). */
  values: Float64Array;
  valueSize: number;
}

/** The JSON form of a {@link Tree}. */
export interface TreeJson {
  feature: number[];
  threshold: number[];
  missingLeft: number[];
  left: number[];
  right: number[];
  values: (number | null)[];
  valueSize: number;
}

/** Grows a tree node by node: {@link TreeBuilder.node} reserves a node, `split`/`leaf` fill it in. */
export class TreeBuilder {
  readonly #feature: number[] = [];
  readonly #threshold: number[] = [];
  readonly #missingLeft: number[] = [];
  readonly #left: number[] = [];
  readonly #right: number[] = [];
  readonly #values: number[] = [];
  readonly #valueSize: number;
  #leaves = 0;

  constructor(valueSize: number) {
    this.#valueSize = valueSize;
  }

  /** Reserves a node and returns its index. */
  node(): number {
    this.#feature.push(-1);
    this.#threshold.push(0);
    this.#missingLeft.push(0);
    this.#left.push(-1);
    this.#right.push(-1);
    return this.#feature.length - 1;
  }

  /** Makes `node` an internal node. */
  split(node: number, feature: number, threshold: number, missingLeft: boolean, left: number, right: number): void {
    this.#feature[node] = feature;
    this.#threshold[node] = threshold;
    this.#missingLeft[node] = missingLeft ? 1 : 0;
    this.#left[node] = left;
    this.#right[node] = right;
  }

  /** Makes `node` a leaf holding `valueSize` numbers from `values` starting at `offset`. */
  leaf(node: number, values: ArrayLike<number>, offset = 0): void {
    this.#feature[node] = -1;
    this.#left[node] = this.#leaves++;
    for (let k = 0; k < this.#valueSize; k++) this.#values.push(values[offset + k]);
  }

  /** Leaves so far. */
  get leaves(): number {
    return this.#leaves;
  }

  build(): Tree {
    return {
      feature: Int32Array.from(this.#feature),
      threshold: Float64Array.from(this.#threshold),
      missingLeft: Uint8Array.from(this.#missingLeft),
      left: Int32Array.from(this.#left),
      right: Int32Array.from(this.#right),
      values: Float64Array.from(this.#values),
      valueSize: this.#valueSize,
    };
  }
}

/** Index into `tree.values` of the leaf row `row` of `X` falls in (times `valueSize`). */
export function leafOffset(tree: Tree, X: FeatureMatrix, nFeatures: number, row: number): number {
  const { feature, threshold, missingLeft, left, right } = tree;
  const base = row * nFeatures;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    const x = X[base + f];
    node = x <= threshold[node] || (x !== x && missingLeft[node] === 1) ? left[node] : right[node];
    f = feature[node];
  }
  return left[node] * tree.valueSize;
}

/** Adds `scale ×` each row's leaf values into `out` (row-major, `tree.valueSize` per row, at column `column`). */
export function addTreePredictions(
  tree: Tree,
  X: FeatureMatrix,
  nRows: number,
  nFeatures: number,
  out: Float64Array,
  stride: number,
  column: number,
  scale = 1,
): void {
  const { values, valueSize } = tree;
  for (let r = 0; r < nRows; r++) {
    const at = leafOffset(tree, X, nFeatures, r);
    const o = r * stride + column;
    for (let k = 0; k < valueSize; k++) out[o + k] += scale * values[at + k];
  }
}

/** Nodes and leaves of a tree, and its depth (a lone leaf has depth 0). */
export function treeShape(tree: Tree): { nodes: number; leaves: number; depth: number } {
  const depth = new Int32Array(tree.feature.length);
  let maxDepth = 0;
  let leaves = 0;
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] < 0) {
      leaves++;
      continue;
    }
    for (const child of [tree.left[node], tree.right[node]]) {
      depth[child] = depth[node] + 1;
      if (depth[child] > maxDepth) maxDepth = depth[child];
    }
  }
  return { nodes: tree.feature.length, leaves, depth: maxDepth };
}

/** The JSON form of `tree`. */
export function treeToJson(tree: Tree): TreeJson {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    missingLeft: Array.from(tree.missingLeft),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    values: numbersOf(tree.values),
    valueSize: tree.valueSize,
  };
}

/** A tree from its JSON form; throws on inconsistent arrays or child indices. */
export function treeFromJson(json: TreeJson, nFeatures: number): Tree {
  const n = Array.isArray(json?.feature) ? json.feature.length : 0;
  if (n === 0) throw new Error('Tabular model: a tree has no nodes');
  const ints = (values: unknown, what: string): Int32Array => Int32Array.from(float64From(values, n, `tree ${what}`));
  const tree: Tree = {
    feature: ints(json.feature, 'feature'),
    threshold: float64From(json.threshold, n, 'tree threshold'),
    missingLeft: Uint8Array.from(float64From(json.missingLeft, n, 'tree missingLeft')),
    left: ints(json.left, 'left'),
    right: ints(json.right, 'right'),
    values: float64From(json.values, undefined, 'tree values'),
    valueSize: json.valueSize,
  };
  const leaves = tree.values.length / tree.valueSize;
  if (!Number.isInteger(tree.valueSize) || tree.valueSize < 1 || !Number.isInteger(leaves)) throw new Error('Tabular model: tree values do not match valueSize');
  for (let node = 0; node < n; node++) {
    const f = tree.feature[node];
    if (f >= nFeatures) throw new Error(`Tabular model: tree node ${node} splits on feature ${f}; the model has ${nFeatures}`);
    // Children come after their parent, so a stored tree cannot loop.
    const bad = f >= 0 ? !(tree.left[node] > node && tree.left[node] < n && tree.right[node] > node && tree.right[node] < n) : !(tree.left[node] >= 0 && tree.left[node] < leaves);
    if (bad) throw new Error(`Tabular model: tree node ${node} has out-of-range children`);
  }
  return tree;
}
