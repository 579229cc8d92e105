/**
 * @file Fixtures for the sync tests (imported by tests only): run records with complete, validated specs, metric
 * series, artifacts, and an MLflow test server with a client pointed at it.
 */
import { parseTrainSpec } from '../core/jobs/train-spec';
import type { MetricRecord, RunRecord } from '../storage/records';
import type { TrainSpec } from '../protocol/train';
import { specInput } from '../test/train-spec-fixture';
import { startMlflowServer, type MlflowServerOptions, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { MlflowClient } from './client';
import type { ArtifactSource } from './push-artifacts';
import type { TransportOptions } from './transport';

/** The canary token: it must never show up anywhere but the Authorization header. */
export const CANARY_TOKEN = 'canary-TOKEN-123';

/** A validated spec; `wide` adds 16 layers and 16 per-column overrides, for a run with more than 150 params. */
export function syncSpec(options: { wide?: boolean; learningRate?: number } = {}): TrainSpec {
  const input = specInput();
  if (options.wide) {
    const features = Array.from({ length: 16 }, (_, i) => `f${i}`);
    input.data = { ...input.data, features, columns: features.map((column) => ({ column, kind: 'numeric', scaling: 'minmax' })) };
    input.model = { family: 'mlp', layers: Array.from({ length: 16 }, (_, i) => ({ units: 8 + i, dropout: 0.1 })) };
  }
  if (options.learningRate !== undefined) input.optimizer = { name: 'adam', learningRate: options.learningRate };
  const result = parseTrainSpec(input);
  if (!result.ok) throw new Error(`sync test spec is invalid: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return result.spec;
}

/** A completed training run. */
export function syncRun(changes: Partial<RunRecord> = {}): RunRecord {
  const spec = changes.spec ?? syncSpec();
  return {
    id: 'run-0001',
    experimentId: 'default',
    kind: 'train',
    status: 'completed',
    name: 'titanic mlp',
    spec,
    seed: spec.seed,
    datasetId: spec.data.datasetId,
    datasetVersionId: spec.data.versionId,
    contentHash: spec.data.contentHash,
    environment: { appVersion: '0.1.0', backend: 'wasm', libraries: [{ name: '@tensorflow/tfjs', version: '4.22.0' }] },
    inputs: [{ kind: 'datasetVersion', id: spec.data.versionId }],
    outputs: [],
    progress: { epoch: 50, epochs: 50 },
    summary: [
      { key: 'val_loss', value: 0.41 },
      { key: 'test_accuracy', value: 0.83 },
    ],
    tags: ['baseline'],
    notes: 'First try.',
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    endedAt: 1_700_000_100_000,
    updatedAt: 1_700_000_100_000,
    ...changes,
  };
}

/** `count` points spread over `keys` (steps 0, 1, 2... per key), one second apart. */
export function metricSeries(runId: string, keys: readonly string[], count: number, start = 1_700_000_002_000): MetricRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % keys.length];
    const step = Math.floor(i / keys.length);
    return { runId, key, step, value: 1 / (step + 1) + keys.indexOf(key) / 100, time: start + i * 1000 };
  });
}

/** An artifact with its SHA-256, its bytes loaded on demand (and counted). */
export async function artifact(name: string, text: string, mediaType = 'application/json'): Promise<ArtifactSource & { loads: number }> {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const source = {
    name,
    mediaType,
    size: bytes.length,
    sha256,
    loads: 0,
    async load() {
      source.loads++;
      return bytes.slice().buffer;
    },
  };
  return source;
}

/** A test server and a client for it (fast retries, no real waiting), with the client's log lines. */
export async function serverAndClient(
  serverOptions: MlflowServerOptions = {},
  clientOptions: Partial<TransportOptions> = {},
): Promise<{ server: MlflowTestServer; client: MlflowClient; log: string[]; delays: number[] }> {
  const server = await startMlflowServer({ token: CANARY_TOKEN, ...serverOptions });
  const log: string[] = [];
  const delays: number[] = [];
  const client = new MlflowClient({
    trackingUri: server.url,
    token: CANARY_TOKEN,
    seed: 7,
    timeoutMs: 2000,
    backoff: { baseMs: 10, maxMs: 100, maxAttempts: 4 },
    sleep: async (ms) => {
      delays.push(ms);
    },
    log: (line) => log.push(line),
    page: {},
    ...clientOptions,
  });
  return { server, client, log, delays };
}
