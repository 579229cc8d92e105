import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, progressLog, queueRun } from '../test/jobs-fixtures';
import { tinyOnnxModel, tinyReference, truncated } from '../test/onnx-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { createOnnxJob, onnxFileName } from './onnx-job';
import { createTrainJob } from './train-job';

const onnx = createOnnxJob({ appVersion: '9.9.9-test' });
const train = createTrainJob({ appVersion: '9.9.9-test', probe: async () => [{ name: 'cpu', ok: true }] });

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

describe('the ONNX job', () => {
  it('loads a file into a session kept by id, runs it, and releases it', async () => {
    const info = await onnx.load(tinyOnnxModel(), { providers: ['wasm'] });
    expect(info).toMatchObject({ sessionId: expect.stringMatching(/^onnx-\d+$/), provider: 'wasm', skipped: [] });
    expect(info.inputs.map((i) => i.name)).toEqual(['x', 'temperature']);
    expect(onnx.sessionCount()).toBe(1);
    const { outputs } = await onnx.run(info.sessionId, { x: { type: 'float32', dims: [1, 3], data: Float32Array.of(1, 0, -1) }, temperature: { type: 'float32', dims: [1], data: Float32Array.of(1) } });
    expect(outputs.probabilities.data[0]).toBeCloseTo(tinyReference([1, 0, -1], 1).probabilities[0], 6);
    await onnx.release(info.sessionId);
    expect(onnx.sessionCount()).toBe(0);
    await expect(onnx.run(info.sessionId, {})).rejects.toThrow(`No ONNX session "${info.sessionId}" here; it was released, or its worker was restarted`);
    await expect(onnx.load(truncated(tinyOnnxModel()))).rejects.toThrow(/^The file is truncated/);
    expect(onnx.sessionCount()).toBe(0);
  });

  it('exports a trained run to ONNX, checked against TF.js, with its signature inside', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const run = await queueRun(db, jobSpec(version));
    expect(await train.runTrain(workspaceId, run.id, progressLog().onProgress)).toEqual({ status: 'completed' });

    const result = await onnx.exportRun(workspaceId, run.id);
    expect(result.fileName).toBe(onnxFileName(run.name));
    expect(result.check).toMatchObject({ rows: 64, tolerance: 1e-4, provider: 'wasm' });
    expect(result.check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(result.info.producerVersion).toBe('9.9.9-test');
    expect(JSON.parse(result.info.metadata['benchtop.signature'])).toMatchObject({ task: 'binary', output: { kind: 'probability' } });
    expect(JSON.parse(result.info.metadata['benchtop.featurizer'])).toHaveProperty('pipeline');

    const session = await onnx.load(result.bytes, { providers: ['wasm'] });
    const width = session.inputs[0].shape?.[1] as number;
    const scored = await onnx.runRows(session.sessionId, new Float32Array(width * 3).fill(0.5), 3);
    expect(scored.shape).toEqual([3, 1]);
    for (const p of scored.values) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    await onnx.release(session.sessionId);

    await expect(onnx.exportRun(workspaceId, 'nope')).rejects.toThrow('Run "nope" does not exist in this workspace');
  });

  it('makes safe file names from run names', () => {
    expect(onnxFileName('iris · mlp #3')).toBe('iris-mlp-3.onnx');
    expect(onnxFileName('../../etc/passwd')).toBe('etc-passwd.onnx');
    expect(onnxFileName('   ')).toBe('model.onnx');
  });
});
