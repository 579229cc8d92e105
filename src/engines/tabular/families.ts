/**
 * @file The tabular model families, one frozen table (as `engines/tfjs/backends.ts` lists backends), and the entry
 * points that take a family by name: fit from JSON parameters, restore a stored model, list search spaces.
 * The MLP here (`mlp.ts`) is a TypeScript one for AutoML; the training job's MLP lives in the TF.js engine.
 */
import { decisionTree } from './decision-tree';
import type { ParamsInput } from './family-params';
import { histGradientBoosting } from './hist-gradient-boosting';
import { kNearestNeighbours } from './k-nearest-neighbours';
import { linearRegression } from './linear-regression';
import { logisticRegression } from './logistic-regression';
import { mlp } from './mlp';
import { randomForest } from './random-forest';
import type { FamilySearchSpace, TabularFamily } from './tabular-family';
import type { TabularData, TabularFamilyName, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';

/** Every family by name. */
export const TABULAR_FAMILIES = Object.freeze({
  linear: linearRegression,
  logistic: logisticRegression,
  knn: kNearestNeighbours,
  'decision-tree': decisionTree,
  'random-forest': randomForest,
  'hist-gradient-boosting': histGradientBoosting,
  mlp,
}) satisfies Readonly<Record<TabularFamilyName, TabularFamily<unknown>>>;

/** Family names in table order. */
export const TABULAR_FAMILY_NAMES = Object.freeze(Object.keys(TABULAR_FAMILIES) as TabularFamilyName[]);

/** The family called `name`; throws listing the known names. */
export function tabularFamily(name: string): TabularFamily<unknown> {
  if (!Object.prototype.hasOwnProperty.call(TABULAR_FAMILIES, name)) {
    throw new Error(`Unknown tabular model family "${name}"; expected one of ${TABULAR_FAMILY_NAMES.join(', ')}`);
  }
  return TABULAR_FAMILIES[name as TabularFamilyName] as TabularFamily<unknown>;
}

/** Families that can fit `task`, in table order. */
export function familiesFor(task: TabularTask): TabularFamilyName[] {
  return TABULAR_FAMILY_NAMES.filter((name) => (TABULAR_FAMILIES[name].tasks as readonly TabularTask[]).includes(task));
}

/** Fits family `name` with parameters from JSON (absent fields take defaults). */
export function fitTabularModel(name: TabularFamilyName, data: TabularData, params: ParamsInput, options: TabularFitOptions): Promise<TabularModel> {
  const family = tabularFamily(name);
  return family.fit(data, family.resolveParams(data.task, params), options);
}

/** Restores any tabular model from its JSON. */
export function tabularModelFromJson(json: unknown): TabularModel {
  const family = (json as Partial<TabularModelJson> | null)?.family;
  if (typeof family !== 'string') throw new Error('Not a tabular model: it names no family');
  return tabularFamily(family).fromJSON(json);
}

/** The search space of every family that fits `task`, cheapest first by estimated work. */
export function tabularSearchSpaces(task: TabularTask, nRows: number, nFeatures: number, nClasses?: number): FamilySearchSpace[] {
  return familiesFor(task)
    .map((name) => TABULAR_FAMILIES[name].searchSpace(task, nRows, nFeatures, nClasses))
    .sort((a, b) => a.cost.estimatedWork - b.cost.estimatedWork);
}
