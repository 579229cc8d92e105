import { beforeAll, describe, expect, it } from 'vitest';
import { endlessLoopModel, externalDataModel, hugeInitializerModel, randomBytes, tinyOnnxModel, tinyReference, truncated, unknownOperatorModel } from '../../test/onnx-fixtures';
import { encodeOnnxModel } from './onnx-encode';
import { OnnxInputError, OnnxRuntimeError } from './onnx-errors';
import { configureOrt, OnnxSession } from './session';

beforeAll(() => configureOrt());

/** y = relu(x) · 2 over rows of `width`, with a symbolic or fixed batch. */
function rowsModel(width: number, batch: number | string = 'batch'): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opset: 13,
    producerName: 'test',
    producerVersion: '1',
    graph: {
      name: 'rows',
      nodes: [
        { opType: 'Relu', name: 'relu', inputs: ['x'], outputs: ['r'] },
        { opType: 'Mul', name: 'double', inputs: ['r', 'two'], outputs: ['y'] },
      ],
      initializers: [{ name: 'two', dataType: 'float32', dims: [], data: Float32Array.of(2) }],
      inputs: [{ name: 'x', elemType: 'float32', shape: [batch, width] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: [batch, width] }],
    },
  });
}

describe('OnnxSession', () => {
  it('loads on wasm when WebGPU is missing, introspects inputs and outputs, and runs', async () => {
    const session = await OnnxSession.create(tinyOnnxModel());
    expect(session.provider).toBe('wasm');
    expect(session.skipped).toEqual(['webgpu: WebGPU is not available here']);
    expect(session.inputs).toEqual([
      { name: 'x', kind: 'tensor', type: 'float32', shape: ['batch', 3] },
      { name: 'temperature', kind: 'tensor', type: 'float32', shape: [1] },
    ]);
    expect(session.outputs.map((o) => o.name)).toEqual(['probabilities', 'logits']);
    expect(session.model.metadata).toEqual({ purpose: 'test fixture' });
    const x = [1, 2, 3, -1, 0.5, 4];
    const { outputs, ms } = await session.run({ x: { type: 'float32', dims: [2, 3], data: new Float32Array(x) }, temperature: { type: 'float32', dims: [1], data: Float32Array.of(2) } });
    const reference = tinyReference(x, 2);
    expect(outputs.logits.dims).toEqual([2, 2]);
    Array.from(outputs.logits.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(reference.logits[i], 5));
    Array.from(outputs.probabilities.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(reference.probabilities[i], 6));
    expect(ms).toBeGreaterThanOrEqual(0);
    await session.release();
  });

  it('checks feeds against the model before running, naming what is wrong', async () => {
    const session = await OnnxSession.create(tinyOnnxModel(), { providers: ['wasm'] });
    const t = { type: 'float32' as const, dims: [1], data: Float32Array.of(1) };
    const x = (dims: number[], data: Float32Array) => ({ x: { type: 'float32' as const, dims, data }, temperature: t });
    await expect(session.run({ ...x([1, 3], new Float32Array(3)), extra: t })).rejects.toThrow('The model has no input "extra"; its inputs are "x", "temperature"');
    await expect(session.run({ x: { type: 'float32', dims: [1, 3], data: new Float32Array(3) } })).rejects.toThrow('Missing input "temperature"');
    await expect(session.run(x([1, 4], new Float32Array(4)))).rejects.toThrow('Input "x" has size 3 on axis 1 ([batch, 3]); got dims [1, 4]');
    await expect(session.run(x([2, 3], new Float32Array(5)))).rejects.toThrow('Input "x" has dims [2, 3] (6 values) but 5 values');
    await expect(session.run(x([6], new Float32Array(6)))).rejects.toThrow('Input "x" has rank 2 ([batch, 3]); got dims [6]');
    await expect(session.run({ x: { type: 'int32', dims: [1, 3], data: new Int32Array(3) }, temperature: t })).rejects.toThrow('Input "x" takes float32 values; got int32');
    await expect(session.run({ x: { type: 'float32', dims: [1, 3], data: new Float64Array(3) as never }, temperature: t })).rejects.toThrow(OnnxInputError);
    await session.release();
  });

  it('runs rows in batches, fixed batch sizes padded, and names rows that do not fit', async () => {
    const rows = Float32Array.from({ length: 7 * 3 }, (_, i) => i - 10);
    const expected = Array.from(rows, (v) => Math.max(v, 0) * 2);
    const session = await OnnxSession.create(rowsModel(3), { providers: ['wasm'] });
    const result = await session.runRows(rows, 7, undefined, 2);
    expect(result).toMatchObject({ output: 'y', shape: [7, 3] });
    expect(Array.from(result.values)).toEqual(expected);
    await expect(session.runRows(rows, 4)).rejects.toThrow('21 values do not split into 4 rows');
    await expect(session.runRows(new Float32Array(8), 2)).rejects.toThrow('Input "x" takes rows of 3 values; got 4');
    await expect(session.runRows(rows, 7, 'nope')).rejects.toThrow('The model has no output "nope"; its outputs are "y"');
    await session.release();

    const fixed = await OnnxSession.create(rowsModel(3, 4), { providers: ['wasm'] });
    expect(Array.from((await fixed.runRows(rows, 7)).values)).toEqual(expected);
    await fixed.release();

    const tiny = await OnnxSession.create(tinyOnnxModel(), { providers: ['wasm'] });
    await expect(tiny.runRows(rows, 7)).rejects.toThrow('Rows fit a model with one tensor input; this one has 2: "x", "temperature"');
    await tiny.release();
  });

  it('refuses bad files before onnxruntime sees them, and reports onnxruntime\'s own refusals', async () => {
    await expect(OnnxSession.create(truncated(tinyOnnxModel()))).rejects.toThrow(/^The file is truncated/);
    await expect(OnnxSession.create(randomBytes(4096, 3))).rejects.toThrow(/^This is not an ONNX model/);
    await expect(OnnxSession.create(hugeInitializerModel())).rejects.toThrow(/declares 1,000,000,000,000 elements/);
    await expect(OnnxSession.create(externalDataModel())).rejects.toThrow(/keeps its data in a separate file \(location "weights\.bin"\)/);
    const refused = OnnxSession.create(unknownOperatorModel(), { providers: ['wasm'] });
    await expect(refused).rejects.toThrow(OnnxRuntimeError);
    await expect(refused).rejects.toThrow(/^ONNX Runtime could not load the model: wasm: .*NoSuchOp/);
  });

  it('loads a model whose run would never end (the worker client stops such runs)', async () => {
    const session = await OnnxSession.create(endlessLoopModel(), { providers: ['wasm'] });
    expect(session.inputs).toEqual([{ name: 'x', kind: 'tensor', type: 'float32', shape: [1] }]);
    await session.release();
  });
});
