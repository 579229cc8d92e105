/**
 * @file The manifest of the shipped model catalog (`models/manifest.json`, written by scripts/build-models.mjs),
 * validated before use.
 */
import * as v from 'valibot';
import { FeaturizationSchema, ModelSchema as TrainModelSchema } from '../jobs/train-spec-schema';

const RelativePath = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'a file is a relative path'),
  v.check((f) => !f.split('/').includes('..'), 'a file path may not contain ".."'),
);

const FileSchema = v.object({
  path: RelativePath,
  role: v.picklist(['tfjs', 'onnx', 'metadata']),
  sizeBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});

const InputSchema = v.object({ name: v.string(), type: v.string() });

const OutputSchema = v.object({
  kind: v.string(),
  shape: v.array(v.pipe(v.number(), v.integer(), v.minValue(1))),
  classes: v.optional(v.array(v.string())),
});

const ModelSchema = v.pipe(
  v.object({
    id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'a model id is lower-case letters, digits and dashes')),
    name: v.pipe(v.string(), v.minLength(1)),
    description: v.string(),
    task: v.picklist(['binary', 'multiclass', 'regression']),
    formats: v.pipe(v.array(v.picklist(['tfjs', 'onnx'])), v.minLength(1)),
    inputs: v.pipe(v.array(InputSchema), v.minLength(1)),
    outputs: OutputSchema,
    labels: v.array(v.string()),
    metrics: v.object({
      split: v.string(),
      sampleCount: v.pipe(v.number(), v.integer(), v.minValue(1)),
      accuracy: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      f1Macro: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      onnxMaxAbsDiff: v.pipe(v.number(), v.minValue(0), v.maxValue(1e-4)),
    }),
    source: v.object({
      script: v.string(),
      dataset: v.string(),
      datasetLicence: v.pipe(v.string(), v.minLength(1)),
      datasetAttribution: v.string(),
      target: v.string(),
      epochs: v.pipe(v.number(), v.integer(), v.minValue(1)),
      seed: v.pipe(v.number(), v.integer()),
      /** The TF.js backend it was trained on (under Node): cpu for tabular models, wasm for image models. */
      backend: v.picklist(['cpu', 'wasm']),
      /** The spec file trained (relative to the repository root), when not the lab's default spec. */
      spec: v.optional(v.string()),
    }),
    licence: v.pipe(v.string(), v.minLength(1)),
    licenceNote: v.string(),
    /** How the model was trained (subsets, reproducibility), in plain text. */
    notes: v.optional(v.string()),
    /** What inputs it scores and where (lab, endpoint, CLI), in plain text. */
    scoring: v.optional(v.string()),
    /**
     * What a fine-tuning run starting from this model must build (spec.init): the target it predicts, the spec's
     * model, and for an image model the image size and channels it reads. Validated with the train spec's schemas.
     */
    fineTune: v.optional(
      v.object({
        target: v.string(),
        model: TrainModelSchema,
        image: v.optional(FeaturizationSchema.entries.image),
      }),
    ),
    files: v.pipe(v.array(FileSchema), v.minLength(1)),
  }),
  v.check((m) => m.files.some((f) => f.path === 'model.json') && m.files.some((f) => f.path === 'model.weights.bin'), 'a model ships model.json and model.weights.bin'),
  v.check((m) => !m.formats.includes('onnx') || m.files.some((f) => f.role === 'onnx'), 'a model listing the onnx format ships an ONNX file'),
);

const ManifestSchema = v.object({
  format: v.literal('benchtop-models'),
  version: v.literal(1),
  models: v.array(ModelSchema),
});

/** One shipped catalog model. */
export type CatalogModel = v.InferOutput<typeof ModelSchema>;

/** One file of a catalog model (relative to `models/<id>/`). */
export type CatalogModelFile = v.InferOutput<typeof FileSchema>;

/** The model-catalog manifest. */
export type ModelManifest = v.InferOutput<typeof ManifestSchema>;

/** Validate a parsed manifest; throws an Error naming the first bad field. */
export function parseModelManifest(input: unknown): ModelManifest {
  const result = v.safeParse(ManifestSchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    throw new Error(`The model manifest is invalid at ${path}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const model of result.output.models) {
    if (ids.has(model.id)) throw new Error(`The model manifest lists ${model.id} twice`);
    ids.add(model.id);
  }
  return result.output;
}
