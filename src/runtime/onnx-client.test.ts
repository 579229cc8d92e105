import { expose } from 'comlink';
import { describe, expect, it } from 'vitest';
import type { OnnxSessionInfo, OnnxWorkerApi } from '../protocol/onnx';
import { OnnxClient } from './onnx-client';

const SESSION: OnnxSessionInfo = {
  sessionId: 'onnx-1',
  provider: 'wasm',
  skipped: [],
  inputs: [],
  outputs: [],
  loadMs: 1,
  model: { bytes: 1, irVersion: 8, opset: 13, opsets: [], producerName: '', producerVersion: '', docString: '', metadata: {}, inputs: [], outputs: [], operators: [], nodeCount: 0, initializerCount: 0, parameterCount: 0 },
};

/** A stand-in for the ONNX worker: `api` exposed over a MessageChannel; counts terminations. */
function fakeWorkers(api: Partial<OnnxWorkerApi>) {
  const state = { started: 0, terminated: 0 };
  const createWorker = () => {
    state.started++;
    const { port1, port2 } = new MessageChannel();
    expose(api, port2);
    return Object.assign(port1, {
      terminate() {
        state.terminated++;
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { state, createWorker };
}

const never = () => new Promise<never>(() => undefined);

describe('OnnxClient', () => {
  it('passes calls through to the worker and keeps one worker for them', async () => {
    const { state, createWorker } = fakeWorkers({ load: async () => SESSION, runRows: async (_id, rows, rowCount) => ({ output: 'y', values: rows.map((v) => v * 2), shape: [rowCount, rows.length / rowCount], ms: 0 }) });
    const client = new OnnxClient({ createWorker });
    const session = await client.load(new Uint8Array([1, 2, 3]));
    expect(session).toMatchObject({ sessionId: 'onnx-1', workerGeneration: 1 });
    const result = await client.runRows(session, Float32Array.of(1, 2, 3, 4), 2);
    expect(Array.from(result.values)).toEqual([2, 4, 6, 8]);
    expect(state).toEqual({ started: 1, terminated: 0 });
    client.dispose();
    expect(state.terminated).toBe(1);
  });

  it('stops a worker whose call outlives its deadline, rejects clearly, and starts a fresh one next time', async () => {
    const { state, createWorker } = fakeWorkers({ load: async () => SESSION, run: never, inspect: async (bytes) => ({ ...SESSION.model, bytes: bytes.length }) });
    const client = new OnnxClient({ createWorker, deadlines: { run: 200 } });
    const session = await client.load(new Blob([new Uint8Array(4)]));
    const started = Date.now();
    await expect(client.run(session, {})).rejects.toThrow('Running the ONNX model took longer than 0.2 s, so it was stopped (the ONNX worker was restarted; load models again)');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(state.terminated).toBe(1);
    // The stale session says what happened; other calls work on a new worker.
    await expect(client.run(session, {})).rejects.toThrow('This ONNX session is gone: its worker was stopped');
    await client.release(session);
    expect((await client.inspect(new Uint8Array(7))).bytes).toBe(7);
    expect(state.started).toBe(2);
    client.dispose();
  });

  it('rejects every call in flight when the worker is stopped by another call\'s deadline', async () => {
    const { createWorker } = fakeWorkers({ load: async () => SESSION, run: never, inspect: never });
    const client = new OnnxClient({ createWorker, deadlines: { run: 150, inspect: 10_000 } });
    const session = await client.load(new Uint8Array(1));
    const inspecting = client.inspect(new Uint8Array(1));
    await expect(client.run(session, {})).rejects.toThrow(/took longer than/);
    await expect(inspecting).rejects.toThrow(/took longer than/);
    client.dispose();
  });

  it('refuses a file over the size limit before reading it or starting a worker', async () => {
    const { state, createWorker } = fakeWorkers({});
    const client = new OnnxClient({ createWorker });
    await expect(client.load(new Blob([new Uint8Array(3 * 1024 * 1024)]), { limits: { maxBytes: 2 * 1024 * 1024 } })).rejects.toThrow('The file is 3.0 MiB; the limit is 2.0 MiB');
    expect(state.started).toBe(0);
  });

  it('passes worker errors through with their messages', async () => {
    const { createWorker } = fakeWorkers({
      inspect: async () => {
        throw new Error('The file is truncated: it ends at byte 40');
      },
    });
    const client = new OnnxClient({ createWorker });
    await expect(client.inspect(new Uint8Array(40))).rejects.toThrow('The file is truncated: it ends at byte 40');
    client.dispose();
  });
});
