/**
 * @file The backend a training job runs on: probe this machine, choose with the engine's pure `chooseBackend`,
 * start it, and describe it (with library versions) for the run's environment record.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, probeBackends, type WasmPaths } from '../engines/tfjs/backend-setup';
import { chooseBackend, type BackendDecision, type BackendProbe } from '../engines/tfjs/backends';
import { modelNeeds } from '../engines/tfjs/model-builder';
import type { ComputeBackend, LibraryVersion, RunEnvironment } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';

/** Options of {@link startTrainBackend}. */
export interface TrainBackendOptions {
  /** Where the wasm binaries are served (Vite `?url` imports in the app); the package folder under Node. */
  wasmPaths?: WasmPaths;
  /** What this machine offers; default `probeBackends()`. Tests pass a fixed list. */
  probe?: () => Promise<BackendProbe[]>;
}

/** The started backend: the decision (with the skipped backends and why) and the environment facts to record. */
export interface StartedBackend {
  decision: BackendDecision;
  environment: Pick<RunEnvironment, 'backend' | 'adapter' | 'libraries'>;
}

/** Chooses and starts the backend for `spec` (its `backend`, or the fastest that can train its model here). */
export async function startTrainBackend(spec: TrainSpec, options: TrainBackendOptions = {}): Promise<StartedBackend> {
  const available = await (options.probe ?? probeBackends)();
  const decision = chooseBackend({ requested: spec.backend, available, modelNeeds: modelNeeds(spec.model) });
  await initBackend(decision.backend, options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths });
  const described = await describeBackend();
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
