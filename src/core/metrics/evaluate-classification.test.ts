import { describe, expect, it } from 'vitest';
import { evaluateClassification } from './evaluate-classification';
import { EVALUATION_REPORT_VERSION } from './evaluation-report';
import { Rng } from '../random/rng';
import {
  BINARY_GOLDEN,
  BINARY_Y,
  binaryProbabilities,
  expectAllClose,
  expectClose,
  MULTI_GOLDEN,
  MULTI_P,
  MULTI_Y,
} from '../../test/sklearn-fixtures';

describe('evaluateClassification', () => {
  it('reports a binary model, matching scikit-learn, with the positive class curves only', () => {
    const report = evaluateClassification({ yTrue: BINARY_Y, probabilities: binaryProbabilities(), classCount: 2, classNames: ['no', 'yes'] });
    expect(report).toMatchObject({ task: 'classification', version: EVALUATION_REPORT_VERSION, sampleCount: 12, classNames: ['no', 'yes'] });
    expectClose(report.accuracy, BINARY_GOLDEN.accuracy);
    expectAllClose(report.perClass.map((c) => c.f1), BINARY_GOLDEN.f1);
    expect(report.perClass[1]).toMatchObject({ classIndex: 1, className: 'yes', support: 7 });
    expectClose(report.logLoss.value, BINARY_GOLDEN.logLoss);
    expectClose(report.rocAuc.value, BINARY_GOLDEN.rocAuc);
    expectClose(report.averagePrecision.value, BINARY_GOLDEN.averagePrecision);
    expect(report.rocCurves.map((c) => c.classIndex)).toEqual([1]);
    expectAllClose(report.rocCurves[0].curve!.tpr, BINARY_GOLDEN.roc.tpr);
    expectAllClose(report.precisionRecallCurves[0].curve!.precision, BINARY_GOLDEN.pr.precision);
  });

  it('reports a multiclass model with one-vs-rest macro AUC and one curve per class', () => {
    const report = evaluateClassification({ yTrue: MULTI_Y, probabilities: MULTI_P, classCount: 3 });
    expect(report.classNames).toEqual(['0', '1', '2']);
    expect(report.confusionMatrix).toEqual(MULTI_GOLDEN.confusion);
    expectClose(report.macro.f1, MULTI_GOLDEN.macro);
    expectClose(report.weighted.f1, MULTI_GOLDEN.weighted);
    expectClose(report.logLoss.value, MULTI_GOLDEN.logLoss);
    expectClose(report.rocAuc.value, MULTI_GOLDEN.rocAucMacro);
    expectClose(report.averagePrecision.value, MULTI_GOLDEN.averagePrecisionMacro);
    expectAllClose(report.rocCurves.map((c) => c.area.value ?? NaN), MULTI_GOLDEN.rocAucPerClass);
    expectAllClose(report.rocCurves[2].curve!.fpr, MULTI_GOLDEN.rocClass2.fpr);
    expect(report.precisionRecallCurves).toHaveLength(3);
  });

  it('uses given labels over the argmax, and reports labels-only evaluations without probabilities', () => {
    const withThreshold = evaluateClassification({ yTrue: [0, 1], probabilities: [0.6, 0.4, 0.6, 0.4], yPred: [0, 1], classCount: 2 });
    expect(withThreshold.accuracy).toBe(1);
    const labelsOnly = evaluateClassification({ yTrue: [0, 1, 1], yPred: [0, 1, 0], classCount: 2 });
    expect(labelsOnly.logLoss).toEqual({ value: null, reason: 'Needs class probabilities; only predicted labels were given' });
    expect(labelsOnly.rocAuc.value).toBeNull();
    expect(labelsOnly.rocCurves).toEqual([]);
  });

  it('gives null AUC with a reason and no curve when yTrue holds one class', () => {
    const report = evaluateClassification({ yTrue: [1, 1], probabilities: [0.3, 0.7, 0.6, 0.4], classCount: 2 });
    expect(report.rocAuc).toEqual({ value: null, reason: 'No negative rows in yTrue; the metric needs both classes' });
    expect(report.rocCurves[0].curve).toBeNull();
    expect(report.averagePrecision.value).toBe(1);
  });

  it('survives a JSON round trip unchanged and keeps curves under the point limit', () => {
    const rng = new Rng(3);
  const random = () => rng.next();
    const n = 3000;
    const yTrue = Int32Array.from({ length: n }, () => Math.floor(random() * 3));
    const probabilities = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const raw = [random(), random(), random()];
      raw[yTrue[i]] += 0.5;
      const sum = raw[0] + raw[1] + raw[2];
      for (let k = 0; k < 3; k++) probabilities[i * 3 + k] = raw[k] / sum;
    }
    const report = evaluateClassification({ yTrue, probabilities, classCount: 3, curvePoints: 50 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    for (const c of [...report.rocCurves, ...report.precisionRecallCurves]) expect(c.curve!.thresholds.length).toBeLessThanOrEqual(50);
  });

  it('rejects bad input with messages that name it', () => {
    expect(() => evaluateClassification({ yTrue: [0, 1], classCount: 2 })).toThrow('Neither probabilities nor yPred was given; expected at least one');
    expect(() => evaluateClassification({ yTrue: [0, 1], yPred: [0, 1], classCount: 2, classNames: ['a'] })).toThrow('classNames has 1 names; expected 2 (classCount)');
    expect(() => evaluateClassification({ yTrue: [0, 1], probabilities: [0.5, 0.5, NaN, 0.5], classCount: 2 })).toThrow('Probability of class 0 at row 1 is NaN');
    expect(() => evaluateClassification({ yTrue: [], yPred: [], classCount: 2 })).toThrow('yTrue is empty');
    expect(() => evaluateClassification({ yTrue: [0, 1], yPred: [0], classCount: 2 })).toThrow('yTrue has 2 rows but yPred has 1');
  });
});
