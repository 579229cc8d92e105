/**
 * @file The views a bundle carries for people and other tools (`metrics.csv`, `spec.json`, `model/card.json`,
 * `model/signature.json`, `lineage.json`). Each is a pure, deterministic function of the records, so the importer
 * rebuilds it from what it decoded and refuses a bundle whose view says something else than its records.
 */
import type { ModelRecord, ModelVersionRecord, MetricRecord, RunRecord } from '../records';
import type { DataCard } from './data-card';

/** `metrics.csv`: `key,step,value,time,split`, by key then step; values in shortest round-trip form (`NaN` kept). */
export function metricsCsv(metrics: readonly Omit<MetricRecord, 'runId'>[]): string {
  const rows = [...metrics].sort(compareMetrics).map((m) => [csvField(m.key), String(m.step), String(m.value), String(m.time), m.split ?? ''].join(','));
  return ['key,step,value,time,split', ...rows].join('\n') + '\n';
}

/** Metric points in the order of `metrics.csv` and `metrics.jsonl`. */
export function compareMetrics(a: Pick<MetricRecord, 'key' | 'step'>, b: Pick<MetricRecord, 'key' | 'step'>): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step;
}

/** `spec.json`: the run's spec, indented. */
export function specJson(run: RunRecord): string {
  return `${JSON.stringify(run.spec, null, 2)}\n`;
}

/** `model/card.json`. */
export function modelCardJson(version: ModelVersionRecord): string {
  return `${JSON.stringify(version.card, null, 2)}\n`;
}

/** `model/signature.json`. */
export function modelSignatureJson(version: ModelVersionRecord): string {
  return `${JSON.stringify(version.signature, null, 2)}\n`;
}

/** What `lineage.json` is built from. */
export interface LineageSource {
  runs: readonly RunRecord[];
  datasets: readonly DataCard[];
  model?: { model: ModelRecord; version: ModelVersionRecord };
}

/** `lineage.json`: each run with what it read and produced, the data cards' identities, and the model version's origin. */
export function lineageJson(source: LineageSource): string {
  const view = {
    runs: source.runs.map((run) => ({
      id: run.id,
      name: run.name,
      kind: run.kind,
      ...(run.parentId === undefined ? {} : { parentId: run.parentId }),
      status: run.status,
      data: { datasetId: run.datasetId, versionId: run.datasetVersionId, contentHash: run.contentHash },
      inputs: run.inputs.map(({ kind, id }) => ({ kind, id })),
      outputs: run.outputs.map(({ kind, id }) => ({ kind, id })),
    })),
    datasets: source.datasets.map((card) => ({
      datasetId: card.datasetId,
      versionId: card.versionId,
      name: card.name,
      contentHash: card.contentHash,
      ...(card.data ? { csvSha256: card.data.sha256 } : {}),
    })),
    ...(source.model
      ? {
          modelVersion: {
            modelId: source.model.model.id,
            modelName: source.model.model.name,
            versionId: source.model.version.id,
            version: source.model.version.version,
            source: source.model.version.source,
            lineage: source.model.version.lineage,
          },
        }
      : {}),
  };
  return `${JSON.stringify(view, null, 2)}\n`;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
