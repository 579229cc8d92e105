/**
 * @file A classification report's ROC and precision-recall curves as the run page draws them: the points of each
 * line, a colour and dash per class that stay distinguishable up to 20 classes, the area of each class as text,
 * and why a class has no curve in words a reader of the test split understands.
 */
import type { ClassCurve } from '../../core/metrics/evaluation-report';
import type { MetricResult } from '../../core/metrics/metric-result';
import type { PrecisionRecallCurve } from '../../core/metrics/precision-recall-curve';
import type { RocCurve } from '../../core/metrics/roc-curve';
import { formatMetric } from './run-format';

/** A plotted point, `[x, y]` in data units. */
export type CurvePoint = [number, number];

/** ROC curve points: false positive rate on x, true positive rate on y, from (0, 0) to (1, 1). */
export function rocPoints(curve: RocCurve): CurvePoint[] {
  return curve.fpr.map((fpr, i) => [fpr, curve.tpr[i]]);
}

/**
 * Precision-recall points drawn as the step function average precision sums (scikit-learn draws it with
 * `drawstyle="steps-post"`): from each point, across at its precision to the next recall, then to the next
 * precision. The stored curve runs from the highest recall down to (0, 1).
 */
export function precisionRecallPoints(curve: PrecisionRecallCurve): CurvePoint[] {
  const { recall, precision } = curve;
  const points: CurvePoint[] = [];
  for (let i = 0; i < recall.length; i++) {
    if (i > 0 && precision[i - 1] !== precision[i]) points.push([recall[i], precision[i - 1]]);
    points.push([recall[i], precision[i]]);
  }
  return points;
}

/** Category colours (d3's category10) for the classes' lines and legend swatches. */
export const CLASS_COLORS: readonly string[] = Object.freeze([
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
]);

/** Dash patterns taken in turn once the colours run out: solid for the first 10 classes, dashed, then dotted. */
const DASHES: readonly string[] = Object.freeze(['', '7 3', '2 3']);

/** How the line at `position` (its order in the report's curves) is drawn. */
export interface LineStyle {
  color: string;
  /** An SVG `stroke-dasharray`; empty for a solid line. */
  dash: string;
}

/** Colour and dash of the class curve at `position`: 10 colours, then the same colours dashed, then dotted. */
export function classLineStyle(position: number): LineStyle {
  const round = Math.floor(position / CLASS_COLORS.length);
  return { color: CLASS_COLORS[position % CLASS_COLORS.length], dash: DASHES[round % DASHES.length] };
}

/** An area (AUC, average precision) as text: 4 significant digits, or `–` when it is undefined. */
export function areaText(area: MetricResult): string {
  return formatMetric(area.value);
}

/** Rows of each class in the test split, from the confusion matrix (`matrix[trueClass][predictedClass]`). */
export function classSupport(confusionMatrix: readonly (readonly number[])[]): number[] {
  return confusionMatrix.map((row) => row.reduce((sum, count) => sum + count, 0));
}

/**
 * Why a class has no curve, as a sentence naming the class: in the test split's terms when the class is absent or
 * alone there (the usual cases), else with the stored reason; null when it has a curve.
 */
export function missingCurveReason(curve: ClassCurve<unknown>, support: readonly number[]): string | null {
  if (curve.curve !== null) return null;
  const rows = support[curve.classIndex];
  const total = support.reduce((sum, n) => sum + n, 0);
  if (rows === 0) return `No test row is of class “${curve.className}”, so its curve is undefined.`;
  if (rows === total && total > 0) return `Every test row is of class “${curve.className}”, so its curve is undefined.`;
  return `Class “${curve.className}” has no curve: ${curve.area.value === null ? curve.area.reason : 'none was stored'}.`;
}

/** The share of test rows in class `classIndex`: the precision of a classifier that guesses at random. */
export function prevalence(support: readonly number[], classIndex: number): number | null {
  const total = support.reduce((sum, n) => sum + n, 0);
  return total > 0 ? (support[classIndex] ?? 0) / total : null;
}

/**
 * One sentence listing each class's area for a screen reader (`"setosa AUC 1, versicolor AUC 0.95"`), with the
 * macro average first when there is one.
 */
export function areaSummary(
  entries: readonly { className: string; area: MetricResult }[],
  areaName: string,
  macro?: MetricResult,
): string {
  const parts = entries.map((c) => `${c.className} ${areaName} ${c.area.value === null ? 'undefined' : areaText(c.area)}`);
  if (macro) parts.unshift(`macro average ${areaName} ${macro.value === null ? 'undefined' : areaText(macro)}`);
  return parts.join(', ');
}
