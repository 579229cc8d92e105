/**
 * @file A model's raw outputs (rows × width floats) read as predictions: class labels with their probabilities, or
 * values. As JSON records for an endpoint's answer, and as columns (chunks) for a scored dataset version.
 */
import type { ChunkData, ColumnType } from '../../protocol/dataset';
import type { PredictionRecord } from '../../protocol/scoring';

/** What a model's output means. */
export interface ScoringOutput {
  /** `probability`: of `classes[1]` (binary); `probabilities`: one per class; `value`: regression; `tensor`: raw. */
  kind: 'probability' | 'probabilities' | 'value' | 'tensor';
  /** Class names in output order (classifiers). */
  classes?: readonly string[];
  /** Values per row in the raw output. */
  width: number;
}

/** Checks that raw outputs of `width` values per row fit `output`; throws naming the mismatch. */
export function checkOutputWidth(output: ScoringOutput, width: number): void {
  const classes = output.classes?.length ?? 0;
  if (output.kind === 'probability' && (width !== 1 || classes !== 2)) throw new Error(`A binary model gives 1 probability per row for 2 classes; this one gives ${width} values for ${classes} classes`);
  if (output.kind === 'probabilities' && width !== classes) throw new Error(`The model gives ${width} values per row but names ${classes} classes`);
  if (output.kind === 'value' && width !== 1) throw new Error(`A regression model gives 1 value per row; this one gives ${width}`);
}

/** Float32 precision in JSON: 7 significant digits (`0.9800000190734863` → `0.98`); non-finite values become null. */
export function roundFloat32(value: number): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : null;
}

/** The index of the largest value of row `r` (the first on ties; NaN never wins). */
function argmax(values: Float32Array, r: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[r * width + k] > values[r * width + best] || Number.isNaN(values[r * width + best])) best = k;
  return best;
}

/** Class probabilities of row `r`, in class order (a binary model's single p becomes [1 - p, p]). */
function probabilitiesOf(values: Float32Array, r: number, output: ScoringOutput): number[] {
  if (output.kind === 'probability') return [1 - values[r], values[r]];
  return Array.from(values.subarray(r * output.width, (r + 1) * output.width));
}

/** The predicted class index of row `r` (binary: p ≥ 0.5 is class 1). */
function classIndexOf(values: Float32Array, r: number, output: ScoringOutput): number {
  return output.kind === 'probability' ? (values[r] >= 0.5 ? 1 : 0) : argmax(values, r, output.width);
}

/** One JSON record per row (see `PredictionRecord`). Class names are untrusted: they become own data properties only. */
export function predictionRecords(values: Float32Array, rows: number, output: ScoringOutput): PredictionRecord[] {
  const records: PredictionRecord[] = [];
  for (let r = 0; r < rows; r++) {
    if (output.kind === 'probability' || output.kind === 'probabilities') {
      const classes = output.classes ?? [];
      const probabilities = probabilitiesOf(values, r, output);
      const valid = probabilities.every(Number.isFinite);
      records.push({
        prediction: valid ? (classes[classIndexOf(values, r, output)] ?? null) : null,
        // Object.fromEntries defines own properties: a class named "__proto__" is an ordinary key here.
        probabilities: Object.fromEntries(classes.map((c, k) => [c, roundFloat32(probabilities[k]) as number])),
      });
    } else if (output.width === 1) {
      records.push({ prediction: roundFloat32(values[r]) });
    } else {
      records.push({ prediction: Array.from(values.subarray(r * output.width, (r + 1) * output.width), (v) => roundFloat32(v) as number) });
    }
  }
  return records;
}

/** One column a scoring adds to a dataset. */
export interface PredictionColumn {
  name: string;
  type: ColumnType;
  storage: ChunkData['kind'];
}

/**
 * The columns a scoring adds: `prediction` (the class, a category; or the value, a number) and, for classifiers,
 * `probability_<class>` per class; a raw model with several outputs per row gets `prediction[0]`, `prediction[1]`...
 * A name already among `taken` (the dataset's columns) gets ` (2)`, ` (3)`... appended.
 */
export function predictionColumns(output: ScoringOutput, taken: readonly string[]): PredictionColumn[] {
  const used = new Set(taken);
  const unique = (name: string) => {
    let candidate = name;
    for (let k = 2; used.has(candidate); k++) candidate = `${name} (${k})`;
    used.add(candidate);
    return candidate;
  };
  if (output.kind === 'probability' || output.kind === 'probabilities') {
    return [
      { name: unique('prediction'), type: 'category', storage: 'dict' },
      ...(output.classes ?? []).map((c): PredictionColumn => ({ name: unique(`probability_${c}`), type: 'number', storage: 'f64' })),
    ];
  }
  if (output.width === 1) return [{ name: unique('prediction'), type: 'number', storage: 'f64' }];
  return Array.from({ length: output.width }, (_, k): PredictionColumn => ({ name: unique(`prediction[${k}]`), type: 'number', storage: 'f64' }));
}

/** The chunks of the {@link predictionColumns}, in the same order, for `rows` rows of raw outputs. */
export function predictionChunks(values: Float32Array, rows: number, output: ScoringOutput): ChunkData[] {
  if (output.kind === 'probability' || output.kind === 'probabilities') {
    const classes = output.classes ?? [];
    const codes = new Int32Array(rows);
    const probabilities = classes.map(() => new Float64Array(rows));
    for (let r = 0; r < rows; r++) {
      const p = probabilitiesOf(values, r, output);
      codes[r] = p.every(Number.isFinite) ? classIndexOf(values, r, output) : -1;
      p.forEach((v, k) => (probabilities[k][r] = Number.isFinite(v) ? v : NaN));
    }
    return [{ kind: 'dict', codes, dictionary: [...classes] }, ...probabilities.map((v): ChunkData => ({ kind: 'f64', values: v }))];
  }
  return Array.from({ length: output.width }, (_, k): ChunkData => {
    const column = new Float64Array(rows);
    for (let r = 0; r < rows; r++) column[r] = values[r * output.width + k];
    return { kind: 'f64', values: column };
  });
}
