/**
 * @file Kernel widths of TPE's Parzen estimators, per axis: Optuna's adaptive univariate rule and Scott's rule for
 * the multivariate estimator (see `parzen-estimator.ts` for how they are clipped and used).
 */

/**
 * The multivariate kernel width of an axis, Scott's rule: n^(−1/(d+4)) times the observations' standard deviation
 * (`scott`), or times 0.2 · range (`range`, Optuna 3's fixed spread; also used below two observations).
 */
export function scottWidth(observed: Float64Array, range: number, dims: number, bandwidth: 'scott' | 'range'): number {
  const n = observed.length;
  const factor = Math.pow(Math.max(n, 1), -1 / (dims + 4));
  if (bandwidth === 'range' || n < 2) return 0.2 * range * factor;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += observed[k];
  mean /= n;
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (observed[k] - mean) ** 2;
  return Math.sqrt(squares / (n - 1)) * factor;
}

/** Optuna's univariate bandwidths: the larger gap to a neighbour among the observations, the prior's centre and the ends. */
export function adaptiveWidths(observed: Float64Array, low: number, high: number, endpoints: boolean): Float64Array {
  const n = observed.length;
  const m = n + 1;
  const values = new Float64Array(m);
  values.set(observed);
  values[n] = 0.5 * (low + high);
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b] || a - b);
  // sorted[j + 1] is the j-th smallest value; sorted[0] and sorted[m + 1] are the ends of the range.
  const sorted = new Float64Array(m + 2);
  sorted[0] = low;
  sorted[m + 1] = high;
  for (let j = 0; j < m; j++) sorted[j + 1] = values[order[j]];
  const widths = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    let width = Math.max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]);
    if (!endpoints && m >= 2) {
      if (j === 0) width = sorted[2] - sorted[1];
      else if (j === m - 1) width = sorted[m] - sorted[m - 1];
    }
    if (order[j] < n) widths[order[j]] = width;
  }
  return widths;
}
