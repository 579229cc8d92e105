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
    await lab.page.getByRole('link', { name: 'Benchtop home' }).waitFor();
    await lab.page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    // One h1 per page: the brand is a link, not a heading.
    expect(await lab.page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await expect(lab.page.title()).resolves.toBe('Data · Benchtop');
  });
});
