/**
 * @file The spec a CLI run trains, from a spec file or from the lab's defaults.
 *
 * A spec file is the lab's JSON spec (`TrainSpec`, validated by `assertTrainSpec`). The CLI imports its data into a
 * fresh in-memory workspace, so the ids a spec carries cannot name anything there: `data.datasetId` and
 * `data.versionId` are always replaced with the imported version's ids (they may be left out), and
 * `data.contentHash` is filled in when it is left out or is not a SHA-256 digest (`""`, `"auto"`, ...). A real
 * digest is kept, so a spec exported from the lab fails with `data.contentHash` when run on different bytes.
 * `--epochs`, `--seed` and `--backend` replace the spec's values before validation.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultTrainSpec, type DefaultSpecDataset } from '../core/jobs/train-defaults';
import { assertTrainSpec } from '../core/jobs/train-spec';
import type { TrainSpec } from '../protocol/train';
import type { CliBackend } from './args';

/** Command-line values that replace the spec's. */
export interface SpecOverrides {
  epochs?: number;
  seed?: number;
  backend?: CliBackend;
}

/** The ids of the dataset version a spec reads. */
export interface DataIds {
  datasetId: string;
  versionId: string;
  contentHash: string;
}

/** Stand-ins used to check a spec's shape before its data is imported. */
const PLACEHOLDER_IDS: DataIds = Object.freeze({ datasetId: 'benchtop-cli', versionId: 'benchtop-cli', contentHash: '0'.repeat(64) });

const DIGEST = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and parses a spec file; an Error names the file and what is wrong with it. */
export async function readSpecFile(path: string, cwd: string): Promise<unknown> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `Spec file "${path}" does not exist (looked for ${absolute})` : `Cannot read spec file "${path}": ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`Spec file "${path}" is not valid JSON: ${(err as Error).message}`);
  }
}

/** `data.datasetId` of a spec file, when it is a string (it may name a sample dataset). */
export function specDatasetId(input: unknown): string | undefined {
  const data = isObject(input) ? input.data : undefined;
  return isObject(data) && typeof data.datasetId === 'string' ? data.datasetId : undefined;
}

/** The spec input with its data ids filled in (see the file comment) and the overrides applied. */
export function completeSpecInput(input: unknown, ids: DataIds, overrides: SpecOverrides): unknown {
  if (!isObject(input)) return input;
  const out: Json = { ...input };
  if (isObject(input.data)) {
    const hash = input.data.contentHash;
    out.data = { ...input.data, datasetId: ids.datasetId, versionId: ids.versionId, contentHash: typeof hash === 'string' && DIGEST.test(hash) ? hash : ids.contentHash };
  }
  if (overrides.epochs !== undefined) out.epochs = overrides.epochs;
  if (overrides.seed !== undefined) out.seed = overrides.seed;
  if (overrides.backend !== undefined) out.backend = overrides.backend;
  return out;
}

/** Checks a spec file's shape before any data is read; throws a `TrainSpecError` naming every bad field. */
export function checkSpecShape(input: unknown, overrides: SpecOverrides): void {
  assertTrainSpec(completeSpecInput(input, PLACEHOLDER_IDS, overrides));
}

/** The spec file checked against the imported version (columns, types, content hash). */
export function specFromFile(input: unknown, dataset: DefaultSpecDataset, overrides: SpecOverrides): TrainSpec {
  const ids = { datasetId: dataset.id, versionId: dataset.versionId, contentHash: dataset.contentHash };
  return assertTrainSpec(completeSpecInput(input, ids, overrides), { columns: dataset.columns, contentHash: dataset.contentHash });
}

/** The lab's default spec for `target` (as the Train form makes it), with the overrides; and the notes on its choices. */
export function specFromDefaults(dataset: DefaultSpecDataset, target: string, overrides: SpecOverrides): { spec: TrainSpec; notes: string[] } {
  const { spec, notes } = defaultTrainSpec({ dataset, target, ...(overrides.seed === undefined ? {} : { seed: overrides.seed }) });
  const changed = completeSpecInput(spec, { datasetId: dataset.id, versionId: dataset.versionId, contentHash: dataset.contentHash }, overrides);
  return { spec: assertTrainSpec(changed, { columns: dataset.columns, contentHash: dataset.contentHash }), notes };
}
