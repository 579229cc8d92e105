import { describe, expect, it } from 'vitest';
import { fitValue, flattenParams, mapMetrics, mapRun, mlflowKey, mlflowStatus, packBatches } from './mapping';
import { keyProblem, MAX_BATCH_REQUEST_BYTES } from './mlflow-limits';
import { metricSeries, syncRun, syncSpec } from './sync-test-fixtures';

describe('mlflowKey', () => {
  it('keeps keys MLflow accepts', () => {
    for (const key of ['loss', 'val_loss', 'model.layers.0.units', 'a-b/c d']) expect(mlflowKey(key)).toBe(key);
  });

  it('makes other keys valid, distinct and stable', () => {
    const keys = ['loss@1', 'loss#1', 'précision', '/lead', 'trail/', 'a//b', '../up', '', 'x'.repeat(300)];
    const mapped = keys.map(mlflowKey);
    for (const key of mapped) expect(keyProblem(key), key).toBeUndefined();
    expect(new Set(mapped).size).toBe(keys.length);
    expect(keys.map(mlflowKey)).toEqual(mapped);
    expect(mlflowKey('loss@1')).toMatch(/^loss_1_[0-9a-f]{8}$/);
  });
});

describe('flattenParams', () => {
  it('flattens the spec into dotted paths, lists of values as JSON, sorted', () => {
    const params = flattenParams(syncSpec());
    const byKey = Object.fromEntries(params.map((p) => [p.key, p.value]));
    expect(byKey['optimizer.learningRate']).toBe('0.001');
    expect(byKey['model.layers.1.activation']).toBe('tanh');
    expect(byKey['data.features']).toBe('["age","fare","sex"]');
    expect(byKey['data.split.stratify']).toBe('true');
    expect(byKey.seed).toBe('7');
    expect(params.map((p) => p.key)).toEqual([...params.map((p) => p.key)].sort());
    for (const { key } of params) expect(keyProblem(key), key).toBeUndefined();
  });

  it('cuts long values to 6000 characters, saying how long they were', () => {
    const [param] = flattenParams({ features: Array.from({ length: 2000 }, (_, i) => `column_${i}`) });
    expect(param.value).toHaveLength(6000);
    expect(param.value).toMatch(/…\[\d+ characters\]$/);
    expect(fitValue('short', 10)).toBe('short');
  });
});

describe('mapRun', () => {
  it('maps status, times, benchtop.* tags and the dataset input', () => {
    const run = syncRun({ parentId: 'sweep-1', trial: { number: 3, params: {} } });
    const mapped = mapRun(run, { datasetName: 'Titanic', remoteParentRunId: 'abc' });
    const tags = Object.fromEntries(mapped.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'benchtop.run_id': 'run-0001',
      'benchtop.kind': 'train',
      'benchtop.parent_id': 'sweep-1',
      'benchtop.trial.number': '3',
      'benchtop.tags': '["baseline"]',
      'benchtop.env.backend': 'wasm',
      'benchtop.env.libraries': '["@tensorflow/tfjs@4.22.0"]',
      'mlflow.runName': 'titanic mlp',
      'mlflow.note.content': 'First try.',
      'mlflow.parentRunId': 'abc',
    });
    expect(mapped.status).toBe('FINISHED');
    expect(mapped.startTime).toBe(run.startedAt);
    expect(mapped.endTime).toBe(run.endedAt);
    expect(mapped.dataset).toMatchObject({ name: 'Titanic', digest: 'ab'.repeat(16), sourceType: 'benchtop' });
    expect(JSON.parse(mapped.dataset.source)).toEqual({ dataset_id: 'titanic', version_id: 'v1', content_hash: 'ab'.repeat(32) });
  });

  it('gives running and interrupted runs no end time', () => {
    expect(mapRun(syncRun({ status: 'running' })).endTime).toBeUndefined();
    expect(mapRun(syncRun({ status: 'interrupted' })).endTime).toBeUndefined();
    expect(mlflowStatus('interrupted')).toBe('KILLED');
    expect(mlflowStatus('queued')).toBe('SCHEDULED');
  });

  it('is the same every time (a re-push changes nothing)', () => {
    expect(mapRun(syncRun())).toEqual(mapRun(syncRun()));
  });
});

describe('mapMetrics', () => {
  it('orders by key and step, adds summary values without a series once the run ended', () => {
    const run = syncRun();
    const points = mapMetrics(run, metricSeries(run.id, ['loss', 'val_loss'], 6));
    expect(points.map((p) => `${p.key}:${p.step}`)).toEqual(['loss:0', 'loss:1', 'loss:2', 'test_accuracy:50', 'val_loss:0', 'val_loss:1', 'val_loss:2']);
    expect(points.find((p) => p.key === 'test_accuracy')).toMatchObject({ value: 0.83, timestamp: run.endedAt });
    expect(mapMetrics(syncRun({ status: 'running' }), []).length).toBe(0);
  });
});

describe('packBatches', () => {
  it('respects 1000 metrics, 100 params, 100 tags and 1000 items per call, in order', () => {
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'v' }));
    const metrics = Array.from({ length: 2600 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    const batches = packBatches({ params, tags, metrics });
    for (const b of batches) {
      expect(b.params.length).toBeLessThanOrEqual(100);
      expect(b.tags.length).toBeLessThanOrEqual(100);
      expect(b.metrics.length).toBeLessThanOrEqual(1000);
      expect(b.params.length + b.tags.length + b.metrics.length).toBeLessThanOrEqual(1000);
    }
    expect(batches.flatMap((b) => b.params)).toEqual(params);
    expect(batches.flatMap((b) => b.tags)).toEqual(tags);
    expect(batches.flatMap((b) => b.metrics)).toEqual(metrics);
    expect(batches.map((b) => [b.params.length, b.tags.length, b.metrics.length])).toEqual([
      [100, 0, 0],
      [100, 0, 0],
      [50, 100, 0],
      [0, 20, 980],
      [0, 0, 1000],
      [0, 0, 620],
    ]);
  });

  it('keeps each request under 1 MB when values are long', () => {
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }));
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'é'.repeat(5000) }));
    const batches = packBatches({ params, tags });
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      const bytes = new TextEncoder().encode(JSON.stringify({ run_id: 'x'.repeat(32), ...b })).length;
      expect(bytes).toBeLessThanOrEqual(MAX_BATCH_REQUEST_BYTES);
    }
  });

  it('packs nothing into no calls', () => {
    expect(packBatches({})).toEqual([]);
  });
});
