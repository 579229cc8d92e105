/**
 * @file The logistic regression family: L2-regularised logistic regression on standardized features, fitted by
 * L-BFGS. Binary tasks have one weight vector (a sigmoid), multiclass tasks one per class (a softmax), as
 * scikit-learn's `LogisticRegression(solver="lbfgs")`; `C` is its inverse regularisation strength: the fit minimises
 * `½‖W‖² + C · Σ loss` (intercepts unpenalised). Missing values take the training mean.
 */
import type { TrainTask } from '../../protocol/train';
import { Cooperation } from './cooperate';
import { ParamReader, type ParamsInput } from './family-params';
import { minimizeLbfgs } from './lbfgs';
import { fitStandardizer, standardize, standardizerFromJson, standardizerToJson, type Standardizer } from './standardize';
import { argmaxRows, assertClassifier, checkMatrix, checkTabularData, classCounts, float64From, modelJson, numbersOf, readModelJson } from './tabular-data';
import { assertTask, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { FeatureMatrix, TabularData, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';

const LABEL = 'Logistic regression';

/** Parameters of {@link logisticRegression}. */
export interface LogisticRegressionParams {
  /** Inverse regularisation strength (larger: weaker penalty). Default 1. */
  C: number;
  /** L-BFGS iterations at most. Default 500. */
  maxIterations: number;
  /** Stop when the largest gradient component of the mean loss falls below this. Default 1e-6. */
  tol: number;
  /** `balanced` weighs each class by `rows / (classes · rows of the class)`. Default `none`. */
  classWeight: 'none' | 'balanced';
}

interface LogisticState {
  standardizer: { mean: (number | null)[]; scale: (number | null)[] };
  /** Row-major `vectors × nFeatures` weights on standardized features (1 vector for binary). */
  coef: (number | null)[];
  intercept: (number | null)[];
  iterations: number;
  converged: boolean;
}

/** A fitted logistic regression. */
export class LogisticRegressionModel implements TabularModel {
  readonly family = 'logistic' as const;
  readonly nClasses: number;

  constructor(
    readonly task: TabularTask,
    readonly nFeatures: number,
    nClasses: number,
    readonly params: LogisticRegressionParams,
    readonly standardizer: Standardizer,
    /** Weights on standardized features, row-major: one row per class (one row in all for binary). */
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    readonly info: { iterations: number; converged: boolean },
  ) {
    this.nClasses = nClasses;
  }

  predictProba(X: FeatureMatrix, nRows: number): Float64Array {
    assertClassifier(this.task, LABEL);
    checkMatrix(X, nRows, this.nFeatures, LABEL);
    const F = this.nFeatures;
    const K = this.nClasses;
    const Z = standardize(X, nRows, F, this.standardizer);
    const vectors = this.intercept.length;
    const out = new Float64Array(nRows * K);
    const z = new Float64Array(vectors);
    for (let r = 0; r < nRows; r++) {
      linearScores(Z, r, F, this.coef, this.intercept, z);
      if (vectors === 1) {
        const p = 1 / (1 + Math.exp(-z[0]));
        out[r * 2] = 1 - p;
        out[r * 2 + 1] = p;
      } else softmaxInto(z, out, r * K);
    }
    return out;
  }

  predict(X: FeatureMatrix, nRows: number): Float64Array {
    return argmaxRows(this.predictProba(X, nRows), nRows, this.nClasses);
  }

  toJSON(): TabularModelJson<LogisticState, LogisticRegressionParams> {
    return modelJson(this.family, this.task, this.nFeatures, this.nClasses, this.params, {
      standardizer: standardizerToJson(this.standardizer),
      coef: numbersOf(this.coef),
      intercept: numbersOf(this.intercept),
      iterations: this.info.iterations,
      converged: this.info.converged,
    });
  }
}

function linearScores(Z: Float64Array, r: number, F: number, coef: Float64Array, intercept: Float64Array, out: Float64Array): void {
  const o = r * F;
  for (let k = 0; k < out.length; k++) {
    let s = intercept[k];
    const w = k * F;
    for (let f = 0; f < F; f++) s += coef[w + f] * Z[o + f];
    out[k] = s;
  }
}

function softmaxInto(z: Float64Array, out: Float64Array, at: number): void {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += out[at + k] = Math.exp(z[k] - max);
  for (let k = 0; k < z.length; k++) out[at + k] /= sum;
}

function resolveParams(_task: TabularTask, input: ParamsInput): LogisticRegressionParams {
  const p = new ParamReader(LABEL, input);
  const params: LogisticRegressionParams = {
    C: p.number('C', 1, 0, 1e12, true),
    maxIterations: p.int('maxIterations', 500, 1, 100_000),
    tol: p.number('tol', 1e-6, 0, 1, true),
    classWeight: p.choice('classWeight', 'none', ['none', 'balanced'] as const),
  };
  p.done();
  return params;
}

async function fit(data: TabularData, params: LogisticRegressionParams, options: TabularFitOptions): Promise<LogisticRegressionModel> {
  const d = checkTabularData(data, LABEL);
  assertTask(logisticRegression, d.task);
  const cooperation = new Cooperation(options.signal);
  const { X, nRows: n, nFeatures: F, y, nClasses: K } = d;
  const standardizer = fitStandardizer(X, n, F);
  const Z = standardize(X, n, F, standardizer);
  const labels = Int32Array.from(y);
  const counts = classCounts(labels, K);
  const classWeight = Float64Array.from(counts, (c) => (params.classWeight === 'balanced' && c > 0 ? n / (K * c) : 1));
  const vectors = K === 2 ? 1 : K;
  const stride = F + 1; // each vector's weights, then its intercept
  // The mean loss plus ‖W‖² / (2 C n): scikit-learn's objective divided by C · n (same minimiser, better scaled).
  const penalty = 1 / (params.C * n);
  const z = new Float64Array(vectors);
  const p = new Float64Array(vectors);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const o = r * F;
      for (let k = 0; k < vectors; k++) {
        let s = theta[k * stride + F];
        for (let f = 0, w = k * stride; f < F; f++) s += theta[w + f] * Z[o + f];
        z[k] = s;
      }
      const label = labels[r];
      const weight = classWeight[label] / n;
      if (vectors === 1) {
        const t = z[0];
        const target = label === 1 ? 1 : 0;
        // log(1 + e^t) - target·t without overflow.
        loss += weight * ((t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - target * t);
        p[0] = weight * (1 / (1 + Math.exp(-t)) - target);
      } else {
        let max = -Infinity;
        for (let k = 0; k < vectors; k++) if (z[k] > max) max = z[k];
        let sum = 0;
        for (let k = 0; k < vectors; k++) sum += p[k] = Math.exp(z[k] - max);
        loss += weight * (max + Math.log(sum) - z[label]);
        for (let k = 0; k < vectors; k++) p[k] = weight * (p[k] / sum - (k === label ? 1 : 0));
      }
      for (let k = 0; k < vectors; k++) {
        const gk = p[k];
        if (gk === 0) continue;
        const w = k * stride;
        for (let f = 0; f < F; f++) grad[w + f] += gk * Z[o + f];
        grad[w + F] += gk;
      }
    }
    for (let k = 0; k < vectors; k++) {
      for (let f = 0, w = k * stride; f < F; f++) {
        loss += 0.5 * penalty * theta[w + f] * theta[w + f];
        grad[w + f] += penalty * theta[w + f];
      }
    }
    return loss;
  };
  const result = await minimizeLbfgs(
    objective,
    new Float64Array(vectors * stride),
    {
      maxIterations: params.maxIterations,
      gradientTolerance: params.tol,
      functionTolerance: 1e-15,
      onIteration: (iteration) => options.onProgress?.({ status: 'fitting', family: 'logistic', completed: iteration, total: params.maxIterations, unit: 'iteration' }),
    },
    cooperation,
  );
  const coef = new Float64Array(vectors * F);
  const intercept = new Float64Array(vectors);
  for (let k = 0; k < vectors; k++) {
    coef.set(result.x.subarray(k * stride, k * stride + F), k * F);
    intercept[k] = result.x[k * stride + F];
  }
  options.onProgress?.({ status: 'done', family: 'logistic', completed: result.iterations, unit: 'iteration', stoppedEarly: false });
  return new LogisticRegressionModel(d.task, F, K, params, standardizer, coef, intercept, { iterations: result.iterations, converged: result.converged });
}

function fromJSON(json: unknown): LogisticRegressionModel {
  const m = readModelJson<LogisticState, Readonly<Record<string, unknown>>>(json, 'logistic');
  const vectors = m.nClasses === 2 ? 1 : m.nClasses;
  const s = m.state;
  return new LogisticRegressionModel(
    m.task,
    m.nFeatures,
    m.nClasses,
    resolveParams(m.task, m.params),
    standardizerFromJson(s.standardizer, m.nFeatures),
    float64From(s.coef, vectors * m.nFeatures, 'coef'),
    float64From(s.intercept, vectors, 'intercept'),
    { iterations: s.iterations, converged: s.converged === true },
  );
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number, nClasses = 2): FamilySearchSpace {
  return {
    family: 'logistic',
    base: { ...resolveParams(task, undefined) },
    space: [
      { type: 'loguniform', path: 'C', min: 1e-4, max: 1e4 },
      { type: 'choice', path: 'classWeight', values: ['none', 'balanced'] },
    ],
    cost: {
      lowCost: { C: 1, classWeight: 'none' },
      costRelated: [{ path: 'C', cheap: 'low' }],
      estimatedWork: 50 * nRows * nFeatures * (nClasses === 2 ? 1 : nClasses),
    },
  };
}

/** The logistic regression family (classification). */
export const logisticRegression: TabularFamily<LogisticRegressionParams> = {
  name: 'logistic',
  label: LABEL,
  tasks: ['binary', 'multiclass'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON,
  searchSpace,
};
