/**
 * @file What a model family offers a search: its parameters (checked, with defaults), fit, restore from JSON, and
 * its own search space in the sweep format (`src/protocol/sweep.ts`, paths into the family's parameter object)
 * with a cost hint in the manner of FLAML: a low-cost starting point and the parameters that drive training time.
 */
import type { JsonValue, ParamAssignment, ParamPath, SearchSpace } from '../../protocol/sweep';
import type { ParamsInput } from './family-params';
import type { TabularData, TabularFamilyName, TabularFitOptions, TabularModel, TabularTask } from './tabular-model';

/** How expensive a family's trials are, for a cost-frugal search. */
export interface FamilyCost {
  /**
   * FLAML's low-cost initial point: a complete assignment of the space (every parameter has a value) with each
   * cost-related parameter at its cheap end; a cost-frugal search starts here and grows.
   */
  lowCost: ParamAssignment;
  /** Parameters whose value drives training (or prediction) time, and which end of the range is cheap. */
  costRelated: readonly { path: ParamPath; cheap: 'low' | 'high' }[];
  /**
   * Approximate inner-loop operations of one fit and prediction at the low-cost point on this data shape: a rough
   * number for ordering families cheapest first, not a time.
   */
  estimatedWork: number;
}

/** A family's search space for one data shape. */
export interface FamilySearchSpace {
  family: TabularFamilyName;
  /** The parameters every trial starts from: complete (every path of `space` exists in it), valid for the task. */
  base: Record<string, JsonValue>;
  space: SearchSpace;
  cost: FamilyCost;
}

/** A model family. `P` is its resolved parameter object. */
export interface TabularFamily<P> {
  readonly name: TabularFamilyName;
  /** A human name: "Random forest". */
  readonly label: string;
  /** Tasks the family can fit. */
  readonly tasks: readonly TabularTask[];
  /** Parameters from JSON for `task`: each field checked, absent ones defaulted; throws naming the bad field. */
  resolveParams(task: TabularTask, input: ParamsInput): P;
  /** Fits a model; rejects with the signal's reason when aborted. */
  fit(data: TabularData, params: P, options: TabularFitOptions): Promise<TabularModel>;
  /** Restores a model from {@link TabularModel.toJSON}. */
  fromJSON(json: unknown): TabularModel;
  /** The family's search space for `task` on data with `nRows` rows, `nFeatures` features and `nClasses` classes (default 2). */
  searchSpace(task: TabularTask, nRows: number, nFeatures: number, nClasses?: number): FamilySearchSpace;
}

/** Throws unless `family` can fit `task`. */
export function assertTask(family: { label: string; tasks: readonly TabularTask[] }, task: TabularTask): void {
  if (!family.tasks.includes(task)) {
    throw new Error(`${family.label} cannot fit a ${task} task; it fits ${family.tasks.join(', ')}`);
  }
}

/** `value` clamped into `[min, max]` and rounded to an integer. */
export function clampInt(value: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, value)));
}
