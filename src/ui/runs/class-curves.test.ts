import { describe, expect, it } from 'vitest';
import { evaluateClassification } from '../../core/metrics/evaluate-classification';
import {
  areaSummary,
  areaText,
  CLASS_COLORS,
  classLineStyle,
  classSupport,
  missingCurveReason,
  precisionRecallPoints,
  prevalence,
  rocPoints,
} from './class-curves';

describe('rocPoints', () => {
  it('pairs false and true positive rates', () => {
    expect(rocPoints({ fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [2, 1, 0] })).toEqual([
      [0, 0],
      [0.5, 1],
      [1, 1],
    ]);
  });
});

describe('precisionRecallPoints', () => {
  it('draws steps whose area under the curve is the average precision', () => {
    // scikit-learn: y = [0, 1, 1, 0, 1], scores = [0.1, 0.9, 0.4, 0.6, 0.3]; average_precision_score = 0.80555...
    const report = evaluateClassification({
      yTrue: [0, 1, 1, 0, 1],
      probabilities: [0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.4, 0.6, 0.7, 0.3],
      classCount: 2,
    });
    const pr = report.precisionRecallCurves[0];
    const points = precisionRecallPoints(pr.curve!);
    // The step function is flat or vertical between consecutive points.
    for (let i = 1; i < points.length; i++) {
      expect(points[i][0] === points[i - 1][0] || points[i][1] === points[i - 1][1]).toBe(true);
    }
    let area = 0;
    for (let i = 1; i < points.length; i++) area += (points[i - 1][0] - points[i][0]) * points[i - 1][1];
    expect(area).toBeCloseTo(pr.area.value!, 12);
    expect(area).toBeCloseTo(0.8055555555555556, 12);
    expect(points.at(-1)).toEqual([0, 1]);
  });
});

describe('classLineStyle', () => {
  it('gives 20 classes 20 different colour and dash pairs', () => {
    const styles = Array.from({ length: 20 }, (_, i) => classLineStyle(i));
    expect(new Set(styles.map((s) => `${s.color}/${s.dash}`)).size).toBe(20);
    expect(styles[0]).toEqual({ color: CLASS_COLORS[0], dash: '' });
    expect(styles[10].color).toBe(CLASS_COLORS[0]);
    expect(styles[10].dash).not.toBe('');
  });
});

describe('missingCurveReason', () => {
  const report = evaluateClassification({
    yTrue: [0, 0, 1, 1],
    // Class 2 never occurs in the test rows.
    probabilities: [0.8, 0.1, 0.1, 0.6, 0.2, 0.2, 0.2, 0.7, 0.1, 0.1, 0.3, 0.6],
    classCount: 3,
    classNames: ['a', 'b', '<i>c</i>'],
  });
  const support = classSupport(report.confusionMatrix);

  it('says the class is absent from the test split', () => {
    expect(support).toEqual([2, 2, 0]);
    expect(report.rocCurves[2].curve).toBeNull();
    expect(missingCurveReason(report.rocCurves[2], support)).toBe('No test row is of class “<i>c</i>”, so its curve is undefined.');
    expect(missingCurveReason(report.rocCurves[0], support)).toBeNull();
  });

  it('says when every row is of the class, and falls back to the stored reason', () => {
    const curve = { classIndex: 0, className: 'a', area: { value: null, reason: 'stored reason' }, curve: null };
    expect(missingCurveReason(curve, [4, 0])).toBe('Every test row is of class “a”, so its curve is undefined.');
    expect(missingCurveReason(curve, [2, 2])).toBe('Class “a” has no curve: stored reason.');
  });

  it('names the classes with their areas for a screen reader, macro first', () => {
    expect(areaSummary(report.rocCurves, 'AUC', report.rocAuc)).toBe(
      `macro average AUC ${areaText(report.rocAuc)}, a AUC ${areaText(report.rocCurves[0].area)}, b AUC ${areaText(report.rocCurves[1].area)}, <i>c</i> AUC undefined`,
    );
    expect(areaText({ value: null, reason: 'x' })).toBe('–');
  });
});

describe('prevalence', () => {
  it('is the share of test rows in the class', () => {
    expect(prevalence([1, 3], 1)).toBe(0.75);
    expect(prevalence([0, 0], 1)).toBeNull();
  });
});
