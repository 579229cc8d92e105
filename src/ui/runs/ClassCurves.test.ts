import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { evaluateClassification } from '../../core/metrics/evaluate-classification';
import ClassCurves from './ClassCurves.svelte';

/** The component's server-rendered HTML for `report`. */
function html(report: ReturnType<typeof evaluateClassification>): string {
  return render(ClassCurves, { props: { report } }).body;
}

describe('ClassCurves', () => {
  it('draws one ROC and one PR line for a binary model, with the chance diagonal and the areas as text', () => {
    const report = evaluateClassification({
      yTrue: [0, 1, 1, 0, 1],
      probabilities: [0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.4, 0.6, 0.7, 0.3],
      classCount: 2,
      classNames: ['benign', 'malignant'],
    });
    const out = html(report);
    expect(out.match(/<figure/g)).toHaveLength(2);
    expect(out.match(/<path /g)).toHaveLength(2);
    expect(out).toContain('class="chance');
    expect(report.rocAuc.value).toBeCloseTo(4 / 6, 12);
    expect(out).toContain('AUC = 0.6667');
    expect(out).toContain('AP = 0.8056');
    expect(out).toContain('ROC curve of class “malignant” (positive class)');
    // No legend for a single line.
    expect(out).not.toContain('aria-pressed');
  });

  it('shows why a class has no curve instead of drawing it, and escapes class names', () => {
    const report = evaluateClassification({
      yTrue: [0, 0, 1, 1],
      probabilities: [0.8, 0.1, 0.1, 0.6, 0.2, 0.2, 0.2, 0.7, 0.1, 0.1, 0.3, 0.6],
      classCount: 3,
      classNames: ['a', 'b', '<img src=x onerror=alert(1)>'],
    });
    const out = html(report);
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)>');
    // Two lines per chart (class 2 is absent from the rows), and the reason under each chart.
    expect(out.match(/<path /g)).toHaveLength(4);
    expect(out.match(/No test row is of class “&lt;img src=x onerror=alert\(1\)>”, so its curve is undefined\./g)).toHaveLength(2);
    expect(out).toContain('(over 2 of 3 classes)');
    // A keyboard-reachable legend button per class.
    expect(out.match(/aria-pressed="false"/g)).toHaveLength(3);
  });

  it('replaces a chart by its reason when no class has a curve', () => {
    // Every row is class 1: no ROC curve (no negatives); the PR curve exists.
    const report = evaluateClassification({ yTrue: [1, 1, 1], probabilities: [0.2, 0.8, 0.6, 0.4, 0.1, 0.9], classCount: 2, classNames: ['no', 'yes'] });
    const out = html(report);
    expect(out).toContain('data-testid="run.curve-missing"');
    expect(out).toContain('No ROC curve: Every test row is of class “yes”, so its curve is undefined.');
    expect(out.match(/<path /g)).toHaveLength(1);
  });
});
