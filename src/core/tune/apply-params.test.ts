import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../protocol/sweep';
import { applyParams, buildTrial, compileSpace, isActive } from './apply-params';
import { formatParamPath, hasPath, parseParamPath, readPath, writePath } from './param-path';

const base = () => ({
  model: { family: 'mlp', layers: [{ units: 64, dropout: 0 }, { units: 32, dropout: 0 }] },
  optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9 },
  'odd key': 1,
});

describe('parameter paths', () => {
  it('parses dotted keys, indices and quoted keys, and writes them back', () => {
    expect(parseParamPath('model.layers[1].dropout')).toEqual(['model', 'layers', 1, 'dropout']);
    expect(parseParamPath('optimizer.learningRate')).toEqual(['optimizer', 'learningRate']);
    expect(parseParamPath('["odd key"]')).toEqual(['odd key']);
    expect(parseParamPath('data["a]b"].x')).toEqual(['data', 'a]b', 'x']);
    expect(formatParamPath(['model', 'layers', 1, 'dropout'])).toBe('model.layers[1].dropout');
    expect(formatParamPath(['data', 'my col'])).toBe('data["my col"]');
  });

  it('rejects malformed paths and prototype keys with the reason', () => {
    expect(() => parseParamPath('')).toThrow('expected a field name, got an empty path');
    expect(() => parseParamPath('a..b')).toThrow('expected a field name at');
    expect(() => parseParamPath('a[x]')).toThrow('expected a list index or a quoted key in brackets, got [x]');
    expect(() => parseParamPath('a[1')).toThrow('expected "]"');
    expect(() => parseParamPath('a[-1]')).toThrow(/list index/);
    expect(() => parseParamPath('a.__proto__.b')).toThrow('the key "__proto__" is not allowed');
    expect(() => parseParamPath('constructor')).toThrow(/not allowed/);
  });

  it('reads, writes and resizes', () => {
    const spec = base();
    expect(readPath(spec, ['model', 'layers', 1, 'units'])).toEqual({ found: true, value: 32 });
    expect(readPath(spec, ['model', 'layers', 2, 'units'])).toEqual({ found: false, depth: 2 });
    expect(hasPath(spec, ['model', 'layers', 'length'])).toBe(true);
    expect(hasPath(spec, ['optimizer', 'momentum'])).toBe(false);
    writePath(spec, ['model', 'layers', 'length'], 4);
    expect(spec.model.layers).toEqual([
      { units: 64, dropout: 0 },
      { units: 32, dropout: 0 },
      { units: 32, dropout: 0 },
      { units: 32, dropout: 0 },
    ]);
    spec.model.layers[3].units = 8; // the copies are independent
    expect(spec.model.layers[2].units).toBe(32);
    writePath(spec, ['model', 'layers', 'length'], 1);
    expect(spec.model.layers).toHaveLength(1);
    expect(() => writePath(spec, ['model', 'layers', 'length'], 0)).toThrow('expected an integer of at least 1');
    expect(() => writePath(spec, ['optimizer', 'momentum'], 0.9)).toThrow('the path does not exist');
  });
});

describe('applyParams and conditional parameters', () => {
  const space: SearchSpace = [
    { type: 'int', path: 'model.layers.length', min: 1, max: 3 },
    { type: 'uniform', path: 'model.layers[2].dropout', min: 0, max: 0.5 },
    { type: 'choice', path: 'optimizer', values: [{ name: 'adam', learningRate: 0.001, beta1: 0.9 }, { name: 'sgd', learningRate: 0.1 }] },
    { type: 'loguniform', path: 'optimizer.learningRate', min: 1e-4, max: 1e-1 },
    { type: 'uniform', path: 'optimizer.beta1', min: 0.8, max: 0.99 },
    { type: 'int', path: 'model.layers[0].units', min: 8, max: 128, when: { path: 'optimizer.name', equals: 'sgd' } },
  ];

  it('writes values at their paths without touching the base', () => {
    const b = base();
    const spec = applyParams(b, space, {
      'model.layers.length': 3,
      'model.layers[2].dropout': 0.25,
      optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9 },
      'optimizer.learningRate': 0.01,
      'optimizer.beta1': 0.95,
    });
    expect(spec.model.layers.map((l) => l.dropout)).toEqual([0, 0, 0.25]);
    expect(spec.optimizer).toEqual({ name: 'adam', learningRate: 0.01, beta1: 0.95 });
    expect(b).toEqual(base());
  });

  it('leaves out a layer dropout when the layer does not exist, and fields of another optimizer', () => {
    const spec = applyParams(base(), space, {
      'model.layers.length': 2,
      optimizer: { name: 'sgd', learningRate: 0.1 },
      'optimizer.learningRate': 0.05,
      'model.layers[0].units': 16,
    });
    expect(spec.model.layers).toEqual([
      { units: 16, dropout: 0 },
      { units: 32, dropout: 0 },
    ]);
    expect(spec.optimizer).toEqual({ name: 'sgd', learningRate: 0.05 });
  });

  it('refuses assignments that do not fit the space', () => {
    expect(() => applyParams(base(), space, { 'model.layers.length': 3, optimizer: { name: 'sgd', learningRate: 0.1 }, 'optimizer.learningRate': 0.05, 'model.layers[0].units': 16 })).toThrow(
      'Parameter model.layers[2].dropout is active in this trial but the assignment has no value for it',
    );
    expect(() =>
      applyParams(base(), space, { 'model.layers.length': 1, 'model.layers[2].dropout': 0.1, optimizer: { name: 'sgd', learningRate: 0.1 }, 'optimizer.learningRate': 0.05, 'model.layers[0].units': 16 }),
    ).toThrow('The assignment has values for model.layers[2].dropout, which is not an active parameter of this trial');
  });

  it('asks for the values of active parameters only, in order', () => {
    const params = compileSpace(space);
    const asked: string[] = [];
    const trial = buildTrial(base(), params, (p) => {
      asked.push(p.path);
      if (p.path === 'model.layers.length') return 1;
      if (p.path === 'optimizer') return { name: 'adam', learningRate: 0.001, beta1: 0.9 };
      return p.domain.kind === 'numeric' ? p.domain.low : null;
    });
    expect(asked).toEqual(['model.layers.length', 'optimizer', 'optimizer.learningRate', 'optimizer.beta1']);
    expect(Object.keys(trial.params)).toEqual(asked);
    expect(isActive(params[5], trial.spec)).toBe(false);
  });
});
