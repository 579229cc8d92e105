/**
 * @file Real AutoML models for scoring tests: a CSV imported with the import job, read as the AutoML job reads it
 * (`loadAutoMLTable`), searched with a small trial budget (`runAutoML`) and refit (`refitAutoMLModel`), then stored on
 * an AutoML parent run as `automl-model.json` and registered, as the lab does it.
 */
import { refitAutoMLModel } from '../core/automl/final-model';
import { runAutoML } from '../core/automl/search';
import { Rng } from '../core/random/rng';
import { loadAutoMLTable, type AutoMLTable } from '../jobs/automl-data';
import { AUTOML_MODEL_FILE, type AutoMLModelFile } from '../protocol/automl';
import { putArtifact } from '../storage/artifacts';
import { createAutoMLRun, updateAutoMLInfo } from '../storage/automl-runs';
import { registerModelVersion } from '../storage/model-registration';
import type { DatasetVersionRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { importCsv, jobSpec } from './jobs-fixtures';
import { TEST_ENVIRONMENT } from './storage-run-fixtures';

/**
 * A classification table with every kind of input AutoML reads: `id` (1, 2, 3...: dropped by the guardrails as an
 * ID), `x` (number), `colour` (category), `when` (datetime), `note` (text), `n` (integer, with a missing cell), and
 * `label` ("up" when x plus a colour bonus is positive, else "down").
 */
export function mixedCsv(rows = 90, seed = 7): string {
  const rng = new Rng(seed);
  const colours = ['red', 'green', 'blue'];
  const lines = ['id,x,colour,when,note,n,label'];
  for (let i = 0; i < rows; i++) {
    const x = rng.next() * 4 - 2;
    const colour = colours[i % 3];
    const when = new Date(Date.UTC(2024, i % 12, 1 + (i % 28), i % 24)).toISOString();
    const note = ['quiet day', 'busy day, many visitors', 'rain'][i % 3];
    const n = i % 10 === 0 ? '' : String(i % 7);
    lines.push(`${i + 1},${x.toFixed(3)},${colour},${when},"${note}",${n},${x + (colour === 'red' ? 1 : 0) > 0 ? 'up' : 'down'}`);
  }
  return lines.join('\n') + '\n';
}

/** A fitted AutoML model of a CSV, with the table it was fitted on. */
export interface FittedAutoMLModel {
  version: DatasetVersionRecord;
  table: AutoMLTable;
  file: AutoMLModelFile;
  /** Its cross-validated score, as a job records it. */
  best: NonNullable<Awaited<ReturnType<typeof runAutoML>>['best']>;
}

/**
 * Imports `csv` and fits an AutoML model of `target` on it (`regression`: linear models and trees; otherwise logistic
 * regression and trees; `trials` trials, seeded).
 */
export async function fitAutoMLModel(workspaceId: string, db: WorkspaceDb, csv: string, target: string, options: { name?: string; trials?: number; regression?: boolean } = {}): Promise<FittedAutoMLModel> {
  const version = await importCsv(workspaceId, db, csv, options.name ?? 'mixed.csv');
  const table = await loadAutoMLTable(db, version);
  const families = options.regression ? ['linear', 'decision-tree'] : ['logistic', 'decision-tree'];
  const spec = { target, ...(options.regression ? { task: 'regression' } : {}), budget: { trials: options.trials ?? 3 }, families, validation: { kind: 'cv', folds: 3 }, seed: 1 };
  const result = await runAutoML(table.columns, spec);
  if (!result.best) throw new Error('the AutoML search finished no trial');
  const file = await refitAutoMLModel(table.columns, result, { target, inputTypes: table.inputTypes.filter((t) => t.name !== target), seed: 1 });
  return { version, table, file, best: result.best };
}

/** {@link fitAutoMLModel}, stored on a completed AutoML run and registered as model `modelName`. */
export async function registerAutoMLModel(workspaceId: string, db: WorkspaceDb, csv: string, target: string, modelName: string, regression = false): Promise<FittedAutoMLModel & { runId: string; modelVersionId: string }> {
  const fitted = await fitAutoMLModel(workspaceId, db, csv, target, { name: `${modelName}.csv`, regression });
  const run = await createAutoMLRun(db, { spec: jobSpec(fitted.version, { target, task: fitted.file.task }), automl: { target, budget: { trials: 3 }, seed: 1 }, environment: TEST_ENVIRONMENT });
  await transitionRun(db, run.id, 'running');
  const artifact = await putArtifact(db, { runId: run.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new Blob([JSON.stringify(fitted.file)], { type: 'application/json' }) });
  await updateAutoMLInfo(db, run.id, { task: fitted.file.task, metric: fitted.file.task === 'regression' ? 'r2' : 'accuracy', best: fitted.best, modelArtifactId: artifact.id });
  await transitionRun(db, run.id, 'completed');
  const registered = await registerModelVersion(db, { modelName, source: { kind: 'run', runId: run.id } });
  return { ...fitted, runId: run.id, modelVersionId: registered.version.id };
}
