import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../core/features/image';
import type { ColumnSchema } from '../protocol/dataset';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord } from '../storage/records';
import { beginStagedVersion } from '../storage/staged-version';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage, testProfile } from '../test/storage-fixtures';
import { prepareTrainData } from './train-data';
import { planFeatures } from './train-features';

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

/** 40 one-byte "images" (the byte is the grey level) and a label: bright or dark. */
async function imageVersion(): Promise<DatasetVersionRecord> {
  const rows = 40;
  const staged = await beginStagedVersion(db, { datasetName: 'Images', format: 'images', sourceName: 'images', sizeBytes: rows });
  const columns: ColumnSchema[] = [
    { name: 'image', type: 'image', inferredType: 'image', storage: 'bytes' },
    { name: 'label', type: 'category', inferredType: 'category', storage: 'dict' },
  ];
  const grey = Array.from({ length: rows }, (_, i) => (i * 97) % 256);
  await staged.write(0, 0, { kind: 'bytes', items: grey.map((g) => Uint8Array.of(g)), mediaTypes: grey.map(() => 'image/png') });
  await staged.write(1, 0, { kind: 'dict', codes: Int32Array.from(grey, (g) => (g > 127 ? 1 : 0)), dictionary: ['dark', 'bright'] });
  const hash = 'c'.repeat(64);
  const { versionId } = await staged.commit({ contentHash: hash, rows, columns, profiles: columns.map((c) => testProfile(c, rows)), issues: [] });
  return (await getVersion(db, versionId)) as DatasetVersionRecord;
}

/** A 2×2 grey image (resized to 8×8) filled with the cell's one byte. */
const fakeDecoder: ImageDecoder = async (bytes) => ({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(4).fill(bytes[0]) });

describe('prepareTrainData', () => {
  it('splits, fits the features on the training rows only, and encodes labels', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const data = await prepareTrainData(db, version, jobSpec(version));
    expect([data.train.y.length, data.validation.y.length, data.test.y.length]).toEqual([72, 24, 24]);
    expect(data.train.x.length).toBe(72 * data.pipeline.featureCount);
    expect(data.classLabels?.classes).toEqual(['cat', 'dog']);
    expect(data.classCount).toBe(2);
    // Standardized on the training rows: their mean is 0 (to float32 precision), the other splits' is not exactly.
    const mean = (x: Float32Array, width: number) => x.filter((_, i) => i % width === 0).reduce((a, b) => a + b, 0) / (x.length / width);
    expect(Math.abs(mean(data.train.x, data.pipeline.featureCount))).toBeLessThan(1e-6);
  });

  it('gives a zero validation share back to training', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const spec = jobSpec(version);
    const data = await prepareTrainData(db, version, { ...spec, data: { ...spec.data, split: { train: 0.8, validation: 0, test: 0.2, stratify: true } } });
    expect([data.train.y.length, data.validation.y.length, data.test.y.length]).toEqual([96, 0, 24]);
  });

  it('decodes image columns with an injected decoder and resizes them', async () => {
    const version = await imageVersion();
    const spec = jobSpec(version, {
      target: 'label',
      model: { family: 'cnn', blocks: [{ filters: 2, kernelSize: 3 }], denseUnits: 0 },
      featurization: { image: { width: 8, height: 8, channels: 1, normalize: true } },
    });
    const data = await prepareTrainData(db, version, spec, { decodeImage: fakeDecoder });
    expect(data.pipeline.segments).toEqual([{ column: 'image', type: 'image', offset: 0, width: 64, shape: [8, 8, 1] }]);
    const row = data.train.x.subarray(0, 64);
    expect(new Set(row).size).toBe(1);
    expect(row[0]).toBeGreaterThanOrEqual(0);
    expect(row[0]).toBeLessThanOrEqual(1);
  });

  it('names the image column when no decoder is available (Node)', async () => {
    const version = await imageVersion();
    const spec = jobSpec(version, { target: 'label', model: { family: 'cnn', blocks: [{ filters: 2, kernelSize: 3 }], denseUnits: 0 } });
    await expect(prepareTrainData(db, version, spec)).rejects.toThrow(/Column "image" holds images, and this environment cannot decode them/);
  });
});

describe('planFeatures', () => {
  it("maps the spec's featurization to the pipeline's, with notes for options it cannot honour", async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const spec = jobSpec(version, {
      featurization: { numeric: { scaling: 'minmax', impute: 'constant', imputeValue: -1 } },
      data: {
        datasetId: version.datasetId,
        versionId: version.id,
        contentHash: version.contentHash,
        target: 'label',
        features: ['x1', 'x2', 'color'],
        split: { train: 0.6, validation: 0.2, test: 0.2, stratify: true },
        columns: [{ column: 'color', kind: 'text', method: 'hashed-bow', buckets: 16, ngram: 2 }],
      },
    });
    const plan = planFeatures(spec, version.columns);
    expect(plan.specs).toEqual([
      { column: 'x1', type: 'numeric', scaling: 'min-max', impute: 'constant', fillValue: -1, missingIndicator: true },
      { column: 'x2', type: 'numeric', scaling: 'min-max', impute: 'constant', fillValue: -1, missingIndicator: true },
      { column: 'color', type: 'hashed-bag-of-words', buckets: 16, weighting: 'binary' },
    ]);
    expect(plan.notes).toEqual(['Column "color": word pairs (ngram 2) are not supported by the hashed bag of words yet; single words are used']);
  });
});
