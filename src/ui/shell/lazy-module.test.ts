import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module';

describe('lazyModule', () => {
  it('imports once and shares the promise', async () => {
    let calls = 0;
    const load = lazyModule(async () => {
      calls++;
      return { default: 'page' };
    });
    const first = load();
    expect(load()).toBe(first);
    await expect(first).resolves.toEqual({ default: 'page' });
    await load();
    expect(calls).toBe(1);
  });

  it('tries again after a failed import', async () => {
    let calls = 0;
    const load = lazyModule(async () => {
      calls++;
      if (calls === 1) throw new Error('Failed to fetch dynamically imported module');
      return 42;
    });
    await expect(load()).rejects.toThrow('Failed to fetch');
    await expect(load()).resolves.toBe(42);
    expect(calls).toBe(2);
  });
});
