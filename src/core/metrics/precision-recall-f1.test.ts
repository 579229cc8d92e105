import { describe, expect, it } from 'vitest';
import { precisionRecallF1 } from './precision-recall-f1';
import { ABSENT_CLASS, BINARY_GOLDEN, BINARY_Y, expectAllClose, expectClose, MULTI_GOLDEN, MULTI_Y, ZERO_DIVISION } from '../../test/sklearn-fixtures';

describe('precisionRecallF1', () => {
  it('matches scikit-learn per class on the binary fixture', () => {
    const { perClass } = precisionRecallF1(BINARY_Y, BINARY_GOLDEN.predicted, 2);
    expectAllClose(perClass.map((s) => s.precision), BINARY_GOLDEN.precision);
    expectAllClose(perClass.map((s) => s.recall), BINARY_GOLDEN.recall);
    expectAllClose(perClass.map((s) => s.f1), BINARY_GOLDEN.f1);
    expect(perClass.map((s) => s.support)).toEqual(BINARY_GOLDEN.support);
  });

  it('matches scikit-learn per class, macro and weighted on the multiclass fixture', () => {
    const { perClass, macro, weighted } = precisionRecallF1(MULTI_Y, MULTI_GOLDEN.predicted, 3);
    expectAllClose(perClass.map((s) => s.precision), MULTI_GOLDEN.precision);
    expectAllClose(perClass.map((s) => s.f1), MULTI_GOLDEN.f1);
    expect(perClass.map((s) => s.support)).toEqual(MULTI_GOLDEN.support);
    expectAllClose([macro.precision, macro.recall, macro.f1], Array(3).fill(MULTI_GOLDEN.macro));
    expectAllClose([weighted.precision, weighted.recall, weighted.f1], Array(3).fill(MULTI_GOLDEN.weighted));
  });

  it('gives 0 on zero division (a class never predicted)', () => {
    const { perClass, macro } = precisionRecallF1(ZERO_DIVISION.yTrue, ZERO_DIVISION.yPred, 3);
    expectAllClose(perClass.map((s) => s.precision), ZERO_DIVISION.precision);
    expectAllClose(perClass.map((s) => s.recall), ZERO_DIVISION.recall);
    expectAllClose(perClass.map((s) => s.f1), ZERO_DIVISION.f1);
    expectAllClose([macro.precision, macro.recall, macro.f1], ZERO_DIVISION.macro);
  });

  it('leaves a class absent from both arrays out of the macro average, with zero scores and support', () => {
    const { perClass, macro } = precisionRecallF1(ABSENT_CLASS.yTrue, ABSENT_CLASS.yPred, 4);
    expect(perClass[3]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expectAllClose([macro.precision, macro.recall, macro.f1], ABSENT_CLASS.macro);
  });

  it('scores a perfect prediction 1', () => {
    const { macro, weighted } = precisionRecallF1([0, 1, 1], [0, 1, 1], 2);
    expectClose(macro.f1, 1);
    expectClose(weighted.precision, 1);
  });
});
