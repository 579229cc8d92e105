/**
 * @file A valid share payload for tests (imported by tests only).
 */
import { assertTrainSpec } from '../core/jobs/train-spec';
import type { SharePayload } from '../core/share/payload';
import { FIXTURE_HASH, specInput } from './train-spec-fixture';

/** A second content hash: the embedded CSV's, beside the source's {@link FIXTURE_HASH}. */
export const EMBEDDED_HASH = 'cd'.repeat(32);

/** A complete, valid payload referencing a sample; tweak it per test. */
export function samplePayload(): SharePayload {
  const spec = assertTrainSpec(specInput());
  return {
    format: 'benchtop-share',
    version: 1,
    appVersion: '0.1.0',
    sharedAt: 1_700_000_000_000,
    run: { name: 'Titanic · mlp', backend: 'cpu', libraries: [{ name: '@tensorflow/tfjs', version: '4.22.0' }] },
    spec,
    seed: spec.seed,
    dataset: { kind: 'sample', name: 'Titanic', sampleId: 'titanic', contentHash: FIXTURE_HASH, columnTypes: [] },
    metrics: {
      series: [
        { key: 'loss', split: 'train', steps: [1, 2, 3], values: [0.9, 0.7, 0.6] },
        { key: 'val_loss', split: 'validation', steps: [1, 2, 3], values: [1.0, 0.8, null] },
      ],
      summary: [
        { key: 'test_accuracy', value: 0.8 },
        { key: 'epochs', value: 3 },
      ],
      omitted: [],
    },
  };
}

/** The same run with its data embedded as CSV. */
export function embeddedPayload(csv = 'age,fare,sex,survived\n22,7.25,male,0\n38,71.28,female,1\n'): SharePayload {
  return {
    ...samplePayload(),
    dataset: { kind: 'embedded', name: 'Titanic', sourceName: 'titanic.csv', sourceHash: FIXTURE_HASH, contentHash: EMBEDDED_HASH, format: 'csv', csv, columnTypes: [{ column: 'sex', type: 'category' }] },
  };
}
