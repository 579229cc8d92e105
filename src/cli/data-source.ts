/**
 * @file Where the CLI's data comes from: a file on disk (CSV, TSV, JSON, JSON Lines, Parquet: whatever the import
 * job reads), or a shipped sample dataset by id (`public/datasets/<file>` of the repository, per its manifest).
 * Either becomes a `File` handed to the same import job the lab's import worker runs.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseSampleManifest, type SampleDataset } from '../core/catalog/sample-manifest';

/** A file ready for `importDataset`, and how to name the dataset. */
export interface DataSource {
  file: File;
  datasetName: string;
  /** Absolute path read. */
  path: string;
  /** Set when the source is a shipped sample. */
  sample?: SampleDataset;
}

/** Largest file the CLI reads into memory. */
export const MAX_DATA_BYTES = 2 * 1024 ** 3;

/** The shipped samples (`public/datasets/manifest.json` under `root`), validated. */
export async function readSamples(root: string): Promise<SampleDataset[]> {
  const path = join(root, 'public', 'datasets', 'manifest.json');
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? [] : parseSampleManifest(JSON.parse(text)).datasets;
}

/**
 * Resolves `--data`: an existing file (relative to `cwd`) wins; otherwise a sample id. Throws an Error naming the
 * path (and the sample ids) when neither exists.
 */
export async function resolveDataSource(data: string, options: { cwd: string; root: string }): Promise<DataSource> {
  const path = resolve(options.cwd, data);
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return { file: await readAsFile(path, info.size), datasetName: basename(path), path };
  if (info) throw new Error(`Data "${data}" is a folder (${path}); expected a CSV, TSV, JSON or Parquet file`);
  const samples = await readSamples(options.root);
  const sample = samples.find((s) => s.id === data);
  if (!sample) {
    const ids = samples.map((s) => s.id).join(', ');
    throw new Error(`Data file "${data}" does not exist (looked for ${path})${ids ? `, and it is not a sample dataset (samples: ${ids})` : ''}`);
  }
  const samplePath = join(options.root, 'public', 'datasets', ...sample.file.split('/'));
  const sampleInfo = await stat(samplePath).catch(() => undefined);
  if (!sampleInfo?.isFile()) throw new Error(`Sample "${sample.id}" is listed but its file ${samplePath} is missing; run "npm run datasets"`);
  return { file: await readAsFile(samplePath, sampleInfo.size), datasetName: sample.name, path: samplePath, sample };
}

/** Whether `id` names a shipped sample. */
export async function isSampleId(id: string, root: string): Promise<boolean> {
  return (await readSamples(root)).some((s) => s.id === id);
}

async function readAsFile(path: string, size: number): Promise<File> {
  if (size > MAX_DATA_BYTES) throw new Error(`Data file ${path} is ${size} bytes; the CLI reads at most ${MAX_DATA_BYTES}`);
  return new File([await readFile(path)], basename(path));
}
