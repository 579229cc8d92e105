import { describe, expect, it } from 'vitest';
import { aliasChoices, formatBytes, modelFormatLabel, suggestModelName } from './model-format';

describe('model format helpers', () => {
  it('suggests a model name from the dataset and task', () => {
    expect(suggestModelName('Iris', 'multiclass')).toBe('iris-classifier');
    expect(suggestModelName('titanic.csv', 'binary')).toBe('titanic-classifier');
    expect(suggestModelName('Boston  Housing (1978)', 'regression')).toBe('boston-housing-1978-regressor');
    expect(suggestModelName('<img src=x onerror=alert(1)>', 'binary')).toBe('img-src-x-onerror-alert-1-classifier');
    expect(suggestModelName('***', 'regression')).toBe('model-regressor');
  });

  it('labels model formats, short and long', () => {
    expect((['tfjs', 'onnx', 'tabular'] as const).map((f) => modelFormatLabel(f))).toEqual(['TF.js', 'ONNX', 'Tabular (AutoML)']);
    expect(modelFormatLabel('tabular', 'long')).toBe('Tabular model (AutoML)');
  });

  it('formats sizes', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4300)).toBe('4.2 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });

  it('offers well-known aliases first', () => {
    expect(aliasChoices(['staging', 'champion'])).toEqual(['champion', 'challenger', 'staging']);
  });
});
