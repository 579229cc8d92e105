import { describe, expect, it } from 'vitest';
import { parseRuntimeMessage, runtimeChannelName } from './runtime-channel';

describe('runtime channel', () => {
  it('names the channel of a workspace', () => {
    expect(runtimeChannelName('w1')).toBe('benchtop-runtime:w1');
  });

  it('reads its own messages and ignores anything else', () => {
    const progress = { status: 'training', epoch: 1, epochs: 2, batch: 1, batches: 1, etaMs: null, loss: 0.5 };
    expect(parseRuntimeMessage({ type: 'cancel', runId: 'r1' })).toEqual({ type: 'cancel', runId: 'r1' });
    expect(parseRuntimeMessage({ type: 'wake', extra: 1 })).toEqual({ type: 'wake' });
    expect(parseRuntimeMessage({ type: 'progress', runId: 'r1', progress })).toEqual({ type: 'progress', runId: 'r1', progress });
    for (const bad of [null, 'cancel', { type: 'cancel' }, { type: 'cancel', runId: 7 }, { type: 'progress', runId: 'r1' }, { type: 'delete', runId: 'r1' }]) {
      expect(parseRuntimeMessage(bad)).toBeUndefined();
    }
  });
});
