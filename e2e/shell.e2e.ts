import { afterEach, describe, expect, it } from 'vitest';
import { openLab, type Lab } from './browser';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('app shell', () => {
  it('loads the lab', async () => {
    lab = await openLab();
    await expect(lab.page.getByRole('heading', { name: 'Benchtop' }).first().isVisible()).resolves.toBe(true);
  });
});
