/**
 * @file The manifest of shipped sample datasets (`public/datasets/manifest.json`), validated before use.
 */
import * as v from 'valibot';

const SampleSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'a sample id is lower-case letters, digits and dashes')),
  name: v.pipe(v.string(), v.minLength(1)),
  description: v.string(),
  task: v.picklist(['binary', 'multiclass', 'regression', 'image-classification', 'text-classification']),
  target: v.string(),
  file: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'a file is a relative path without ".."'), v.check((f) => !f.split('/').includes('..'), 'a file path may not contain ".."')),
  format: v.picklist(['csv', 'images']),
  rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
  columns: v.array(v.string()),
  sizeBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  source: v.object({ package: v.string(), version: v.string(), origin: v.string(), path: v.string() }),
  licence: v.pipe(v.string(), v.minLength(1)),
  attribution: v.string(),
  notes: v.optional(v.string()),
});

const ManifestSchema = v.object({
  format: v.literal('benchtop-datasets'),
  version: v.literal(1),
  datasets: v.array(SampleSchema),
});

/** One shipped sample dataset. */
export type SampleDataset = v.InferOutput<typeof SampleSchema>;

/** The sample-dataset manifest. */
export type SampleManifest = v.InferOutput<typeof ManifestSchema>;

/** Validate a parsed manifest; throws an Error naming the first bad field. */
export function parseSampleManifest(input: unknown): SampleManifest {
  const result = v.safeParse(ManifestSchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    throw new Error(`The sample manifest is invalid at ${path}: ${issue.message}`);
  }
  return result.output;
}
