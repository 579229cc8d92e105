/**
 * @file Validation of training job specs at every boundary (UI editor, CLI, share link, bundle, sync): the shape
 * (`train-spec-schema.ts`), then the checks between fields (`train-spec-checks.ts`). Every problem is reported,
 * each naming its field, what was expected and what was found:
 * `model.layers[1].units: expected an integer from 1 to 4096, got 0`.
 */
import * as v from 'valibot';
import type { SpecIssue, SpecParseResult, TrainSpec, TrainTask } from '../../protocol/train';
import { formatSpecIssues } from './spec-fields';
import { LOSSES_BY_TASK, checkTrainSpec, type TrainDatasetContext } from './train-spec-checks';
import { TrainSpecSchema } from './train-spec-schema';

export type { TrainDatasetContext } from './train-spec-checks';

/** The loss a spec gets when it names none. */
export function defaultLoss(task: TrainTask): TrainSpec['loss'] {
  return LOSSES_BY_TASK[task][0];
}

/**
 * Validates an untrusted value (parsed JSON) as a training spec and returns it complete, with defaults filled in,
 * or every issue found. Unknown fields, `__proto__` included, are issues. Cross-field checks run once the shape is
 * valid; with `dataset`, the columns named are also checked against that version's schema.
 */
export function parseTrainSpec(input: unknown, dataset?: TrainDatasetContext): SpecParseResult<TrainSpec> {
  const parsed = v.safeParse(TrainSpecSchema, input);
  if (!parsed.success) return { ok: false, issues: formatSpecIssues(parsed.issues) };
  const spec = withLoss(parsed.output);
  const issues = checkTrainSpec(spec, dataset);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, spec };
}

/** The parsed spec with its loss filled in, keys in schema order so that equal specs serialize to equal JSON. */
function withLoss(output: v.InferOutput<typeof TrainSpecSchema>): TrainSpec {
  const loss = output.loss ?? defaultLoss(output.task);
  const entries = Object.keys(TrainSpecSchema.entries)
    .filter((key) => key === 'loss' || key in output)
    .map((key) => [key, key === 'loss' ? loss : output[key as keyof typeof output]]);
  return Object.fromEntries(entries) as TrainSpec;
}

/** Like `parseTrainSpec`, but throws one `TrainSpecError` listing every issue, one per line. */
export function assertTrainSpec(input: unknown, dataset?: TrainDatasetContext): TrainSpec {
  const result = parseTrainSpec(input, dataset);
  if (!result.ok) throw new TrainSpecError(result.issues);
  return result.spec;
}

/** A spec that failed validation; `issues` has each problem, `message` lists them all. */
export class TrainSpecError extends Error {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`The training spec has ${count}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'TrainSpecError';
    this.issues = issues;
  }
}
