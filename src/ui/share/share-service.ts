/**
 * @file Making a share link of a completed run: its spec, seed, recorded metrics and a reference to its data. The data
 * goes in one of three ways, offered in this order:
 * - `sample`: the run read a shipped sample whose content hash this app's manifest lists: the viewer's app has it.
 * - `embedded`: the stored columns written as CSV (`core/share/table-csv.ts`), when they compress to at most 200 KB
 *   and read back into exactly the same columns. The link declares the SHA-256 of that CSV, the one hash a viewer can
 *   check; the run's original source hash rides along as `sourceHash` (only the parsed columns are stored, never the
 *   source bytes, so the original file cannot be embedded).
 * - `file`: a reference by the source's content hash; the viewer is asked for the file and its hash is checked.
 * Loaded on first use (it pulls in the CSV reader for the round-trip check).
 */
import type { SampleDataset } from '../../core/catalog/sample-manifest';
import { buildSharePayload, type MetricPoint } from '../../core/share/build-payload';
import { checkCsvRoundTrip } from '../../core/share/csv-round-trip';
import { compressedSize, encodeSharePayload, shareUrl } from '../../core/share/encode';
import { MAX_EMBEDDED_COMPRESSED_BYTES, MAX_EMBEDDED_CSV_CHARS, type SharedColumnType, type SharedDataset } from '../../core/share/payload';
import { writeTableCsv } from '../../core/share/table-csv';
import type { ChunkData } from '../../protocol/dataset';
import { readColumn } from '../../storage/chunks';
import { getWorkspaceDb } from '../../storage/connections';
import * as datasets from '../../storage/datasets';
import type { DatasetRecord, DatasetVersionRecord, RunRecord } from '../../storage/records';
import { loadSampleManifest } from '../datasets/samples';
import { runService } from '../runs/run-service';
import { workspaceState } from '../settings/workspace-state.svelte';

/** Stored source size past which embedding is not even tried (its CSV could not compress to 200 KB). */
const MAX_EMBED_SOURCE_BYTES = 64 * 1024 * 1024;

/** One way of carrying the data, and whether this run can use it. */
export interface DataChoice {
  kind: SharedDataset['kind'];
  /** Why this way is not possible for this run. */
  unavailable?: string;
  /** Bytes the embedded data adds to the link, compressed (embedded only). */
  compressedBytes?: number;
  /** Internal: the dataset reference this choice puts in the payload. */
  dataset?: SharedDataset;
}

/** A link, ready to copy. */
export interface ShareLink {
  url: string;
  /** Characters of the whole URL. */
  chars: number;
  /** Bytes of the compressed payload. */
  compressedBytes: number;
  /** Bytes of the payload JSON before compression. */
  jsonBytes: number;
}

/** A completed run read for sharing: the ways its data can go, and a builder per way. */
export interface PreparedShare {
  run: RunRecord;
  choices: DataChoice[];
}

function db() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

/** Reads a completed run and works out how its data can travel. */
export async function prepareShare(runId: string): Promise<PreparedShare> {
  const database = db();
  const run = await runService.getRun(runId);
  if (!run) throw new Error(`Run ${runId} does not exist in this workspace`);
  if (run.status !== 'completed') throw new Error(`Only a completed run can be shared; “${run.name}” is ${run.status}`);
  const dataset = await datasets.getDataset(database, run.datasetId);
  const version = (await datasets.getVersion(database, run.datasetVersionId)) ?? (await datasets.findVersionByHash(database, run.datasetId, run.contentHash));
  const manifest = await loadSampleManifest().catch(() => null);
  const name = dataset?.name ?? version?.sourceName ?? 'Dataset';
  const columnTypes: SharedColumnType[] = (version?.columns ?? []).filter((c) => c.type !== c.inferredType).map((c) => ({ column: c.name, type: c.type }));
  return {
    run,
    choices: [
      sampleChoice(run, dataset, manifest?.datasets ?? null, columnTypes),
      await embeddedChoice(run, name, version, columnTypes),
      fileChoice(name, version, columnTypes),
    ],
  };
}

function sampleChoice(run: RunRecord, dataset: DatasetRecord | undefined, samples: SampleDataset[] | null, columnTypes: SharedColumnType[]): DataChoice {
  if (!dataset?.sampleId) return { kind: 'sample', unavailable: 'the data is not one of the shipped samples' };
  const sample = samples?.find((s) => s.id === dataset.sampleId);
  if (!sample) return { kind: 'sample', unavailable: samples ? `this app no longer ships the sample “${dataset.sampleId}”` : 'the sample list could not be loaded' };
  if (sample.sha256 !== run.contentHash) return { kind: 'sample', unavailable: `the run read another version of the sample “${sample.name}” than this app ships` };
  return { kind: 'sample', dataset: { kind: 'sample', name: sample.name, sampleId: sample.id, contentHash: sample.sha256, columnTypes } };
}

async function embeddedChoice(run: RunRecord, name: string, version: DatasetVersionRecord | undefined, columnTypes: SharedColumnType[]): Promise<DataChoice> {
  if (!version) return { kind: 'embedded', unavailable: 'the dataset version the run read is no longer in this workspace' };
  if (version.format === 'images' || version.columns.some((c) => c.storage === 'bytes')) return { kind: 'embedded', unavailable: 'images are not embedded in links' };
  if (version.sizeBytes > MAX_EMBED_SOURCE_BYTES) return { kind: 'embedded', unavailable: `the data is ${formatBytes(version.sizeBytes)}; far past what a link embeds` };
  const chunks: ChunkData[][] = [];
  for (let c = 0; c < version.columns.length; c++) {
    const column: ChunkData[] = [];
    for await (const chunk of readColumn(db(), version.id, c)) column.push(chunk);
    chunks.push(column);
  }
  const csv = writeTableCsv(version.columns, chunks);
  if (csv.length > MAX_EMBEDDED_CSV_CHARS) return { kind: 'embedded', unavailable: `its CSV has ${csv.length.toLocaleString()} characters; links embed at most ${MAX_EMBEDDED_CSV_CHARS.toLocaleString()}` };
  const compressedBytes = compressedSize(new TextEncoder().encode(csv));
  if (compressedBytes > MAX_EMBEDDED_COMPRESSED_BYTES) {
    return { kind: 'embedded', compressedBytes, unavailable: `it compresses to ${formatBytes(compressedBytes)}; links embed at most ${formatBytes(MAX_EMBEDDED_COMPRESSED_BYTES)}` };
  }
  const sourceName = csvName(version.sourceName);
  const roundTrip = await checkCsvRoundTrip(csv, sourceName, version.columns, chunks);
  if (!roundTrip.ok) return { kind: 'embedded', unavailable: `written as CSV it would not read back the same (${roundTrip.reason})` };
  return {
    kind: 'embedded',
    compressedBytes,
    dataset: { kind: 'embedded', name, sourceName, sourceHash: run.contentHash, contentHash: roundTrip.contentHash, format: 'csv', csv, columnTypes },
  };
}

function fileChoice(name: string, version: DatasetVersionRecord | undefined, columnTypes: SharedColumnType[]): DataChoice {
  if (!version) return { kind: 'file', unavailable: 'the dataset version the run read is no longer in this workspace' };
  return { kind: 'file', dataset: { kind: 'file', name, sourceName: version.sourceName.slice(0, 200) || 'data', format: version.format, sizeBytes: version.sizeBytes, contentHash: version.contentHash, columnTypes } };
}

/** Builds the link of `prepared` with its data carried the `kind` way. Throws the payload's validation message. */
export async function buildShareLink(prepared: PreparedShare, kind: SharedDataset['kind']): Promise<ShareLink> {
  const choice = prepared.choices.find((c) => c.kind === kind);
  if (!choice?.dataset) throw new Error(`The data cannot be shared that way: ${choice?.unavailable ?? 'unknown choice'}`);
  const { run } = prepared;
  const keys = await runService.metricKeys(run.id);
  const series: MetricPoint[][] = await Promise.all(keys.map((key) => runService.metricSeries(run.id, key)));
  const payload = buildSharePayload({
    appVersion: __APP_VERSION__,
    now: Date.now(),
    run: { name: run.name, spec: run.spec, ...(run.environment.backend ? { backend: run.environment.backend } : {}), libraries: run.environment.libraries, summary: run.summary },
    series,
    dataset: choice.dataset,
  });
  const encoded = encodeSharePayload(payload);
  const url = shareUrl(location.href, encoded.encoded);
  return { url, chars: url.length, compressedBytes: encoded.compressedBytes, jsonBytes: encoded.jsonBytes };
}

/** The embedded file's name: the source's, with a `.csv` extension (that is what it now is). */
function csvName(sourceName: string): string {
  const base = sourceName.replace(/\.[A-Za-z0-9]{1,8}$/, '').slice(0, 190) || 'data';
  return `${base}.csv`;
}

/** `12.3 KB`, `1.2 MB`: sizes in the dialog and its messages (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
