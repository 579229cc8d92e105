/**
 * @file An AutoML job spec (valibot): target, task (detected unless given), primary metric, budget in trials or
 * milliseconds, validation (stratified k-fold CV or a holdout), seed, families and ensembling. Errors name the field.
 *
 * Determinism: a TRIAL budget gives the same leaderboard for the same data and seed on any machine (the search
 * orders families by a work model, not by measured times). A time budget (`timeMs`) uses measured times and stops
 * on the clock, so its results depend on the machine and its load.
 */
import * as v from 'valibot';
import type { TabularFamilyName } from '../../engines/tabular/tabular-model';

export const AUTOML_METRICS = ['accuracy', 'log-loss', 'r2', 'rmse'] as const;
export type AutoMLMetric = (typeof AUTOML_METRICS)[number];

const FAMILY_NAMES = ['linear', 'logistic', 'knn', 'decision-tree', 'random-forest', 'hist-gradient-boosting', 'mlp'] as const satisfies readonly TabularFamilyName[];

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const AutoMLSpecSchema = v.pipe(
  v.object({
    target: v.pipe(v.string(), v.minLength(1, 'name the target column')),
    task: v.optional(v.picklist(['binary', 'multiclass', 'regression'])),
    metric: v.optional(v.picklist(AUTOML_METRICS)),
    budget: v.pipe(
      v.object({ trials: v.optional(int(1, 100000)), timeMs: v.optional(int(1, 7 * 24 * 3600 * 1000)) }),
      v.check((b) => b.trials !== undefined || b.timeMs !== undefined, 'give a trial budget (trials) or a time budget (timeMs)'),
    ),
    validation: v.optional(
      v.variant('kind', [
        v.object({ kind: v.literal('cv'), folds: v.optional(int(2, 20), 5), stratified: v.optional(v.boolean(), true) }),
        v.object({ kind: v.literal('holdout'), fraction: v.optional(v.pipe(v.number(), v.minValue(0.05), v.maxValue(0.5)), 0.2), stratified: v.optional(v.boolean(), true) }),
      ]),
      { kind: 'cv', folds: 5, stratified: true },
    ),
    seed: v.optional(int(0, 2 ** 32 - 1), 0),
    families: v.optional(v.pipe(v.array(v.picklist(FAMILY_NAMES)), v.minLength(1, 'list at least one family'))),
    ensemble: v.optional(v.boolean(), true),
    /** Trials fitted at once (in a worker pool in the browser); part of what makes a trial-budget search reproducible. */
    concurrency: v.optional(int(1, 16), 2),
  }),
  v.check((s) => !(s.task === 'regression' && (s.metric === 'accuracy' || s.metric === 'log-loss')), 'metric must be r2 or rmse for a regression task'),
  v.check((s) => !(s.task !== undefined && s.task !== 'regression' && (s.metric === 'r2' || s.metric === 'rmse')), 'metric must be accuracy or log-loss for a classification task'),
);

export type AutoMLSpecInput = v.InferInput<typeof AutoMLSpecSchema>;
export type AutoMLSpec = v.InferOutput<typeof AutoMLSpecSchema>;

/** Parses a spec; throws one Error listing every problem with its field path. */
export function parseAutoMLSpec(input: unknown): AutoMLSpec {
  const result = v.safeParse(AutoMLSpecSchema, input);
  if (result.success) return result.output;
  const lines = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(spec)'}: ${issue.message}`);
  throw new Error(`Invalid AutoML spec:\n  ${lines.join('\n  ')}`);
}

/** The default metric of a task. */
export function defaultMetric(task: 'binary' | 'multiclass' | 'regression'): AutoMLMetric {
  return task === 'regression' ? 'r2' : 'accuracy';
}
