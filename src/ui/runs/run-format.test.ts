import { describe, expect, it } from 'vitest';
import { formatDuration, formatMetric, higherIsBetter, metricLabel, primaryMetric, statusLabel } from './run-format';

describe('run formatting', () => {
  it('labels statuses and metrics', () => {
    expect(statusLabel('interrupted')).toBe('Interrupted');
    expect(metricLabel('val_accuracy')).toBe('Validation accuracy');
    expect(metricLabel('test_rmse')).toBe('Test RMSE');
    expect(metricLabel('test_r2')).toBe('Test R²');
    expect(metricLabel('loss')).toBe('Loss');
    expect(metricLabel('test_f1_macro')).toBe('Test macro F1');
    expect(metricLabel('test_roc_auc')).toBe('Test ROC AUC');
    expect(metricLabel('best_epoch')).toBe('Best epoch');
    expect(metricLabel('<b>odd</b>')).toBe('<b>odd</b>');
  });

  it('formats metric values and durations', () => {
    expect(formatMetric(0.966666)).toBe('0.9667');
    expect(formatMetric(Number.NaN)).toBe('NaN');
    expect(formatMetric(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatMetric(undefined)).toBe('–');
    expect(formatMetric(1.5e-6)).toBe('1.500e-6');
    expect(formatMetric(-3.7e-17)).toBe('0');
    expect(formatDuration(400)).toBe('<1 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe('2 h 04 min');
  });

  it('picks the primary metric: test, then validation, then training score', () => {
    const summary = [
      { key: 'accuracy', value: 0.9 },
      { key: 'val_accuracy', value: 0.85 },
    ];
    expect(primaryMetric('multiclass', summary)).toEqual({ key: 'val_accuracy', value: 0.85 });
    expect(primaryMetric('multiclass', [...summary, { key: 'test_accuracy', value: 0.8 }])).toEqual({ key: 'test_accuracy', value: 0.8 });
    expect(primaryMetric('regression', summary)).toBeUndefined();
    expect(higherIsBetter('test_accuracy')).toBe(true);
    expect(higherIsBetter('val_rmse')).toBe(false);
  });
});
