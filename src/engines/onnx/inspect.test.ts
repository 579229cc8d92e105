import { describe, expect, it } from 'vitest';
import { endlessLoopModel, externalDataModel, hugeInitializerModel, hugeInputModel, randomBytes, tinyOnnxModel, truncated, unknownOperatorModel } from '../../test/onnx-fixtures';
import { inspectOnnx } from './inspect';
import { encodeOnnxModel } from './onnx-encode';
import { OnnxModelError } from './onnx-errors';

/** The error `inspectOnnx` throws for `bytes`. */
function refusal(bytes: Uint8Array, limits = {}): OnnxModelError {
  try {
    inspectOnnx(bytes, limits);
  } catch (err) {
    if (err instanceof OnnxModelError) return err;
    throw err;
  }
  throw new Error('inspectOnnx accepted the file');
}

describe('inspectOnnx', () => {
  it('describes a valid model: header, inputs, outputs, operators, parameters', () => {
    const info = inspectOnnx(tinyOnnxModel());
    expect(info).toMatchObject({
      irVersion: 8,
      opset: 13,
      opsets: [{ domain: '', version: 13 }],
      producerName: 'benchtop-tests',
      metadata: { purpose: 'test fixture' },
      nodeCount: 4,
      initializerCount: 2,
      parameterCount: 8,
    });
    expect(info.inputs).toEqual([
      { name: 'x', kind: 'tensor', type: 'float32', shape: ['batch', 3] },
      { name: 'temperature', kind: 'tensor', type: 'float32', shape: [1] },
    ]);
    expect(info.outputs.map((o) => [o.name, o.type, o.shape])).toEqual([
      ['probabilities', 'float32', ['batch', 2]],
      ['logits', 'float32', ['batch', 2]],
    ]);
    expect(info.operators.map((o) => o.opType)).toEqual(['Add', 'Div', 'MatMul', 'Softmax']);
  });

  it('reads nested graphs (a Loop body) and unknown operators without refusing them', () => {
    expect(inspectOnnx(endlessLoopModel()).operators.map((o) => o.opType)).toEqual(['Add', 'Identity', 'Loop']);
    expect(inspectOnnx(unknownOperatorModel()).operators).toEqual([{ opType: 'NoSuchOp', domain: '', count: 1 }]);
  });

  it('refuses a truncated file at every cut, naming the truncation', () => {
    const bytes = tinyOnnxModel();
    for (const fraction of [0.1, 0.3, 0.6, 0.9, 0.99]) {
      const error = refusal(truncated(bytes, fraction));
      expect(error.code, `cut at ${fraction}`).toBe('truncated');
      expect(error.message).toMatch(/^The file is truncated: it ends at byte \d+/);
    }
  });

  it('refuses random bytes as not ONNX, for many seeds, without throwing anything else', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const error = refusal(randomBytes(64 + seed * 13, seed));
      expect(['not-onnx', 'truncated', 'unsupported', 'too-big-tensor', 'data-mismatch', 'external-data']).toContain(error.code);
    }
    expect(refusal(randomBytes(1000, 5)).message).toMatch(/^This is not an ONNX model/);
  });

  it('names other formats, and refuses empty and oversized files', () => {
    expect(refusal(new TextEncoder().encode('{"format":"layers-model"}')).message).toBe('This is JSON text (a TF.js model.json? Export the run to ONNX from its page), not an ONNX model');
    expect(refusal(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0)).message).toContain('a zip archive');
    expect(refusal(new Uint8Array(0)).code).toBe('empty');
    const size = tinyOnnxModel().length;
    expect(refusal(tinyOnnxModel(), { maxBytes: 100 }).message).toBe(`The file is ${size} bytes; the limit is 100 bytes`);
  });

  it('refuses a 10^12-element initializer and a 10^12 input dimension before anything allocates', () => {
    expect(refusal(hugeInitializerModel()).message).toBe('The initializer "huge" in the main graph "huge" declares 1,000,000,000,000 elements (dims [1000000, 1000000]); the limit is 268,435,456');
    const input = refusal(hugeInputModel());
    expect(input.code).toBe('too-big-tensor');
    expect(input.message).toBe('The input "x" of the main graph "huge-input" declares shape [batch, 1000000000000] (1,000,000,000,000 elements); the limit is 268,435,456 per tensor');
  });

  it('refuses external data, naming the tensor and the file it points at', () => {
    const error = refusal(externalDataModel());
    expect(error.code).toBe('external-data');
    expect(error.message).toMatch(/^The initializer "W" in the main graph "external" keeps its data in a separate file \(location "weights\.bin"\); a browser cannot open it/);
  });

  it('refuses inline data that does not match the declared dimensions', () => {
    const bytes = encodeOnnxModel({
      irVersion: 8,
      opset: 13,
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'short',
        nodes: [{ opType: 'MatMul', name: 'm', inputs: ['x', 'W'], outputs: ['y'] }],
        initializers: [{ name: 'W', dataType: 'float32', dims: [3, 2], data: new Float32Array(5) }],
        inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 3] }],
        outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 2] }],
      },
    });
    const error = refusal(bytes);
    expect(error.code).toBe('data-mismatch');
    expect(error.message).toBe('The initializer "W" in the main graph "short" declares 6 float32 values (dims [3, 2], 24 bytes) but carries 20 bytes');
  });
});
