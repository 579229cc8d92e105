import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, BACKENDS, chooseBackend, missingTrainingKernels, type BackendName, type BackendProbe, type ModelNeeds } from './backends';
import { describeBackend, initBackend, probeBackends } from './backend-setup';

const NEEDS: ModelNeeds[] = [
  { conv: false, embedding: false },
  { conv: true, embedding: false },
  { conv: false, embedding: true },
  { conv: true, embedding: true },
];

/** Every availability: each backend absent, present but failing, or present and working; webgpu real or fallback. */
function* availabilities(): Generator<BackendProbe[]> {
  for (let code = 0; code < 3 ** 4; code++) {
    for (const fallback of [false, true]) {
      for (const fromRegistry of [false, true]) {
        const probes: BackendProbe[] = [];
        BACKEND_NAMES.forEach((name, i) => {
          const state = Math.floor(code / 3 ** i) % 3;
          if (state === 0) return;
          const probe: BackendProbe = { name, ok: state === 2 };
          if (name === 'webgpu') probe.isFallbackAdapter = fallback;
          // The registry's answer equals the table's for wasm; for webgpu pretend it misses nothing.
          if (fromRegistry) probe.missingKernels = name === 'wasm' ? ['Conv2DBackpropFilter', 'UnsortedSegmentSum'] : [];
          probes.push(probe);
        });
        yield probes;
      }
    }
  }
}

/** A second, independent statement of the rules. */
function expected(requested: BackendName | 'auto', probes: BackendProbe[], needs: ModelNeeds): BackendName | null {
  const canTrain = (p: BackendProbe) => p.ok && !(p.name === 'wasm' && (needs.conv || needs.embedding));
  const order: ((p: BackendProbe) => boolean)[] = [
    (p) => p.name === 'webgpu' && !p.isFallbackAdapter,
    (p) => p.name === 'webgl',
    (p) => p.name === 'wasm',
    (p) => p.name === 'cpu',
    (p) => p.name === 'webgpu' && p.isFallbackAdapter === true,
  ];
  if (requested !== 'auto') return probes.some((p) => p.name === requested && canTrain(p)) ? requested : null;
  for (const test of order) {
    const hit = probes.find((p) => test(p) && canTrain(p));
    if (hit) return hit.name;
  }
  return null;
}

describe('chooseBackend', () => {
  it('agrees with the rules for every request, availability and model need', () => {
    let cases = 0;
    for (const probes of availabilities()) {
      for (const modelNeeds of NEEDS) {
        for (const requested of ['auto', ...BACKEND_NAMES] as const) {
          cases++;
          const want = expected(requested, probes, modelNeeds);
          if (want === null) {
            expect(() => chooseBackend({ requested, available: probes, modelNeeds })).toThrow(requested === 'auto' ? /No backend can train/ : `Backend "${requested}"`);
            continue;
          }
          const decision = chooseBackend({ requested, available: probes, modelNeeds });
          expect(decision.backend).toBe(want);
          expect(decision.skipped.map((s) => s.backend).sort()).toEqual(BACKEND_NAMES.filter((n) => n !== want).sort());
          for (const s of decision.skipped) expect(s.reason.length).toBeGreaterThan(5);
          const webgpu = probes.find((p) => p.name === 'webgpu');
          expect(decision.isFallbackAdapter).toBe(want === 'webgpu' && webgpu?.isFallbackAdapter === true);
        }
      }
    }
    expect(cases).toBe(81 * 2 * 2 * 4 * 5);
  });

  it('skips wasm for a CNN with the missing kernel named, and a software WebGPU adapter ranks after cpu', () => {
    const available: BackendProbe[] = [
      { name: 'webgpu', ok: true, isFallbackAdapter: true },
      { name: 'webgl', ok: false, reason: 'no WebGL context can be created' },
      { name: 'wasm', ok: true },
      { name: 'cpu', ok: true },
    ];
    const cnn = chooseBackend({ requested: 'auto', available, modelNeeds: { conv: true, embedding: false } });
    expect(cnn.backend).toBe('cpu');
    const reasons = Object.fromEntries(cnn.skipped.map((s) => [s.backend, s.reason]));
    expect(reasons.wasm).toMatch(/Conv2DBackpropFilter/);
    expect(reasons.webgl).toMatch(/no WebGL context/);
    expect(reasons.webgpu).toMatch(/software fallback/);
    expect(chooseBackend({ requested: 'auto', available, modelNeeds: { conv: false, embedding: false } }).backend).toBe('wasm');
  });

  it('trusts the registry over the table: wasm with conv gradients registered trains a CNN', () => {
    const available: BackendProbe[] = [
      { name: 'wasm', ok: true, missingKernels: [] },
      { name: 'cpu', ok: true, missingKernels: [] },
    ];
    expect(chooseBackend({ requested: 'auto', available, modelNeeds: { conv: true, embedding: true } }).backend).toBe('wasm');
  });

  it('explains an explicit request that cannot be met, with the alternatives', () => {
    const available: BackendProbe[] = [
      { name: 'wasm', ok: true },
      { name: 'cpu', ok: true },
    ];
    expect(() => chooseBackend({ requested: 'wasm', available, modelNeeds: { conv: false, embedding: true } })).toThrow(
      'Backend "wasm" was requested but cannot train embedding layers: TF.js lacks UnsortedSegmentSum on wasm; backends that can train this model here: "cpu", or choose "auto"',
    );
    expect(() => chooseBackend({ requested: 'gpu' as BackendName, available, modelNeeds: NEEDS[0] })).toThrow('Unknown backend "gpu"');
  });

  it('keeps the table frozen', () => {
    expect(Object.isFrozen(BACKENDS)).toBe(true);
    expect(Object.isFrozen(BACKENDS.wasm)).toBe(true);
    expect(Object.isFrozen(BACKENDS.wasm.knownMissingKernels)).toBe(true);
  });
});

describe('backend setup under Node', () => {
  it('finds the missing wasm gradient kernels in the TF.js registry', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(missingTrainingKernels('wasm')).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
    expect(missingTrainingKernels('cpu')).toEqual([]);
    expect(missingTrainingKernels('wasm')).toEqual([...BACKENDS.wasm.knownMissingKernels]);
  });

  it('probes: cpu and wasm work, webgl and webgpu do not; auto picks wasm for an MLP and cpu for a CNN', async () => {
    const probes = await probeBackends();
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(chooseBackend({ requested: 'auto', available: probes, modelNeeds: NEEDS[0] }).backend).toBe('wasm');
    expect(chooseBackend({ requested: 'auto', available: probes, modelNeeds: NEEDS[1] }).backend).toBe('cpu');
  });

  it('initialises cpu and describes it', async () => {
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await describeBackend()).toEqual({ backend: 'cpu', tfjsVersion: '4.22.0' });
    await expect(initBackend('tpu' as BackendName)).rejects.toThrow('Unknown backend "tpu"');
  });
});

describe('software WebGL', () => {
  it('ranks a software WebGL renderer after wasm and cpu, but before a software WebGPU adapter', () => {
    const needs = { conv: false, embedding: false };
    const all = [
      { name: 'webgpu' as const, ok: true, isFallbackAdapter: true },
      { name: 'webgl' as const, ok: true, isFallbackAdapter: true },
      { name: 'wasm' as const, ok: true },
      { name: 'cpu' as const, ok: true },
    ];
    const decision = chooseBackend({ requested: 'auto', available: all, modelNeeds: needs });
    expect(decision.backend).toBe('wasm');
    expect(decision.skipped.find((s) => s.backend === 'webgl')?.reason).toMatch(/software/);
    const onlyGpus = chooseBackend({ requested: 'auto', available: all.slice(0, 2), modelNeeds: needs });
    expect(onlyGpus).toMatchObject({ backend: 'webgl', isFallbackAdapter: true });
  });
});
