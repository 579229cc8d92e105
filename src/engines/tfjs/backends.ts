/**
 * @file The TF.js backends: one frozen table (like Transformers.js `DEVICE_TYPES`), the pure choice of a backend for a
 * model on this machine, and the training kernels each backend lacks (read from TF.js's kernel registry).
 *
 * Auto order: a real WebGPU adapter, WebGL, wasm, cpu, and last a software WebGPU adapter (SwiftShader,
 * `isFallbackAdapter`), which trains 40-100x slower than wasm. A backend that lacks a kernel the model needs for
 * training is skipped. TF.js 4.22's wasm package lacks `Conv2DBackpropFilter` (conv nets) and `UnsortedSegmentSum`
 * (embeddings); the lab registers its own (`wasm-kernels.ts`) whenever it loads that package (`backend-setup.ts`), so
 * with them wasm trains every family and is the pick for conv and text models on machines without a real GPU.
 */
import { getKernel } from '@tensorflow/tfjs';

/** The backends, fastest first (for a real GPU adapter). */
export const BACKEND_NAMES = Object.freeze(['webgpu', 'webgl', 'wasm', 'cpu'] as const);

/** A TF.js backend name. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a model asks of a backend beyond dense layers. */
export interface ModelNeeds {
  /** Conv2D / Conv1D layers and pooling (CNN and conv1d text models). */
  conv: boolean;
  /** An embedding layer (text models): gather and its gradient. */
  embedding: boolean;
}

/** Static facts about one backend. */
export interface BackendTraits {
  readonly name: BackendName;
  readonly label: string;
  /** Reads back with `dataSync()` work; false where only `await data()` does (WebGPU). */
  readonly syncReads: boolean;
  /**
   * Training kernels this backend is known to lack once the lab has set it up (wasm: none, its gaps are filled by
   * `wasm-kernels.ts`); the live registry check ({@link missingTrainingKernels}) wins.
   */
  readonly knownMissingKernels: readonly string[];
}

/** The backend table. Frozen: change it here, in one place. */
export const BACKENDS: Readonly<Record<BackendName, BackendTraits>> = Object.freeze({
  webgpu: Object.freeze({ name: 'webgpu', label: 'WebGPU', syncReads: false, knownMissingKernels: Object.freeze([]) }),
  webgl: Object.freeze({ name: 'webgl', label: 'WebGL', syncReads: true, knownMissingKernels: Object.freeze([]) }),
  wasm: Object.freeze({
    name: 'wasm',
    label: 'WebAssembly',
    syncReads: true,
    knownMissingKernels: Object.freeze([]),
  }),
  cpu: Object.freeze({ name: 'cpu', label: 'CPU (JavaScript)', syncReads: true, knownMissingKernels: Object.freeze([]) }),
});

/**
 * Kernels (forward and gradient) that training needs, per model need, beyond the element-wise ops and reductions
 * every backend has: read from what `model.fit` of each model-builder family runs (dense layers and batch norm;
 * Conv2D/Conv1D with pooling; embeddings with global pooling).
 */
export const TRAINING_KERNELS: Readonly<Record<'dense' | keyof ModelNeeds, readonly string[]>> = Object.freeze({
  dense: Object.freeze(['BatchMatMul', '_FusedMatMul', 'FusedBatchNorm']),
  conv: Object.freeze(['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad']),
  embedding: Object.freeze(['GatherV2', 'UnsortedSegmentSum']),
});

/** What a probe found about one backend on this machine. */
export interface BackendProbe {
  name: BackendName;
  /** It can be initialised here (WebGPU: an adapter was returned; WebGL: a context can be made; ...). */
  ok: boolean;
  /** Why it cannot, when `ok` is false. */
  reason?: string;
  /** WebGPU: the adapter is a software fallback; WebGL: the renderer is software (SwiftShader, llvmpipe). */
  isFallbackAdapter?: boolean;
  /** Training kernels missing from the registry (all needs); when absent the table's known gaps are assumed. */
  missingKernels?: readonly string[];
}

/** A backend left out, and why. */
export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

/** The outcome of {@link chooseBackend}. */
export interface BackendDecision {
  backend: BackendName;
  /** The chosen backend runs on a software WebGPU adapter or a software WebGL renderer. */
  isFallbackAdapter: boolean;
  /** Every other backend, with the reason it was not chosen. */
  skipped: SkippedBackend[];
}

/** The input of {@link chooseBackend}. */
export interface BackendRequest {
  requested: BackendName | 'auto';
  available: readonly BackendProbe[];
  modelNeeds: ModelNeeds;
}

/** The kernels a model needs, dense first. */
export function kernelsNeeded(needs: ModelNeeds): string[] {
  return [...TRAINING_KERNELS.dense, ...(needs.conv ? TRAINING_KERNELS.conv : []), ...(needs.embedding ? TRAINING_KERNELS.embedding : [])];
}

/** Rank in the auto order; software WebGL and then a software WebGPU adapter come after cpu. */
function rank(probe: BackendProbe): number {
  if (probe.name === 'webgl' && probe.isFallbackAdapter) return BACKEND_NAMES.length;
  if (probe.name === 'webgpu' && probe.isFallbackAdapter) return BACKEND_NAMES.length + 1;
  return BACKEND_NAMES.indexOf(probe.name);
}

/** Why `probe` cannot train a model with `needs`, or null when it can. */
function unusableReason(probe: BackendProbe | undefined, name: BackendName, needs: ModelNeeds): string | null {
  if (!probe) return 'not detected on this machine';
  if (!probe.ok) return probe.reason ? `not available: ${probe.reason}` : 'not available on this machine';
  const missing = probe.missingKernels ?? BACKENDS[name].knownMissingKernels;
  const lacking = kernelsNeeded(needs).filter((k) => missing.includes(k));
  if (lacking.length > 0) {
    const what = [needs.conv && 'conv', needs.embedding && 'embedding'].filter(Boolean).join(' and ') || 'dense';
    return `cannot train ${what} layers: TF.js lacks ${lacking.join(', ')} on ${name}`;
  }
  return null;
}

/**
 * Picks the backend for a model: the requested one when it can train the model here (else an Error naming why and
 * what would work), or for `auto` the first that can in the auto order. Pure: same input, same decision.
 */
export function chooseBackend(request: BackendRequest): BackendDecision {
  const { requested, available, modelNeeds } = request;
  if (requested !== 'auto' && !BACKEND_NAMES.includes(requested)) {
    throw new Error(`Unknown backend ${JSON.stringify(requested)}; expected "auto" or one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  const byName = new Map<BackendName, BackendProbe>();
  for (const probe of available) if (!byName.has(probe.name)) byName.set(probe.name, probe);
  const reasons = new Map(BACKEND_NAMES.map((name) => [name, unusableReason(byName.get(name), name, modelNeeds)]));
  const usable = [...byName.values()].filter((p) => reasons.get(p.name) === null).sort((a, b) => rank(a) - rank(b));

  let chosen: BackendProbe | undefined;
  if (requested === 'auto') {
    chosen = usable[0];
    if (!chosen) {
      const why = BACKEND_NAMES.map((n) => `${n}: ${reasons.get(n)}`).join('; ');
      throw new Error(`No backend can train this model here (${why})`);
    }
  } else {
    chosen = usable.find((p) => p.name === requested);
    if (!chosen) {
      const alternatives = usable.map((p) => `"${p.name}"`).join(', ') || 'none';
      throw new Error(`Backend "${requested}" was requested but ${reasons.get(requested)}; backends that can train this model here: ${alternatives}, or choose "auto"`);
    }
  }

  const skipped = BACKEND_NAMES.filter((name) => name !== chosen.name).map((name): SkippedBackend => {
    const reason = reasons.get(name);
    if (reason) return { backend: name, reason };
    if (requested !== 'auto') return { backend: name, reason: `the job asks for "${requested}"` };
    const probe = byName.get(name) as BackendProbe;
    if (probe.name === 'webgpu' && probe.isFallbackAdapter) {
      return { backend: name, reason: `its adapter is a software fallback (SwiftShader), much slower than ${chosen.name}` };
    }
    if (probe.name === 'webgl' && probe.isFallbackAdapter) {
      return { backend: name, reason: `its renderer is software (no GPU), slower than ${chosen.name}` };
    }
    return { backend: name, reason: `ranked after ${chosen.name}` };
  });
  return { backend: chosen.name, isFallbackAdapter: chosen.isFallbackAdapter === true, skipped };
}

/**
 * Training kernels (of all needs) that TF.js's registry lacks for `backend`. The backend's package must have been
 * imported (it registers its kernels on import), and for wasm the lab's kernels registered: `probeBackends` and
 * `initBackend` do both.
 */
export function missingTrainingKernels(backend: BackendName, hasKernel = (k: string, b: string) => getKernel(k, b) != null): string[] {
  const all = [...TRAINING_KERNELS.dense, ...TRAINING_KERNELS.conv, ...TRAINING_KERNELS.embedding];
  return [...new Set(all)].filter((k) => !hasKernel(k, backend));
}
