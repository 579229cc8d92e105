import { describe, expect, it } from 'vitest';
import { Cooperation } from './cooperate';
import { randomForest } from './random-forest';
import { goldenData } from './testdata/golden';

describe('cooperative fitting', () => {
  it('yields to the event loop during a long fit, so a timer can abort it', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('timed out')), 30);
    const iris = goldenData('iris', 'multiclass');
    const fit = randomForest.fit(iris, randomForest.resolveParams('multiclass', { nEstimators: 10_000 }), { seed: 0, signal: controller.signal });
    await expect(fit).rejects.toThrow('timed out');
  });

  it('refuses to start when already aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('never started'));
    expect(() => new Cooperation(controller.signal)).toThrow('never started');
  });
});
