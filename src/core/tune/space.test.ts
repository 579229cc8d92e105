import { describe, expect, it } from 'vitest';
import type { SearchParam } from '../../protocol/sweep';
import { canonicalJson, checkParamRange, choiceIndex, domainOf, fromUnit, gridAxis, gridAxisSize, stepValue, toInternal, toValue, type NumericDomain } from './space';

const numeric = (param: SearchParam) => domainOf(param) as NumericDomain;

describe('checkParamRange', () => {
  it('accepts sane ranges', () => {
    expect(checkParamRange({ type: 'uniform', path: 'a', min: 0, max: 1 })).toEqual([]);
    expect(checkParamRange({ type: 'loguniform', path: 'a', min: 1e-5, max: 1 })).toEqual([]);
    expect(checkParamRange({ type: 'quniform', path: 'a', min: 0, max: 0.9, step: 0.1 })).toEqual([]);
    expect(checkParamRange({ type: 'int', path: 'a', min: 16, max: 256, step: 16 })).toEqual([]);
    expect(checkParamRange({ type: 'int', path: 'a', min: 1, max: 1024, log: true })).toEqual([]);
    expect(checkParamRange({ type: 'choice', path: 'a', values: ['relu', { name: 'adam' }] })).toEqual([]);
  });

  it('names empty, inverted and log ranges touching 0', () => {
    expect(checkParamRange({ type: 'uniform', path: 'a', min: 1, max: 1 })).toEqual([['max', 'expected max greater than min, got an empty range [1, 1]']]);
    expect(checkParamRange({ type: 'uniform', path: 'a', min: 2, max: 1 })).toEqual([['max', 'expected max greater than min, got an inverted range [2, 1]']]);
    expect(checkParamRange({ type: 'loguniform', path: 'a', min: 0, max: 1 })).toEqual([['min', 'a log-scale range needs min greater than 0, got 0']]);
    expect(checkParamRange({ type: 'loguniform', path: 'a', min: -1, max: 1 })[0][1]).toMatch(/greater than 0, got -1/);
    expect(checkParamRange({ type: 'int', path: 'a', min: 0, max: 8, log: true })[0][1]).toMatch(/greater than 0, got 0/);
  });

  it('checks steps, integers and choices', () => {
    expect(checkParamRange({ type: 'quniform', path: 'a', min: 0, max: 1, step: 0.3 })).toEqual([['step', 'expected max - min (1) to be a multiple of step 0.3']]);
    expect(checkParamRange({ type: 'quniform', path: 'a', min: 0, max: 1, step: 0 })[0][1]).toMatch(/greater than 0/);
    expect(checkParamRange({ type: 'int', path: 'a', min: 0.5, max: 3 })[0]).toEqual(['min', 'expected an integer, got 0.5']);
    expect(checkParamRange({ type: 'int', path: 'a', min: 1, max: 10, step: 4 })[0][1]).toMatch(/multiple of step 4/);
    expect(checkParamRange({ type: 'int', path: 'a', min: 1, max: 9, step: 2, log: true })[0][1]).toMatch(/log-scale integer needs step 1/);
    expect(checkParamRange({ type: 'choice', path: 'a', values: [] })).toEqual([['values', 'expected at least one value, got an empty list']]);
    expect(checkParamRange({ type: 'choice', path: 'a', values: [{ a: 1, b: 2 }, { b: 2, a: 1 }] })).toEqual([['values[1]', 'expected distinct values, got {"a":1,"b":2} twice']]);
  });
});

describe('domains', () => {
  it('maps the unit interval evenly onto each kind of axis', () => {
    const uniform = numeric({ type: 'uniform', path: 'a', min: -5, max: 10 });
    expect(fromUnit(uniform, 0)).toBe(-5);
    expect(fromUnit(uniform, 0.5)).toBe(2.5);
    const log = numeric({ type: 'loguniform', path: 'a', min: 1e-4, max: 1 });
    expect(fromUnit(log, 0.5)).toBeCloseTo(1e-2, 12);
    const q = numeric({ type: 'quniform', path: 'a', min: 0, max: 0.9, step: 0.1 });
    expect([0, 0.099, 0.1, 0.35, 0.999].map((u) => fromUnit(q, u))).toEqual([0, 0, 0.1, 0.3, 0.9]);
    const int = numeric({ type: 'int', path: 'a', min: 16, max: 64, step: 16 });
    expect([0, 0.26, 0.74, 0.99].map((u) => fromUnit(int, u))).toEqual([16, 32, 48, 64]);
    const intLog = numeric({ type: 'int', path: 'a', min: 1, max: 1000, log: true });
    const draws = Array.from({ length: 1000 }, (_, i) => fromUnit(intLog, (i + 0.5) / 1000) as number);
    expect(draws.every((x) => Number.isInteger(x) && x >= 1 && x <= 1000)).toBe(true);
    expect(draws.filter((x) => x < 32).length).toBeGreaterThan(400); // log-uniform: about half below sqrt(1000)
    const choice = domainOf({ type: 'choice', path: 'a', values: ['a', 'b', 'c'] });
    expect([0, 0.34, 0.67, 0.9999].map((u) => fromUnit(choice, u))).toEqual(['a', 'b', 'c', 'c']);
  });

  it('rounds grid values to the decimals of min and step', () => {
    const q = numeric({ type: 'quniform', path: 'a', min: 0.1, max: 0.7, step: 0.2 });
    expect([0, 1, 2, 3].map((k) => stepValue(q, k))).toEqual([0.1, 0.3, 0.5, 0.7]);
    expect(toValue(q, 0.41)).toBe(0.5);
    expect(toValue(q, 5)).toBe(0.7);
  });

  it('converts observed values to internal coordinates and back', () => {
    const log = numeric({ type: 'loguniform', path: 'a', min: 1e-4, max: 1 });
    expect(toInternal(log, 0.01)).toBeCloseTo(Math.log(0.01), 14);
    expect(toValue(log, Math.log(0.01))).toBeCloseTo(0.01, 14);
    expect(toInternal(log, 2)).toBeUndefined();
    expect(toInternal(log, 'x')).toBeUndefined();
    const choice = domainOf({ type: 'choice', path: 'a', values: [{ name: 'sgd', learningRate: 0.1 }, 'x'] });
    expect(choice.kind === 'categorical' && choiceIndex(choice, { learningRate: 0.1, name: 'sgd' })).toBe(0);
    expect(choice.kind === 'categorical' && choiceIndex(choice, 'y')).toBeUndefined();
  });

  it('lists grid axes exactly', () => {
    expect(gridAxis(domainOf({ type: 'uniform', path: 'a', min: 0, max: 1 }), 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const logAxis = gridAxis(domainOf({ type: 'loguniform', path: 'a', min: 1e-4, max: 1 }), 5) as number[];
    expect(logAxis[0]).toBe(1e-4);
    expect(logAxis[4]).toBe(1);
    expect(logAxis[2]).toBeCloseTo(1e-2, 12);
    expect(gridAxis(domainOf({ type: 'int', path: 'a', min: 1, max: 4 }), 5)).toEqual([1, 2, 3, 4]);
    expect(gridAxis(domainOf({ type: 'quniform', path: 'a', min: 0, max: 0.3, step: 0.1 }), 5)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(gridAxisSize(domainOf({ type: 'int', path: 'a', min: 1, max: 4096 }), 5)).toBe(4096);
    expect(gridAxisSize(domainOf({ type: 'uniform', path: 'a', min: 0, max: 1 }), 7)).toBe(7);
  });

  it('writes canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
  });
});
