/**
 * @file Writes a completed run's model from storage to a folder, as the registry will receive it: the stored
 * artifacts byte for byte (`model.json` + `model.weights.bin` in TF.js layers format, loadable with
 * `tf.loadLayersModel('<server>/model.json')`; `featurizer.json`; `signature.json`; `evaluation.json` when the
 * test split is not empty), every metric point as `metrics.csv`, and the complete spec that was run as `spec.json`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainSpec } from '../protocol/train';
import { getArtifactByName } from '../storage/artifacts';
import { metricKeys, metricSeries } from '../storage/metrics';
import type { MetricRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { MODEL_ARTIFACTS } from '../jobs/model-artifacts';

/** Files of the model folder, in the order written. */
export const MODEL_FOLDER_FILES = Object.freeze([...Object.values(MODEL_ARTIFACTS), 'metrics.csv', 'spec.json']);

/** Writes the model folder `out` (created when missing; files of the same name replaced). Returns the file names. */
export async function writeModelFolder(db: WorkspaceDb, runId: string, spec: TrainSpec, out: string): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const name of Object.values(MODEL_ARTIFACTS)) {
    const artifact = await getArtifactByName(db, runId, name);
    if (!artifact) {
      if (name === MODEL_ARTIFACTS.evaluation) continue; // no test split, no evaluation
      throw new Error(`The run completed without its "${name}" artifact`);
    }
    const data = artifact.data instanceof Blob ? await artifact.data.arrayBuffer() : artifact.data;
    await writeFile(join(out, name), new Uint8Array(data));
    written.push(name);
  }
  await writeFile(join(out, 'metrics.csv'), metricsCsv(await allMetrics(db, runId)));
  written.push('metrics.csv');
  await writeFile(join(out, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
  written.push('spec.json');
  return written;
}

/** Every metric point of a run, ordered by time of measurement, then key and step. */
export async function allMetrics(db: WorkspaceDb, runId: string): Promise<MetricRecord[]> {
  const points: MetricRecord[] = [];
  for (const key of await metricKeys(db, runId)) points.push(...(await metricSeries(db, runId, key)));
  return points.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.step - b.step);
}

/** `key,step,value,split,time` with a header; time in epoch milliseconds; a non-finite value as NaN/Infinity. */
export function metricsCsv(points: readonly MetricRecord[]): string {
  const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['key,step,value,split,time', ...points.map((p) => [cell(p.key), p.step, p.value, p.split ?? '', p.time].join(','))];
  return `${lines.join('\n')}\n`;
}
