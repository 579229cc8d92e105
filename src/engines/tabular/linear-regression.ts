/**
 * @file The linear regression family: elastic net on standardized features and a standardized target, minimising
 * `1/(2n) ‖y − Xw‖² + α (ρ ‖w‖₁ + (1 − ρ)/2 ‖w‖²)` (scikit-learn's ElasticNet objective; ρ is `l1Ratio`). With
 * ρ = 0 that is ridge regression, solved exactly from the normal equations; otherwise cyclic coordinate descent on
 * the Gram matrix (on the residuals when there are too many features for it). Standardizing the target makes α
 * free of the target's unit, so one search range fits every dataset. Missing values take the training mean.
 */
import type { TrainTask } from '../../protocol/train';
import { solveCholesky } from './cholesky';
import { Cooperation } from './cooperate';
import { ParamReader, type ParamsInput } from './family-params';
import { fitStandardizer, standardize, standardizerFromJson, standardizerToJson, type Standardizer } from './standardize';
import { checkMatrix, checkTabularData, float64From, modelJson, numbersOf, readModelJson } from './tabular-data';
import { assertTask, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { FeatureMatrix, TabularData, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';

const LABEL = 'Linear regression';

/** Above this many features coordinate descent works on residuals instead of an F × F Gram matrix. */
const GRAM_MAX_FEATURES = 2000;

/** Parameters of {@link linearRegression}. */
export interface LinearRegressionParams {
  /** Penalty strength α ≥ 0. Default 1e-4 (almost ordinary least squares). */
  alpha: number;
  /** Share ρ of the L1 penalty in [0, 1]: 0 is ridge, 1 is the lasso. Default 0. */
  l1Ratio: number;
  /** Coordinate-descent sweeps at most. Default 1000. */
  maxIterations: number;
  /** Stop when no standardized coefficient moves by more than this in a sweep. Default 1e-7. */
  tol: number;
}

interface LinearState {
  standardizer: { mean: (number | null)[]; scale: (number | null)[] };
  targetMean: number;
  targetScale: number;
  coef: (number | null)[];
  iterations: number;
}

/** A fitted linear model. */
export class LinearRegressionModel implements TabularModel {
  readonly family = 'linear' as const;
  readonly task = 'regression' as const;
  readonly nClasses = 1;

  constructor(
    readonly nFeatures: number,
    readonly params: LinearRegressionParams,
    readonly standardizer: Standardizer,
    readonly targetMean: number,
    readonly targetScale: number,
    /** Weights on standardized features for the standardized target. */
    readonly coef: Float64Array,
    readonly iterations: number,
  ) {}

  predict(X: FeatureMatrix, nRows: number): Float64Array {
    checkMatrix(X, nRows, this.nFeatures, LABEL);
    const F = this.nFeatures;
    const Z = standardize(X, nRows, F, this.standardizer);
    const out = new Float64Array(nRows);
    for (let r = 0; r < nRows; r++) {
      let s = 0;
      for (let f = 0, o = r * F; f < F; f++) s += this.coef[f] * Z[o + f];
      out[r] = this.targetMean + this.targetScale * s;
    }
    return out;
  }

  predictProba(): Float64Array {
    throw new Error(`${LABEL}: predictProba needs a classification model; this one is a regression model`);
  }

  toJSON(): TabularModelJson<LinearState, LinearRegressionParams> {
    return modelJson(this.family, this.task, this.nFeatures, 1, this.params, {
      standardizer: standardizerToJson(this.standardizer),
      targetMean: this.targetMean,
      targetScale: this.targetScale,
      coef: numbersOf(this.coef),
      iterations: this.iterations,
    });
  }
}

function resolveParams(_task: TabularTask, input: ParamsInput): LinearRegressionParams {
  const p = new ParamReader(LABEL, input);
  const params: LinearRegressionParams = {
    alpha: p.number('alpha', 1e-4, 0, 1e6),
    l1Ratio: p.number('l1Ratio', 0, 0, 1),
    maxIterations: p.int('maxIterations', 1000, 1, 1_000_000),
    tol: p.number('tol', 1e-7, 0, 1, true),
  };
  p.done();
  return params;
}

const softThreshold = (x: number, t: number): number => (x > t ? x - t : x < -t ? x + t : 0);

async function fit(data: TabularData, params: LinearRegressionParams, options: TabularFitOptions): Promise<LinearRegressionModel> {
  const d = checkTabularData(data, LABEL);
  assertTask(linearRegression, d.task);
  const cooperation = new Cooperation(options.signal);
  const { X, nRows: n, nFeatures: F, y } = d;
  const standardizer = fitStandardizer(X, n, F);
  const Z = standardize(X, n, F, standardizer);
  let targetMean = 0;
  for (let r = 0; r < n; r++) targetMean += y[r] / n;
  let variance = 0;
  for (let r = 0; r < n; r++) variance += (y[r] - targetMean) ** 2 / n;
  const targetScale = Math.sqrt(variance) > 0 ? Math.sqrt(variance) : 1;
  const t = Float64Array.from({ length: n }, (_, r) => (y[r] - targetMean) / targetScale);
  const { alpha, l1Ratio } = params;
  const l1 = alpha * l1Ratio;
  const l2 = alpha * (1 - l1Ratio);
  const coef = new Float64Array(F);
  let iterations = 0;

  const progress = (sweep: number): void =>
    options.onProgress?.({ status: 'fitting', family: 'linear', completed: sweep, total: params.maxIterations, unit: 'iteration' });

  if (F <= GRAM_MAX_FEATURES) {
    // Gram matrix G = ZᵀZ / n and c = Zᵀt / n.
    const G = new Float64Array(F * F);
    const c = new Float64Array(F);
    for (let r = 0; r < n; r++) {
      const o = r * F;
      for (let i = 0; i < F; i++) {
        const zi = Z[o + i];
        if (zi === 0) continue;
        c[i] += (zi * t[r]) / n;
        for (let j = i; j < F; j++) G[i * F + j] += (zi * Z[o + j]) / n;
      }
    }
    for (let i = 0; i < F; i++) for (let j = 0; j < i; j++) G[i * F + j] = G[j * F + i];
    if (l1 === 0) {
      // A constant feature has an all-zero row: a tiny ridge keeps the system solvable and its weight 0.
      for (let i = 0; i < F; i++) G[i * F + i] += Math.max(l2, 1e-12);
      coef.set(solveCholesky(G, c, F));
    } else {
      const q = new Float64Array(F); // G · coef
      for (let sweep = 1; sweep <= params.maxIterations; sweep++) {
        let maxChange = 0;
        for (let j = 0; j < F; j++) {
          const gjj = G[j * F + j];
          const rho = c[j] - (q[j] - gjj * coef[j]);
          const next = softThreshold(rho, l1) / (gjj + l2 || 1);
          const delta = next - coef[j];
          if (delta !== 0) {
            coef[j] = next;
            for (let i = 0; i < F; i++) q[i] += G[i * F + j] * delta;
            if (Math.abs(delta) > maxChange) maxChange = Math.abs(delta);
          }
        }
        iterations = sweep;
        progress(sweep);
        if (maxChange <= params.tol) break;
        await cooperation.checkpoint();
      }
    }
  } else {
    const residual = Float64Array.from(t);
    const norms = new Float64Array(F);
    for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) norms[f] += Z[r * F + f] ** 2 / n;
    for (let sweep = 1; sweep <= params.maxIterations; sweep++) {
      let maxChange = 0;
      for (let j = 0; j < F; j++) {
        if (norms[j] === 0) continue;
        let rho = 0;
        for (let r = 0; r < n; r++) rho += (Z[r * F + j] * residual[r]) / n;
        rho += norms[j] * coef[j];
        const next = softThreshold(rho, l1) / (norms[j] + l2);
        const delta = next - coef[j];
        if (delta !== 0) {
          coef[j] = next;
          for (let r = 0; r < n; r++) residual[r] -= Z[r * F + j] * delta;
          if (Math.abs(delta) > maxChange) maxChange = Math.abs(delta);
        }
      }
      iterations = sweep;
      progress(sweep);
      if (maxChange <= params.tol) break;
      await cooperation.checkpoint();
    }
  }
  options.onProgress?.({ status: 'done', family: 'linear', completed: iterations, unit: 'iteration', stoppedEarly: false });
  return new LinearRegressionModel(F, params, standardizer, targetMean, targetScale, coef, iterations);
}

function fromJSON(json: unknown): LinearRegressionModel {
  const m = readModelJson<LinearState, Readonly<Record<string, unknown>>>(json, 'linear');
  const s = m.state;
  if (typeof s.targetMean !== 'number' || typeof s.targetScale !== 'number') throw new Error('Tabular model: linear model lacks its target mean and scale');
  return new LinearRegressionModel(
    m.nFeatures,
    resolveParams(m.task, m.params),
    standardizerFromJson(s.standardizer, m.nFeatures),
    s.targetMean,
    s.targetScale,
    float64From(s.coef, m.nFeatures, 'coef'),
    s.iterations,
  );
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number): FamilySearchSpace {
  return {
    family: 'linear',
    base: { ...resolveParams(task, undefined) },
    space: [
      { type: 'loguniform', path: 'alpha', min: 1e-6, max: 10 },
      { type: 'quniform', path: 'l1Ratio', min: 0, max: 1, step: 0.1 },
    ],
    cost: {
      lowCost: { alpha: 1e-4, l1Ratio: 0 },
      costRelated: [{ path: 'l1Ratio', cheap: 'low' }],
      estimatedWork: nRows * nFeatures * Math.min(nFeatures, GRAM_MAX_FEATURES),
    },
  };
}

/** The linear regression family (regression). */
export const linearRegression: TabularFamily<LinearRegressionParams> = {
  name: 'linear',
  label: LABEL,
  tasks: ['regression'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON,
  searchSpace,
};
