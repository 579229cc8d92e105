/**
 * @file The model registry's vocabulary: formats, signatures and model cards. Types only; shared by storage
 * (model and model-version records), the UI and the engines that load a registered model (TF.js, ONNX).
 */
import type { TrainTask } from './train';

/**
 * How a model version's files are laid out: TF.js layers format (`model.json` + weights), one `.onnx` file, or
 * `tabular`: one `automl-model.json` (an AutoML job's refit model: featurizer and tabular engine models, see
 * `AutoMLModelFile` in `automl.ts`), which reads raw table columns.
 */
export type ModelFormat = 'tfjs' | 'onnx' | 'tabular';

/** One input a caller passes: a table column (its `ColumnType`) or, for a raw ONNX model, a tensor (its dtype and shape). */
export interface ModelSignatureInput {
  name: string;
  /** A column type (`number`, `string`, `image`...) or a tensor element type (`float32`, `int64`...). */
  type: string;
  /** Tensor shape; `-1` (or absent) for a dynamic dimension. Absent for table columns. */
  shape?: number[];
}

/** One output of a model. */
export interface ModelSignatureOutput {
  name: string;
  /** `probability`: of `classes[1]`; `probabilities`: one per class; `value`: a regression value; `tensor`: raw. */
  kind: 'probability' | 'probabilities' | 'value' | 'tensor';
  shape: number[];
  /** Class names, in output order, for classifiers. */
  classes?: string[];
}

/** What a model reads and returns: the contract a deployment and a scoring job check against. */
export interface ModelVersionSignature {
  /** The training task, when known. */
  task?: TrainTask;
  inputs: ModelSignatureInput[];
  outputs: ModelSignatureOutput[];
  /** The column the model predicts, for models trained here. */
  target?: { name: string; type: string };
  /** Width of the featurized row the model reads (TF.js models trained here). */
  featureCount?: number;
}

/**
 * A model card: plain text written by people (rendered as text, never HTML). Metrics and lineage are not
 * repeated here: the version carries them as data.
 */
export interface ModelCard {
  /** What the model does. */
  description: string;
  /** Who should use it, for what, and what it must not be used for. */
  intendedUse: string;
  /** The data it was trained on, its provenance and known biases. */
  trainingData: string;
  /** Known limitations, failure modes, caveats about the metrics. */
  limitations: string;
}

/** Aliases with a meaning the UI knows; any other alias (1 to 64 of `a-z 0-9 _ -`, starting with a letter) is allowed. */
export const WELL_KNOWN_MODEL_ALIASES = Object.freeze(['champion', 'challenger'] as const);
