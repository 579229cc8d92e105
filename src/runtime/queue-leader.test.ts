import { describe, expect, it } from 'vitest';
import { FakeLockManager } from '../test/runtime-locks';
import { queueLeaderLockName, requestQueueLeadership } from './queue-leader';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('queue leadership', () => {
  it('goes to the first tab that asks, then to the next when it lets go', async () => {
    const locks = new FakeLockManager();
    const led: string[] = [];
    const first = requestQueueLeadership('w1', locks, () => led.push('first'));
    const second = requestQueueLeadership('w1', locks, () => led.push('second'));
    const otherWorkspace = requestQueueLeadership('w2', locks, () => led.push('other'));
    await tick();
    expect(led).toEqual(['first', 'other']);
    expect([first.isLeader, second.isLeader]).toEqual([true, false]);
    expect((await locks.query()).pending?.map((l) => l.name)).toEqual([queueLeaderLockName('w1')]);
    await first.release();
    await tick();
    expect(led).toEqual(['first', 'other', 'second']);
    expect([first.isLeader, second.isLeader]).toEqual([false, true]);
    await Promise.all([second.release(), otherWorkspace.release()]);
    expect(locks.heldNames()).toEqual([]);
  });

  it('withdraws a request that was never granted', async () => {
    const locks = new FakeLockManager();
    const first = requestQueueLeadership('w1', locks, () => {});
    let secondLed = false;
    const second = requestQueueLeadership('w1', locks, () => (secondLed = true));
    await tick();
    await second.release();
    await first.release();
    await tick();
    expect(secondLed).toBe(false);
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('leads at once where there are no Web Locks', async () => {
    let led = false;
    const leadership = requestQueueLeadership('w1', null, () => (led = true));
    await tick();
    expect([led, leadership.isLeader]).toEqual([true, true]);
    await leadership.release();
    expect(leadership.isLeader).toBe(false);
  });
});
