/**
 * @file The backend a training job runs on: probe this machine, choose with the engine's pure `chooseBackend`,
 * start it, and describe it (with library versions) for the run's environment record. After a WebGPU device loss,
 * the same start with a plan: webgpu again on a fresh device, or the chooser's pick with webgpu left out.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, probeBackends, type BackendDescription, type BackendSetupOptions, type WasmPaths } from '../engines/tfjs/backend-setup';
import { chooseBackend, type BackendDecision, type BackendName, type BackendProbe } from '../engines/tfjs/backends';
import { currentWebgpuDevice, forgetWebgpuBackend, type GpuDeviceLike } from '../engines/tfjs/device-loss';
import { modelNeeds } from '../engines/tfjs/model-builder';
import type { ComputeBackend, LibraryVersion, RunEnvironment } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';

/**
 * How a job reaches TF.js's backends. The default is TF.js itself ({@link TFJS_BACKEND_PLATFORM}); tests replace
 * parts (a fixed probe, a fake WebGPU device) to exercise choices and device loss under Node.
 */
export interface BackendPlatform {
  /** What this machine offers (`probeBackends`). */
  probe(): Promise<BackendProbe[]>;
  /** Makes `name` TF.js's backend (`initBackend`). */
  init(name: BackendName, options: BackendSetupOptions): Promise<void>;
  /** The current backend for the environment record (`describeBackend`). */
  describe(): Promise<BackendDescription>;
  /** The current backend's GPU device when it is webgpu, else undefined (`currentWebgpuDevice`). */
  webgpuDevice(): GpuDeviceLike | undefined;
  /** Drops a lost webgpu backend so the next start gets a fresh device (`forgetWebgpuBackend`). */
  forgetWebgpu(): void;
}

/** TF.js's own backends. */
export const TFJS_BACKEND_PLATFORM: BackendPlatform = Object.freeze({
  probe: probeBackends,
  init: initBackend,
  describe: describeBackend,
  webgpuDevice: currentWebgpuDevice,
  forgetWebgpu: () => void forgetWebgpuBackend(),
});

/** Options of {@link startTrainBackend}. */
export interface TrainBackendOptions {
  /** Where the wasm binaries are served (Vite `?url` imports in the app); the package folder under Node. */
  wasmPaths?: WasmPaths;
  /** What this machine offers; default `probeBackends()`. Tests pass a fixed list. */
  probe?: () => Promise<BackendProbe[]>;
  /** Replaces parts of {@link TFJS_BACKEND_PLATFORM} (tests). `probe` above wins over `platform.probe`. */
  platform?: Partial<BackendPlatform>;
}

/**
 * Which backend to start. `choose`: the spec's `backend`, or the fastest that can train its model here.
 * After a device loss: `fresh-webgpu` (webgpu again, on a new device) or `without-webgpu` (the auto choice with
 * webgpu left out, `reason` saying why).
 */
export type BackendPlan = { kind: 'choose' } | { kind: 'fresh-webgpu' } | { kind: 'without-webgpu'; reason: string };

/** The started backend: the decision (with the skipped backends and why) and the environment facts to record. */
export interface StartedBackend {
  decision: BackendDecision;
  environment: Pick<RunEnvironment, 'backend' | 'adapter' | 'libraries'>;
}

/** The platform with the options' replacements. */
export function backendPlatform(options: TrainBackendOptions = {}): BackendPlatform {
  return { ...TFJS_BACKEND_PLATFORM, ...options.platform, ...(options.probe ? { probe: options.probe } : {}) };
}

/** Chooses (or, after a device loss, re-chooses) and starts the backend for `spec`. Throws an Error naming why not. */
export async function startTrainBackend(spec: TrainSpec, options: TrainBackendOptions = {}, plan: BackendPlan = { kind: 'choose' }): Promise<StartedBackend> {
  const platform = backendPlatform(options);
  const setup: BackendSetupOptions = options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths };
  let decision: BackendDecision;
  if (plan.kind === 'fresh-webgpu') {
    platform.forgetWebgpu();
    await platform.init('webgpu', setup);
    decision = { backend: 'webgpu', isFallbackAdapter: false, skipped: [] };
  } else {
    const probed = await platform.probe();
    const available = plan.kind === 'without-webgpu' ? probed.map((p): BackendProbe => (p.name === 'webgpu' ? { ...p, ok: false, reason: plan.reason } : p)) : probed;
    decision = chooseBackend({ requested: plan.kind === 'without-webgpu' ? 'auto' : spec.backend, available, modelNeeds: modelNeeds(spec.model) });
    await platform.init(decision.backend, setup);
  }
  const described = await platform.describe();
  if (plan.kind === 'fresh-webgpu') decision.isFallbackAdapter = described.adapter?.isFallbackAdapter === true;
  return {
    decision,
    environment: {
      backend: described.backend as ComputeBackend,
      ...(described.adapter ? { adapter: described.adapter } : {}),
      libraries: await libraryVersions(decision.backend),
    },
  };
}

/** TF.js package versions that computed the numbers, including the backend package in use. */
async function libraryVersions(backend: ComputeBackend): Promise<LibraryVersion[]> {
  const versions: LibraryVersion[] = [
    { name: '@tensorflow/tfjs', version: tf.version.tfjs },
    { name: '@tensorflow/tfjs-core', version: tf.version_core },
    { name: '@tensorflow/tfjs-layers', version: tf.version_layers },
  ];
  // Already imported by the probe or initBackend: these imports only read the loaded modules' versions.
  if (backend === 'wasm') versions.push({ name: '@tensorflow/tfjs-backend-wasm', version: (await import('@tensorflow/tfjs-backend-wasm')).version_wasm });
  // The webgpu package exports no version; it is released in lockstep with tfjs (both pinned in package.json).
  if (backend === 'webgpu') versions.push({ name: '@tensorflow/tfjs-backend-webgpu', version: tf.version.tfjs });
  if (backend === 'cpu' || backend === 'webgl') versions.push({ name: `@tensorflow/tfjs-backend-${backend}`, version: tf.version[`tfjs-backend-${backend}`] ?? tf.version.tfjs });
  return versions;
}
