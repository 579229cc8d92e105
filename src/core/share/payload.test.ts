import { describe, expect, it } from 'vitest';
import { EMBEDDED_HASH, embeddedPayload, samplePayload } from '../../test/share-payload-fixture';
import { FIXTURE_HASH } from '../../test/train-spec-fixture';
import { containsMarkup, validateSharePayload } from './payload';
import { ShareLinkError, type ShareLinkErrorCode } from './share-error';

/** The error `validateSharePayload` throws for `input` (through JSON, as a link's payload would be). */
function refusal(input: unknown): ShareLinkError {
  try {
    validateSharePayload(JSON.parse(JSON.stringify(input)));
  } catch (err) {
    if (err instanceof ShareLinkError) return err;
    throw err;
  }
  throw new Error('expected the payload to be refused');
}

function expectRefused(input: unknown, code: ShareLinkErrorCode, message: RegExp | string): void {
  const err = refusal(input);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
}

describe('validateSharePayload', () => {
  it('accepts a sample reference and an embedded dataset, with the spec completed', () => {
    const sample = validateSharePayload(JSON.parse(JSON.stringify(samplePayload())));
    expect(sample).toEqual(samplePayload());
    expect(sample.spec.loss).toBe('crossentropy');
    const embedded = validateSharePayload(JSON.parse(JSON.stringify(embeddedPayload())));
    expect(embedded.dataset).toMatchObject({ kind: 'embedded', contentHash: EMBEDDED_HASH, sourceHash: FIXTURE_HASH });
  });

  it('refuses another format and other versions, naming the version it reads', () => {
    expectRefused({ hello: 'world' }, 'unknown-version', 'This is not a Benchtop share link: expected format "benchtop-share"');
    expectRefused([1, 2], 'unknown-version', 'not a Benchtop share link');
    expectRefused({ ...samplePayload(), version: 2 }, 'unknown-version', /newer Benchtop \(share version 2\); this app reads version 1/);
    expectRefused({ ...samplePayload(), version: 0 }, 'unknown-version', 'share version 0, which no Benchtop writes; expected version 1');
    expectRefused({ ...samplePayload(), version: '1' }, 'unknown-version', 'share version "1"');
  });

  it('names every field out of shape, unknown fields included', () => {
    const err = refusal({ ...samplePayload(), extra: 1, seed: -1, run: { name: '', libraries: [] } });
    expect(err.code).toBe('invalid');
    expect(err.message).toContain('extra: unknown field');
    expect(err.message).toContain('seed: expected a uint32 seed, got -1');
    expect(err.message).toContain('run.name: expected text of 1 to 200 characters, got ""');
  });

  it('caps strings and lists', () => {
    expectRefused({ ...samplePayload(), run: { ...samplePayload().run, name: 'x'.repeat(201) } }, 'invalid', 'run.name: expected text of 1 to 200 characters');
    const many = Array.from({ length: 65 }, (_, i) => ({ key: `m${i}`, steps: [1], values: [1] }));
    expectRefused({ ...samplePayload(), metrics: { ...samplePayload().metrics, series: many } }, 'invalid', 'metrics.series: expected at most 64 series');
    const longCsv = embeddedPayload('a'.repeat(8 * 1024 * 1024 + 1));
    expectRefused(longCsv, 'invalid', 'dataset.csv: expected text of 1 to 8388608 characters');
  });

  it('validates the spec with the training-spec schema, paths under "spec."', () => {
    const payload = samplePayload() as unknown as { spec: Record<string, unknown> };
    expectRefused({ ...payload, spec: { ...payload.spec, epochs: 0 } }, 'invalid', 'spec.epochs: expected an integer from 1 to 10000, got 0');
    expectRefused({ ...payload, spec: 'not a spec' }, 'invalid', /^The link's run is not valid: spec: /);
  });

  it('checks the parts agree: seed, data hash, series', () => {
    expectRefused({ ...samplePayload(), seed: 8 }, 'invalid', "seed: expected the spec's seed 7, got 8");
    expectRefused({ ...samplePayload(), dataset: { ...samplePayload().dataset, contentHash: EMBEDDED_HASH } }, 'invalid', "dataset.contentHash: expected the spec's data.contentHash");
    const embedded = embeddedPayload();
    expectRefused({ ...embedded, dataset: { ...embedded.dataset, sourceHash: EMBEDDED_HASH } }, 'invalid', "dataset.sourceHash: expected the spec's data.contentHash");
    const metrics = samplePayload().metrics;
    expectRefused({ ...samplePayload(), metrics: { ...metrics, series: [metrics.series[0], metrics.series[0]] } }, 'invalid', 'the series "loss" appears twice');
    expectRefused({ ...samplePayload(), metrics: { ...metrics, series: [{ key: 'loss', steps: [1, 3, 2], values: [1, 2, 3] }] } }, 'invalid', 'metrics.series[0].steps[2]: expected steps in strictly increasing order');
    expectRefused({ ...samplePayload(), metrics: { ...metrics, series: [{ key: 'loss', steps: [1, 2], values: [1] }] } }, 'invalid', 'expected as many values as steps, got 1 values for 2 steps');
    expectRefused({ ...samplePayload(), metrics: { ...metrics, summary: [{ key: '<b>', value: 1 }] } }, 'invalid', 'metrics.summary[0].key: expected a metric key');
  });

  it('refuses names holding HTML markup; other angle brackets are text', () => {
    expect(containsMarkup('<img src=x onerror=alert(1)>')).toBe(true);
    expect(containsMarkup('a</b')).toBe(true);
    expect(containsMarkup('<!-- x')).toBe(true);
    expect(containsMarkup('a < b & c > d')).toBe(false);
    expect(containsMarkup('<3 iris')).toBe(false);
    expectRefused({ ...samplePayload(), run: { ...samplePayload().run, name: '<img src=x onerror=alert(1)>' } }, 'markup', 'The shared run name contains HTML markup');
    expectRefused({ ...samplePayload(), dataset: { ...samplePayload().dataset, name: 'x<script>' } }, 'markup', 'The shared dataset name contains HTML markup');
    const embedded = embeddedPayload();
    expectRefused({ ...embedded, dataset: { ...embedded.dataset, sourceName: '<svg onload=x>.csv' } }, 'markup', 'The shared file name contains HTML markup');
    expect(validateSharePayload(JSON.parse(JSON.stringify({ ...samplePayload(), run: { ...samplePayload().run, name: 'a < b' } }))).run.name).toBe('a < b');
  });
});
