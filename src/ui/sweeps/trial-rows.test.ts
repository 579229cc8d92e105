import { describe, expect, it } from 'vitest';
import { formatParamValue, orderTrialRows, shortParamLabel, trialRows, type TrialRun } from './trial-rows';

function trial(number: number, overrides: Partial<TrialRun> = {}, params: Record<string, unknown> = {}): TrialRun {
  return {
    id: `t${number}`,
    name: `trial ${number}`,
    status: 'completed',
    trial: { number, params: params as Record<string, never> },
    progress: { epoch: 9, epochs: 9 },
    summary: [],
    createdAt: number,
    ...overrides,
  };
}

describe('trialRows', () => {
  it('reads status, reason, metric, epochs and duration of each trial, by number', () => {
    const rows = trialRows(
      [
        trial(1, { status: 'canceled', trial: { number: 1, params: { lr: 0.1 }, stoppedEarly: 'Stopped at epoch 1: worse than the rung', value: 0.9 }, progress: { epoch: 1, epochs: 9 }, startedAt: 10, endedAt: 1010 }),
        trial(0, { summary: [{ key: 'val_loss', value: 0.4 }], startedAt: 0, endedAt: 2500 }, { lr: 0.01 }),
        trial(2, { status: 'failed', error: { message: 'Out of memory' } }),
        { ...trial(3), trial: undefined },
      ],
      'val_loss',
    );
    expect(rows.map((r) => r.number)).toEqual([0, 1, 2]);
    expect(rows[0]).toMatchObject({ status: 'completed', value: 0.4, durationMs: 2500, epochs: 9 });
    expect(rows[1]).toMatchObject({ status: 'stopped', reason: 'Stopped at epoch 1: worse than the rung', value: 0.9, epochs: 1, durationMs: 1000 });
    expect(rows[2]).toMatchObject({ status: 'failed', reason: 'Out of memory' });
    expect(rows[2].value).toBeUndefined();
    expect(rows[2].durationMs).toBeUndefined();
  });
});

describe('orderTrialRows', () => {
  const rows = trialRows(
    [
      trial(0, { trial: { number: 0, params: { lr: 0.01, opt: 'adam' }, value: 0.5 } }),
      trial(1, { trial: { number: 1, params: { lr: 0.001, opt: 'sgd' }, value: 0.3 } }),
      trial(2, { status: 'running', trial: { number: 2, params: { opt: 'adam' } } }),
      trial(3, { trial: { number: 3, params: { lr: 0.1, opt: 'adam' }, value: 0.3 } }),
    ],
    'val_loss',
  );

  it('sorts by the metric either way with missing values last and ties in trial order', () => {
    expect(orderTrialRows(rows, { by: 'value', direction: 'asc' }).map((r) => r.number)).toEqual([1, 3, 0, 2]);
    expect(orderTrialRows(rows, { by: 'value', direction: 'desc' }).map((r) => r.number)).toEqual([0, 1, 3, 2]);
  });

  it('sorts by a numeric or a text parameter, inactive ones last', () => {
    expect(orderTrialRows(rows, { by: 'param:lr', direction: 'asc' }).map((r) => r.number)).toEqual([1, 0, 3, 2]);
    expect(orderTrialRows(rows, { by: 'param:lr', direction: 'desc' }).map((r) => r.number)).toEqual([3, 0, 1, 2]);
    expect(orderTrialRows(rows, { by: 'param:opt', direction: 'desc' }).map((r) => r.number)).toEqual([1, 0, 2, 3]);
  });

  it('sorts by number and by status (active first)', () => {
    expect(orderTrialRows(rows, { by: 'number', direction: 'desc' }).map((r) => r.number)).toEqual([3, 2, 1, 0]);
    expect(orderTrialRows(rows, { by: 'status', direction: 'asc' })[0].number).toBe(2);
  });
});

describe('formatParamValue', () => {
  it('reads numbers, text and JSON values', () => {
    expect(formatParamValue(0.000123456)).toBe('1.23e-4');
    expect(formatParamValue(0.0001)).toBe('1e-4');
    expect(formatParamValue(0.00015)).toBe('1.5e-4');
    expect(formatParamValue(0.0123456)).toBe('0.01235');
    expect(formatParamValue(64)).toBe('64');
    expect(formatParamValue('adam')).toBe('adam');
    expect(formatParamValue({ name: 'sgd', learningRate: 0.1 })).toBe('{"learningRate":0.1,"name":"sgd"}');
    expect(formatParamValue(undefined)).toBe('–');
  });
});

describe('shortParamLabel', () => {
  it('leaves out the container of a path', () => {
    expect(shortParamLabel('optimizer.learningRate')).toBe('learningRate');
    expect(shortParamLabel('model.layers[0].units')).toBe('layers[0].units');
    expect(shortParamLabel('batchSize')).toBe('batchSize');
    expect(shortParamLabel('model')).toBe('model');
    expect(shortParamLabel('earlyStopping.patience')).toBe('earlyStopping.patience');
  });
});
