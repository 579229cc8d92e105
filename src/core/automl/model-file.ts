/**
 * @file The schema of an AutoML model file (`automl-model.json`, {@link AutoMLModelFile}) for untrusted input: every
 * field checked with valibot (unknown keys dropped, so `__proto__` and friends never reach an object), then the
 * cross-field rules: classes against the task, every featurized column among the inputs, member weights summing
 * to 1. The member models themselves are checked by their family's `fromJSON` when loaded.
 */
import * as v from 'valibot';
import type { AutoMLColumnAction, AutoMLModelFile } from '../../protocol/automl';

const MAX_ITEMS = 100_000;
const name = v.pipe(v.string(), v.maxLength(1000));
const strings = v.pipe(v.array(name), v.maxLength(MAX_ITEMS));
const count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const ActionSchema = v.variant('kind', [
  v.object({ kind: v.literal('numeric'), column: name, missing: v.boolean() }),
  v.object({ kind: v.literal('one-hot'), column: name, categories: strings }),
  v.object({ kind: v.literal('target-encoding'), column: name, cardinality: count(0, Number.MAX_SAFE_INTEGER) }),
  v.object({ kind: v.literal('datetime'), column: name }),
  v.object({ kind: v.literal('text-hashing'), column: name, buckets: count(1, 4096) }),
  v.object({ kind: v.literal('drop'), column: name, reason: v.picklist(['constant', 'id-like', 'empty']) }),
]);

const ModelFileSchema = v.object({
  format: v.literal('benchtop-tabular'),
  version: v.literal(1),
  task: v.picklist(['binary', 'multiclass', 'regression']),
  target: name,
  classes: strings,
  inputs: v.pipe(v.array(v.object({ name, type: name })), v.maxLength(MAX_ITEMS)),
  featurizer: v.object({
    actions: v.pipe(v.array(ActionSchema), v.maxLength(MAX_ITEMS)),
    fitted: v.pipe(v.array(v.nullable(v.record(v.string(), v.unknown()))), v.maxLength(MAX_ITEMS)),
    names: strings,
  }),
  members: v.pipe(
    v.array(v.object({ weight: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1)), family: name, trial: count(0, Number.MAX_SAFE_INTEGER), model: v.unknown() })),
    v.minLength(1, 'a model needs at least one member'),
    v.maxLength(1000),
  ),
});

/** Checks an untrusted AutoML model file; throws one Error listing every problem with its path. */
export function parseAutoMLModelFile(input: unknown): AutoMLModelFile {
  const result = v.safeParse(ModelFileSchema, input);
  if (!result.success) {
    const lines = result.issues.slice(0, 10).map((issue) => `${v.getDotPath(issue) ?? '(file)'}: ${issue.message}`);
    throw new Error(`Not a valid AutoML model file (automl-model.json):\n  ${lines.join('\n  ')}`);
  }
  const file = result.output as AutoMLModelFile;
  const problem = crossFieldProblem(file);
  if (problem) throw new Error(`Not a valid AutoML model file (automl-model.json): ${problem}`);
  return file;
}

function crossFieldProblem(file: AutoMLModelFile): string | undefined {
  if (file.task === 'regression' && file.classes.length > 0) return `a regression model has no classes; got ${file.classes.length}`;
  if (file.task === 'binary' && file.classes.length !== 2) return `a binary model has 2 classes; got ${file.classes.length}`;
  if (file.task === 'multiclass' && file.classes.length < 2) return `a multiclass model has at least 2 classes; got ${file.classes.length}`;
  if (new Set(file.classes).size !== file.classes.length) return 'classes repeat a label';
  const inputs = new Set(file.inputs.map((i) => i.name));
  const unread = file.featurizer.actions.find((a: AutoMLColumnAction) => a.kind !== 'drop' && !inputs.has(a.column));
  if (unread) return `the featurizer reads column ${JSON.stringify(unread.column)}, which is not among the inputs`;
  const total = file.members.reduce((s, m) => s + m.weight, 0);
  if (Math.abs(total - 1) > 1e-6) return `member weights sum to ${total}; expected 1`;
  return undefined;
}
