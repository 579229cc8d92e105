import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, BACKENDS, chooseBackend, missingTrainingKernels, type BackendName, type BackendProbe, type ModelNeeds } from './backends';
import { describeBackend, initBackend, probeBackends } from './backend-setup';
import { registerWasmTrainingKernels } from './wasm-kernels';

/** What the registry reports for the bare wasm package, before the lab registers its training kernels. */
const BARE_WASM_MISSING = ['Conv2DBackpropFilter', 'UnsortedSegmentSum'];

const NEEDS: ModelNeeds[] = [
  { conv: false, embedding: false },
  { conv: true, embedding: false },
  { conv: false, embedding: true },
  { conv: true, embedding: true },
];

/**
 * Every availability: each backend absent, present but failing, or present and working; webgpu real or fallback; the
 * missing kernels from the table, from the registry after the lab's setup, or from the registry of the bare packages.
 */
function* availabilities(): Generator<BackendProbe[]> {
  for (let code = 0; code < 3 ** 4; code++) {
    for (const fallback of [false, true]) {
      for (const source of ['table', 'registry', 'bare registry'] as const) {
        const probes: BackendProbe[] = [];
        BACKEND_NAMES.forEach((name, i) => {
          const state = Math.floor(code / 3 ** i) % 3;
          if (state === 0) return;
          const probe: BackendProbe = { name, ok: state === 2 };
          if (name === 'webgpu') probe.isFallbackAdapter = fallback;
          if (source === 'registry') probe.missingKernels = [];
          if (source === 'bare registry') probe.missingKernels = name === 'wasm' ? BARE_WASM_MISSING : [];
          probes.push(probe);
        });
        yield probes;
      }
    }
  }
}

/** A second, independent statement of the rules (the table says nothing is missing once the lab set a backend up). */
function expected(requested: BackendName | 'auto', probes: BackendProbe[], needs: ModelNeeds): BackendName | null {
  const lacks = (p: BackendProbe, kernel: string) => (p.missingKernels ?? []).includes(kernel);
  const canTrain = (p: BackendProbe) => p.ok && !(needs.conv && lacks(p, 'Conv2DBackpropFilter')) && !(needs.embedding && lacks(p, 'UnsortedSegmentSum'));
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
    expect(cases).toBe(81 * 2 * 3 * 4 * 5);
  }, 30_000);

  it('picks wasm for conv and text models without a real GPU, and a software WebGPU adapter ranks after cpu', () => {
    const available: BackendProbe[] = [
      { name: 'webgpu', ok: true, isFallbackAdapter: true },
      { name: 'webgl', ok: false, reason: 'no WebGL context can be created' },
      { name: 'wasm', ok: true },
      { name: 'cpu', ok: true },
    ];
    for (const modelNeeds of NEEDS) {
      const decision = chooseBackend({ requested: 'auto', available, modelNeeds });
      expect(decision.backend).toBe('wasm');
      const reasons = Object.fromEntries(decision.skipped.map((s) => [s.backend, s.reason]));
      expect(reasons.webgl).toMatch(/no WebGL context/);
      expect(reasons.webgpu).toMatch(/software fallback/);
      expect(reasons.cpu).toBe('ranked after wasm');
    }
  });

  it('trusts the registry over the table: wasm without the lab kernels is skipped for a CNN, naming the kernel', () => {
    const available: BackendProbe[] = [
      { name: 'wasm', ok: true, missingKernels: BARE_WASM_MISSING },
      { name: 'cpu', ok: true, missingKernels: [] },
    ];
    const cnn = chooseBackend({ requested: 'auto', available, modelNeeds: { conv: true, embedding: false } });
    expect(cnn.backend).toBe('cpu');
    expect(cnn.skipped.find((s) => s.backend === 'wasm')?.reason).toBe('cannot train conv layers: TF.js lacks Conv2DBackpropFilter on wasm');
    expect(chooseBackend({ requested: 'auto', available, modelNeeds: NEEDS[0] }).backend).toBe('wasm');
  });

  it('explains an explicit request that cannot be met, with the alternatives', () => {
    const available: BackendProbe[] = [
      { name: 'wasm', ok: true, missingKernels: BARE_WASM_MISSING },
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
  it('finds the bare wasm package\'s gaps in the TF.js registry, and none once the lab\'s kernels are registered', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(missingTrainingKernels('wasm')).toEqual(BARE_WASM_MISSING);
    expect(missingTrainingKernels('cpu')).toEqual([]);
    registerWasmTrainingKernels();
    expect(missingTrainingKernels('wasm')).toEqual([]);
    expect(missingTrainingKernels('wasm')).toEqual([...BACKENDS.wasm.knownMissingKernels]);
  });

  it('probes: cpu and wasm work, webgl and webgpu do not; auto picks wasm for every model family', async () => {
    const probes = await probeBackends();
    expect(probes.map((p) => [p.name, p.ok, p.missingKernels])).toEqual([
      ['webgpu', false, []],
      ['webgl', false, []],
      ['wasm', true, []],
      ['cpu', true, []],
    ]);
    for (const modelNeeds of NEEDS) expect(chooseBackend({ requested: 'auto', available: probes, modelNeeds }).backend).toBe('wasm');
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
