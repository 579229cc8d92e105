/**
 * @file The k-nearest neighbours family: brute-force search over the (standardized) training rows. A class's
 * probability is its share of the neighbours' votes (weighted by 1 / distance with `distance` weights; neighbours at
 * distance 0 then take all the weight, as scikit-learn); a regression prediction is the neighbours' (weighted) mean.
 * Among equally distant rows the earlier training row wins. Missing values take the training mean.
 */
import type { TrainTask } from '../../protocol/train';
import { ParamReader, type ParamsInput } from './family-params';
import { fitStandardizer, standardize, standardizerFromJson, standardizerToJson, type Standardizer } from './standardize';
import { argmaxRows, assertClassifier, checkMatrix, checkTabularData, float64From, modelJson, numbersOf, readModelJson } from './tabular-data';
import { assertTask, clampInt, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { FeatureMatrix, TabularData, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';

const LABEL = 'k-nearest neighbours';

/** Parameters of {@link kNearestNeighbours}. */
export interface KNearestNeighboursParams {
  /** Neighbours (at most the training rows). Default 5. */
  k: number;
  /** Default `uniform`. */
  weights: 'uniform' | 'distance';
  /** Default `euclidean`. */
  metric: 'euclidean' | 'manhattan';
  /** Standardize features with training statistics first. Default true. */
  standardize: boolean;
}

interface KnnState {
  standardizer: { mean: (number | null)[]; scale: (number | null)[] } | null;
  /** Training rows as searched (standardized when `standardize`), row-major. */
  rows: (number | null)[];
  targets: number[];
}

/** A fitted k-nearest-neighbours model: its training rows. */
export class KNearestNeighboursModel implements TabularModel {
  readonly family = 'knn' as const;

  constructor(
    readonly task: TabularTask,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly params: KNearestNeighboursParams,
    readonly standardizer: Standardizer | null,
    /** Training rows, row-major, missing values replaced (standardized when `params.standardize`). */
    readonly rows: Float64Array,
    readonly targets: Float64Array,
  ) {}

  /** Each query row's neighbours: indices and distances, `k` per row, nearest first. */
  neighbours(X: FeatureMatrix, nRows: number): { index: Int32Array; distance: Float64Array; k: number } {
    checkMatrix(X, nRows, this.nFeatures, LABEL);
    const F = this.nFeatures;
    const Q = this.standardizer ? standardize(X, nRows, F, this.standardizer) : withoutMissing(X);
    const n = this.targets.length;
    const k = Math.min(this.params.k, n);
    const index = new Int32Array(nRows * k);
    const distance = new Float64Array(nRows * k);
    const bestD = new Float64Array(k);
    const bestI = new Int32Array(k);
    const euclidean = this.params.metric === 'euclidean';
    const train = this.rows;
    for (let q = 0; q < nRows; q++) {
      bestD.fill(Infinity);
      bestI.fill(-1);
      const qo = q * F;
      for (let i = 0; i < n; i++) {
        const o = i * F;
        let s = 0;
        if (euclidean) {
          for (let f = 0; f < F; f++) {
            const diff = Q[qo + f] - train[o + f];
            s += diff * diff;
          }
        } else {
          for (let f = 0; f < F; f++) s += Math.abs(Q[qo + f] - train[o + f]);
        }
        if (s < bestD[k - 1]) {
          // Insert after any equal distance, so that earlier rows win ties.
          let at = k - 1;
          while (at > 0 && bestD[at - 1] > s) {
            bestD[at] = bestD[at - 1];
            bestI[at] = bestI[at - 1];
            at--;
          }
          bestD[at] = s;
          bestI[at] = i;
        }
      }
      for (let j = 0; j < k; j++) {
        index[q * k + j] = bestI[j];
        distance[q * k + j] = euclidean ? Math.sqrt(bestD[j]) : bestD[j];
      }
    }
    return { index, distance, k };
  }

  /** Neighbour weights of row `q` into `w`. */
  #weights(distance: Float64Array, q: number, k: number, w: Float64Array): void {
    if (this.params.weights === 'uniform') {
      w.fill(1);
      return;
    }
    let zero = false;
    for (let j = 0; j < k; j++) if (distance[q * k + j] === 0) zero = true;
    for (let j = 0; j < k; j++) {
      const d = distance[q * k + j];
      w[j] = zero ? (d === 0 ? 1 : 0) : 1 / d;
    }
  }

  predictProba(X: FeatureMatrix, nRows: number): Float64Array {
    assertClassifier(this.task, LABEL);
    const { index, distance, k } = this.neighbours(X, nRows);
    const K = this.nClasses;
    const out = new Float64Array(nRows * K);
    const w = new Float64Array(k);
    for (let q = 0; q < nRows; q++) {
      this.#weights(distance, q, k, w);
      let total = 0;
      for (let j = 0; j < k; j++) {
        out[q * K + this.targets[index[q * k + j]]] += w[j];
        total += w[j];
      }
      for (let c = 0; c < K; c++) out[q * K + c] /= total;
    }
    return out;
  }

  predict(X: FeatureMatrix, nRows: number): Float64Array {
    if (this.task !== 'regression') return argmaxRows(this.predictProba(X, nRows), nRows, this.nClasses);
    const { index, distance, k } = this.neighbours(X, nRows);
    const out = new Float64Array(nRows);
    const w = new Float64Array(k);
    for (let q = 0; q < nRows; q++) {
      this.#weights(distance, q, k, w);
      let s = 0;
      let total = 0;
      for (let j = 0; j < k; j++) {
        s += w[j] * this.targets[index[q * k + j]];
        total += w[j];
      }
      out[q] = s / total;
    }
    return out;
  }

  toJSON(): TabularModelJson<KnnState, KNearestNeighboursParams> {
    return modelJson(this.family, this.task, this.nFeatures, this.nClasses, this.params, {
      standardizer: this.standardizer ? standardizerToJson(this.standardizer) : null,
      rows: numbersOf(this.rows),
      targets: Array.from(this.targets),
    });
  }
}

/** A copy of `X` with missing values as 0 (for unstandardized search). */
function withoutMissing(X: FeatureMatrix): Float64Array {
  return Float64Array.from(X, (x) => (x === x ? x : 0));
}

function resolveParams(_task: TabularTask, input: ParamsInput): KNearestNeighboursParams {
  const p = new ParamReader(LABEL, input);
  const params: KNearestNeighboursParams = {
    k: p.int('k', 5, 1, 10_000),
    weights: p.choice('weights', 'uniform', ['uniform', 'distance'] as const),
    metric: p.choice('metric', 'euclidean', ['euclidean', 'manhattan'] as const),
    standardize: p.choice('standardize', true, [true, false]),
  };
  p.done();
  return params;
}

async function fit(data: TabularData, params: KNearestNeighboursParams, options: TabularFitOptions): Promise<KNearestNeighboursModel> {
  const d = checkTabularData(data, LABEL);
  assertTask(kNearestNeighbours, d.task);
  options.signal?.throwIfAborted(); // fitting is a copy: nothing to interrupt
  const standardizer = params.standardize ? fitStandardizer(d.X, d.nRows, d.nFeatures) : null;
  const rows = standardizer ? standardize(d.X, d.nRows, d.nFeatures, standardizer) : withoutMissing(d.X);
  options.onProgress?.({ status: 'done', family: 'knn', completed: 1, unit: 'iteration', stoppedEarly: false });
  return new KNearestNeighboursModel(d.task, d.nFeatures, d.task === 'regression' ? 1 : d.nClasses, params, standardizer, rows, Float64Array.from(d.y));
}

function fromJSON(json: unknown): KNearestNeighboursModel {
  const m = readModelJson<KnnState, Readonly<Record<string, unknown>>>(json, 'knn');
  const s = m.state;
  const targets = float64From(s.targets, undefined, 'targets');
  return new KNearestNeighboursModel(
    m.task,
    m.nFeatures,
    m.nClasses,
    resolveParams(m.task, m.params),
    s.standardizer ? standardizerFromJson(s.standardizer, m.nFeatures) : null,
    float64From(s.rows, targets.length * m.nFeatures, 'rows'),
    targets,
  );
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number): FamilySearchSpace {
  return {
    family: 'knn',
    base: { ...resolveParams(task, undefined) },
    space: [
      { type: 'int', path: 'k', min: 1, max: clampInt(nRows / 4, 2, 100), log: true },
      { type: 'choice', path: 'weights', values: ['uniform', 'distance'] },
      { type: 'choice', path: 'metric', values: ['euclidean', 'manhattan'] },
    ],
    cost: {
      lowCost: { k: Math.min(5, clampInt(nRows / 4, 2, 100)), weights: 'uniform', metric: 'euclidean' },
      costRelated: [],
      // Predicting a fifth of the rows against the rest (one cross-validation fold).
      estimatedWork: (nRows * nRows * nFeatures) / 5,
    },
  };
}

/** The k-nearest neighbours family. */
export const kNearestNeighbours: TabularFamily<KNearestNeighboursParams> = {
  name: 'knn',
  label: LABEL,
  tasks: ['binary', 'multiclass', 'regression'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON,
  searchSpace,
};
