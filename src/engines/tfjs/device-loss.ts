/**
 * @file WebGPU device loss: watching the `GPUDevice` of TF.js's webgpu backend, telling an error caused by a lost
 * device from any other, and forgetting the lost backend so the next start requests a fresh device.
 *
 * What Chromium does (measured in Chromium 156 on SwiftShader, e2e/device-loss.e2e.ts): after `device.destroy()`
 * the `lost` promise resolves `{ reason: 'destroyed', message: 'Device was destroyed.' }` within a task. A read in
 * flight (`trainOnBatch` reads its loss back) rejects first, inside `destroy()`, with `AbortError: Failed to execute
 * 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.`; reads started later reject with
 * `... The Device was lost before mapping was resolved.` Nothing hangs. The backend instance stays
 * registered with its dead device, so `tf.setBackend('webgpu')` would reuse it: {@link forgetWebgpuBackend} drops it.
 */
import * as tf from '@tensorflow/tfjs';

/** What `GPUDevice.lost` resolves with (`GPUDeviceLostInfo`). */
export interface GpuDeviceLostInfo {
  /** `'destroyed'` (someone called `destroy()`) or `'unknown'` (a driver reset, a GPU process crash...). */
  reason: string;
  message: string;
}

/** The part of a `GPUDevice` used here (the DOM typings do not include WebGPU). */
export interface GpuDeviceLike {
  readonly lost: Promise<GpuDeviceLostInfo>;
  destroy(): void;
}

/** The GPU device of a run was lost; carries the browser's reason and message. */
export class GpuDeviceLostError extends Error {
  override name = 'GpuDeviceLostError';
  readonly info: GpuDeviceLostInfo;

  constructor(info: GpuDeviceLostInfo, options?: ErrorOptions) {
    super(`The GPU device was lost (${info.reason}): ${info.message || 'no message'}`, options);
    this.info = info;
  }
}

/** Messages of errors that WebGPU operations throw once their device is lost (Chromium, Firefox, Dawn). */
const LOST_DEVICE_MESSAGE = /device (was |is |has been )?(lost|destroyed)|lost device|destroyed device/i;

/** True for an error that says its GPU device is lost: our own {@link GpuDeviceLostError}, or the browser's. */
export function isDeviceLostError(err: unknown): boolean {
  if (err instanceof GpuDeviceLostError) return true;
  const message = err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err) ? String((err as { message: unknown }).message) : '';
  return LOST_DEVICE_MESSAGE.test(message);
}

function lostInfo(value: unknown): GpuDeviceLostInfo {
  const info = (value ?? {}) as Partial<Record<keyof GpuDeviceLostInfo, unknown>>;
  return { reason: String(info.reason ?? 'unknown'), message: String(info.message ?? '') };
}

/**
 * Watches one device for the length of one training attempt. `signal` aborts (reason: a {@link GpuDeviceLostError})
 * when the device is lost, so the training loop stops after its current batch. Without a device (another backend)
 * it never fires. `stop()` ends the watch: a loss after it is ignored.
 */
export class DeviceLossWatch {
  readonly #controller = new AbortController();
  readonly #device: GpuDeviceLike | undefined;
  #lost: GpuDeviceLostInfo | undefined;
  #stopped = false;

  constructor(device: GpuDeviceLike | undefined) {
    this.#device = device;
    device?.lost.then(
      (value) => {
        if (this.#stopped) return;
        this.#lost = lostInfo(value);
        this.#controller.abort(new GpuDeviceLostError(this.#lost));
      },
      () => undefined,
    );
  }

  /** Aborted when the device is lost. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True when a device is watched (the backend is webgpu). */
  get watching(): boolean {
    return this.#device !== undefined;
  }

  /** The loss, once the device reported it. */
  get lost(): GpuDeviceLostInfo | undefined {
    return this.#lost;
  }

  /**
   * The device loss behind `err`, or undefined when `err` is unrelated (or no device is watched). The error often
   * comes first: Chromium rejects a pending read inside `destroy()` itself, before `lost` settles. So wait up to
   * `graceMs` for the device to report a loss; without one, an error that names a lost device still counts.
   */
  async lossBehind(err: unknown, graceMs = 1000): Promise<GpuDeviceLostInfo | undefined> {
    if (!this.#device) return undefined;
    if (this.#lost) return this.#lost;
    if (err instanceof GpuDeviceLostError) return err.info;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reported = await Promise.race([
      this.#device.lost.then(lostInfo, () => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), graceMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (reported) return reported;
    if (!isDeviceLostError(err)) return undefined;
    return { reason: 'unknown', message: (err as { message?: unknown }).message ? String((err as { message: unknown }).message) : String(err) };
  }

  /** Ends the watch. */
  stop(): void {
    this.#stopped = true;
  }
}

/** The device of TF.js's current backend when that is webgpu, else undefined. Never starts a backend. */
export function currentWebgpuDevice(): GpuDeviceLike | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
}

/**
 * Drops TF.js's webgpu backend instance (and its lost device) but keeps its registration, so the next
 * `tf.setBackend('webgpu')` asks for a new adapter and device. Tensors still on the old backend are dead:
 * dispose them first. Returns false when webgpu is not registered (its package not loaded, or no `navigator.gpu`).
 */
export function forgetWebgpuBackend(): boolean {
  const entry = tf.engine().registryFactory.webgpu as { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined;
  if (!entry) return false;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', entry.factory, entry.priority);
  return true;
}
