import { describe, expect, it } from 'vitest';
import type { TrainWorkerHandle } from './worker-pool';
import { WorkerPool } from './worker-pool';

function fakeHandles() {
  const made: { handle: TrainWorkerHandle; terminated: boolean; die: () => void }[] = [];
  const create = (): TrainWorkerHandle => {
    const listeners: ((error: Error) => void)[] = [];
    const entry = {
      terminated: false,
      die: () => listeners.forEach((l) => l(new Error('died'))),
      handle: {
        api: { runTrain: async () => ({ status: 'completed' as const }), cancel: async () => {} },
        onLost: (listener: (error: Error) => void) => void listeners.push(listener),
        terminate: () => void (entry.terminated = true),
      },
    };
    made.push(entry);
    return entry.handle;
  };
  return { made, create };
}

describe('worker pool', () => {
  it('reuses an idle worker and creates one only when none is idle', () => {
    const { made, create } = fakeHandles();
    const pool = new WorkerPool(create);
    const a = pool.acquire();
    const b = pool.acquire();
    expect(made).toHaveLength(2);
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    expect([pool.busyCount, pool.idleCount]).toEqual([2, 0]);
    pool.discard(b);
    expect(made[1].terminated).toBe(true);
    expect(pool.busyCount).toBe(1);
  });

  it('never hands out a worker that died while idle, and trims idle workers', () => {
    const { made, create } = fakeHandles();
    const pool = new WorkerPool(create);
    const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
    [a, b, c].forEach((w) => pool.release(w));
    made[2].die();
    expect(pool.acquire()).toBe(b);
    pool.trimIdle(0);
    expect(made[0].terminated).toBe(true);
    expect(pool.idleCount).toBe(0);
    pool.terminateAll();
    expect(made.every((m) => m.terminated)).toBe(true);
  });
});
