import { describe, expect, it } from 'vitest';
import { checkOutputWidth, predictionChunks, predictionColumns, predictionRecords, roundFloat32 } from './prediction-output';

const IRIS = { kind: 'probabilities', classes: ['setosa', 'versicolor', 'virginica'], width: 3 } as const;

describe('prediction output', () => {
  it('reads class probabilities as the most likely class, rounded to float32 precision', () => {
    const values = Float32Array.from([0.98, 0.01, 0.01, 0.1, 0.3, 0.6]);
    expect(predictionRecords(values, 2, IRIS)).toEqual([
      { prediction: 'setosa', probabilities: { setosa: 0.98, versicolor: 0.01, virginica: 0.01 } },
      { prediction: 'virginica', probabilities: { setosa: 0.1, versicolor: 0.3, virginica: 0.6 } },
    ]);
    expect(roundFloat32(Math.fround(0.98))).toBe(0.98);
    expect(roundFloat32(NaN)).toBeNull();
  });

  it('reads a binary model’s single probability, and regression and raw outputs', () => {
    const binary = { kind: 'probability', classes: ['no', 'yes'], width: 1 } as const;
    expect(predictionRecords(Float32Array.from([0.75, 0.25]), 2, binary)).toEqual([
      { prediction: 'yes', probabilities: { no: 0.25, yes: 0.75 } },
      { prediction: 'no', probabilities: { no: 0.75, yes: 0.25 } },
    ]);
    expect(predictionRecords(Float32Array.from([3.5]), 1, { kind: 'value', width: 1 })).toEqual([{ prediction: 3.5 }]);
    expect(predictionRecords(Float32Array.from([1, 2, 3, 4]), 2, { kind: 'tensor', width: 2 })).toEqual([{ prediction: [1, 2] }, { prediction: [3, 4] }]);
  });

  it('keeps a class named __proto__ as an own key', () => {
    const [record] = predictionRecords(Float32Array.from([0.2, 0.8]), 1, { kind: 'probabilities', classes: ['a', '__proto__'], width: 2 });
    expect(record.prediction).toBe('__proto__');
    expect(Object.keys(record.probabilities ?? {})).toEqual(['a', '__proto__']);
    expect(JSON.stringify(record)).toBe('{"prediction":"__proto__","probabilities":{"a":0.2,"__proto__":0.8}}');
  });

  it('names prediction columns without clashing with the dataset’s, and fills their chunks', () => {
    expect(predictionColumns(IRIS, ['prediction', 'probability_setosa']).map((c) => c.name)).toEqual(['prediction (2)', 'probability_setosa (2)', 'probability_versicolor', 'probability_virginica']);
    expect(predictionColumns({ kind: 'tensor', width: 2 }, []).map((c) => c.name)).toEqual(['prediction[0]', 'prediction[1]']);
    const chunks = predictionChunks(Float32Array.from([0.98, 0.01, 0.01, NaN, 0.3, 0.6]), 2, IRIS);
    expect(chunks[0]).toEqual({ kind: 'dict', codes: Int32Array.from([0, -1]), dictionary: ['setosa', 'versicolor', 'virginica'] });
    expect(chunks[3]).toEqual({ kind: 'f64', values: Float64Array.from([Math.fround(0.01), Math.fround(0.6)]) });
  });

  it('checks output widths against the meaning', () => {
    expect(() => checkOutputWidth(IRIS, 2)).toThrow('The model gives 2 values per row but names 3 classes');
    expect(() => checkOutputWidth({ kind: 'value', width: 1 }, 1)).not.toThrow();
  });
});
