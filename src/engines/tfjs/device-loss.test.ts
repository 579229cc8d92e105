import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { currentWebgpuDevice, DeviceLossWatch, forgetWebgpuBackend, GpuDeviceLostError, isDeviceLostError, type GpuDeviceLike, type GpuDeviceLostInfo } from './device-loss';

/** A device whose `lost` promise settles when `destroy()` is called, as a GPUDevice's does. */
class FakeDevice implements GpuDeviceLike {
  readonly lost: Promise<GpuDeviceLostInfo>;
  destroyed = 0;
  #resolve!: (info: GpuDeviceLostInfo) => void;
  constructor() {
    this.lost = new Promise((resolve) => (this.#resolve = resolve));
  }
  destroy(): void {
    this.destroyed++;
    this.#resolve({ reason: 'destroyed', message: 'Device was destroyed.' });
  }
  loseUnknown(message: string): void {
    this.#resolve({ reason: 'unknown', message });
  }
}

/** Chromium's error for a read back after the device is gone (measured). */
const CHROMIUM_MAP_ERROR = Object.assign(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved."), { name: 'AbortError' });

describe('telling a device-loss error from others', () => {
  it('recognises the browser’s messages and our own error, and nothing else', () => {
    expect(isDeviceLostError(CHROMIUM_MAP_ERROR)).toBe(true);
    expect(isDeviceLostError(new GpuDeviceLostError({ reason: 'unknown', message: '' }))).toBe(true);
    expect(isDeviceLostError({ name: 'OperationError', message: 'Device is lost' })).toBe(true);
    expect(isDeviceLostError(new Error('The device was destroyed'))).toBe(true);
    expect(isDeviceLostError(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
    expect(isDeviceLostError(new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"))).toBe(false);
    expect(isDeviceLostError('lost')).toBe(false);
    expect(isDeviceLostError(undefined)).toBe(false);
  });
});

describe('DeviceLossWatch', () => {
  it('aborts its signal with the browser’s reason and message when the device is lost', async () => {
    const device = new FakeDevice();
    const watch = new DeviceLossWatch(device);
    expect(watch.watching).toBe(true);
    expect(watch.signal.aborted).toBe(false);
    device.destroy();
    await device.lost;
    expect(watch.signal.aborted).toBe(true);
    expect(watch.signal.reason).toBeInstanceOf(GpuDeviceLostError);
    expect((watch.signal.reason as Error).message).toBe('The GPU device was lost (destroyed): Device was destroyed.');
    expect(watch.lost).toEqual({ reason: 'destroyed', message: 'Device was destroyed.' });
    expect(await watch.lossBehind(new Error('anything thrown after the loss'))).toEqual(watch.lost);
  });

  it('ignores a loss after stop()', async () => {
    const device = new FakeDevice();
    const watch = new DeviceLossWatch(device);
    watch.stop();
    device.destroy();
    await device.lost;
    expect(watch.signal.aborted).toBe(false);
    expect(watch.lost).toBeUndefined();
  });

  it('waits for the browser’s reason when the error comes first, whatever its message', async () => {
    const device = new FakeDevice();
    const watch = new DeviceLossWatch(device);
    // Chromium's message for a read in flight when destroy() is called: it does not say "lost".
    const inFlight = Object.assign(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved."), { name: 'AbortError' });
    const behind = watch.lossBehind(inFlight, 5000);
    device.loseUnknown('GPU process crashed');
    expect(await behind).toEqual({ reason: 'unknown', message: 'GPU process crashed' });
  });

  it('says nothing of an unrelated error when the device stays up', async () => {
    const watch = new DeviceLossWatch(new FakeDevice());
    expect(await watch.lossBehind(new Error('Target column "y" has one class'), 10)).toBeUndefined();
    expect(watch.signal.aborted).toBe(false);
  });

  it('describes the loss from the error when the device never reports it', async () => {
    const watch = new DeviceLossWatch(new FakeDevice());
    expect(await watch.lossBehind(CHROMIUM_MAP_ERROR, 10)).toEqual({ reason: 'unknown', message: CHROMIUM_MAP_ERROR.message });
  });

  it('watches nothing without a device: no error is a device loss then', async () => {
    const watch = new DeviceLossWatch(undefined);
    expect(watch.watching).toBe(false);
    expect(await watch.lossBehind(CHROMIUM_MAP_ERROR, 10)).toBeUndefined();
  });
});

/** A stand-in for TF.js's WebGPUBackend: only what the engine and `currentWebgpuDevice` touch. */
class FakeWebgpuBackend extends tf.KernelBackend {
  readonly device = new FakeDevice();
  disposed = false;
  override dispose(): void {
    this.disposed = true;
  }
}

describe('forgetting a lost webgpu backend', () => {
  afterEach(async () => {
    if (tf.engine().registryFactory.webgpu) tf.removeBackend('webgpu');
    await tf.setBackend('cpu');
  });

  it('drops the instance with its dead device and keeps the registration, so the next start gets a fresh device', async () => {
    expect(forgetWebgpuBackend()).toBe(false);
    const made: FakeWebgpuBackend[] = [];
    tf.registerBackend('webgpu', () => made[made.push(new FakeWebgpuBackend()) - 1], 3);
    await tf.setBackend('cpu');
    expect(currentWebgpuDevice()).toBeUndefined();

    expect(await tf.setBackend('webgpu')).toBe(true);
    const first = currentWebgpuDevice();
    expect(first).toBe(made[0].device);
    first?.destroy();
    // Without forgetting, TF.js hands back the same instance and its dead device.
    await tf.setBackend('webgpu');
    expect(currentWebgpuDevice()).toBe(first);

    expect(forgetWebgpuBackend()).toBe(true);
    expect(made[0].disposed).toBe(true);
    expect(tf.engine().registryFactory.webgpu.priority).toBe(3);
    expect(await tf.setBackend('webgpu')).toBe(true);
    expect(made).toHaveLength(2);
    expect(currentWebgpuDevice()).toBe(made[1].device);
    expect(currentWebgpuDevice()).not.toBe(first);
  });
});
