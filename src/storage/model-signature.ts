/**
 * @file Model signatures for the registry: validation of a signature given with uploaded files (untrusted: an ONNX
 * import, a registry response) and the conversion of a trained run's `signature.json`, or of an AutoML job's
 * `automl-model.json`, into the registry's shape.
 */
import * as v from 'valibot';
import type { ModelVersionSignature } from '../protocol/model';

/** Most inputs or outputs in one signature. */
export const MAX_SIGNATURE_ENTRIES = 10_000;
/** Longest input, output or class name, in characters. */
export const MAX_SIGNATURE_NAME = 500;
/** Most classes of one output. */
export const MAX_SIGNATURE_CLASSES = 100_000;

const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SIGNATURE_NAME));
const Dim = v.pipe(v.number(), v.integer(), v.minValue(-1));
const Shape = v.pipe(v.array(Dim), v.maxLength(16));
const Task = v.picklist(['binary', 'multiclass', 'regression']);

const SignatureSchema = v.strictObject({
  task: v.optional(Task),
  inputs: v.pipe(v.array(v.strictObject({ name: Name, type: v.pipe(v.string(), v.minLength(1), v.maxLength(64)), shape: v.optional(Shape) })), v.maxLength(MAX_SIGNATURE_ENTRIES)),
  outputs: v.pipe(
    v.array(
      v.strictObject({
        name: Name,
        kind: v.picklist(['probability', 'probabilities', 'value', 'tensor']),
        shape: Shape,
        classes: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_SIGNATURE_NAME))), v.maxLength(MAX_SIGNATURE_CLASSES))),
      }),
    ),
    v.minLength(1),
    v.maxLength(MAX_SIGNATURE_ENTRIES),
  ),
  target: v.optional(v.strictObject({ name: Name, type: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) })),
  featureCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

/** `signature.json` as a training run writes it (`src/jobs/model-artifacts.ts`, `ModelSignature`). */
const RunSignatureSchema = v.object({
  version: v.literal(1),
  task: Task,
  inputs: v.pipe(v.array(v.object({ name: Name, type: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) })), v.maxLength(MAX_SIGNATURE_ENTRIES)),
  target: v.object({ name: Name, type: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) }),
  featureCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  output: v.object({
    kind: v.picklist(['probability', 'probabilities', 'value']),
    shape: Shape,
    classes: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_SIGNATURE_NAME))), v.maxLength(MAX_SIGNATURE_CLASSES))),
  }),
});

/** The parts of `automl-model.json` (`AutoMLModelFile`) a signature is made of; the rest is checked when it is loaded. */
const AutoMLModelHeaderSchema = v.object({
  format: v.literal('benchtop-tabular'),
  version: v.literal(1),
  task: Task,
  target: Name,
  classes: v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_SIGNATURE_NAME))), v.maxLength(MAX_SIGNATURE_CLASSES)),
  inputs: v.pipe(v.array(v.object({ name: Name, type: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) })), v.minLength(1), v.maxLength(MAX_SIGNATURE_ENTRIES)),
});

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Checks a signature given with uploaded model files; throws an Error naming the first bad fields. */
export function checkModelSignature(signature: unknown): ModelVersionSignature {
  const result = v.safeParse(SignatureSchema, signature);
  if (!result.success) throw new Error(`The model signature is not valid: ${describe(result.issues)}`);
  return result.output;
}

/**
 * The registry signature of a run's `signature.json` (already parsed JSON): its input columns, its target and
 * one output named after the target. Throws an Error naming the first bad fields.
 */
export function signatureFromRunArtifact(json: unknown): ModelVersionSignature {
  const result = v.safeParse(RunSignatureSchema, json);
  if (!result.success) throw new Error(`The run's signature.json is not valid: ${describe(result.issues)}`);
  const run = result.output;
  return {
    task: run.task,
    inputs: run.inputs.map((input) => ({ name: input.name, type: input.type })),
    outputs: [{ name: run.target.name, kind: run.output.kind, shape: run.output.shape, ...(run.output.classes ? { classes: run.output.classes } : {}) }],
    target: { name: run.target.name, type: run.target.type },
    featureCount: run.featureCount,
  };
}

/**
 * The registry signature of an AutoML model file (already parsed JSON, `AutoMLModelFile`): its raw input columns
 * with their types, its target, and one output named after the target (class probabilities, or a value). Throws an
 * Error naming the first bad fields.
 */
export function signatureFromAutoMLModel(json: unknown): ModelVersionSignature {
  const result = v.safeParse(AutoMLModelHeaderSchema, json);
  if (!result.success) throw new Error(`The AutoML model file is not valid: ${describe(result.issues)}`);
  const model = result.output;
  const classification = model.task !== 'regression';
  if (classification && model.classes.length < 2) throw new Error(`The AutoML model file is not valid: a ${model.task} model needs at least 2 classes; it lists ${model.classes.length}`);
  if (new Set(model.inputs.map((i) => i.name)).size !== model.inputs.length) throw new Error('The AutoML model file is not valid: it lists an input column twice');
  return {
    task: model.task,
    inputs: model.inputs.map((input) => ({ name: input.name, type: input.type })),
    outputs: [classification ? { name: model.target, kind: 'probabilities', shape: [model.classes.length], classes: [...model.classes] } : { name: model.target, kind: 'value', shape: [1] }],
    // The target's type is not in the file; a classifier's labels are categories, a regressor's numbers.
    target: { name: model.target, type: classification ? 'category' : 'number' },
  };
}
