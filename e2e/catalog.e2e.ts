/**
 * End-to-end: the model catalog on the Models page. It lists the shipped models (models/manifest.json, served from
 * dist/models/) with their licence and test accuracy; "Add to registry" fetches a model's files, checks their
 * hashes and registers a TF.js version, which then appears in the registry list.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseModelManifest } from '../src/core/catalog/model-manifest';
import { openLab, screenshot, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];

afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

const manifest = parseModelManifest(JSON.parse(readFileSync(new URL('../models/manifest.json', import.meta.url), 'utf8')));

describe('model catalog', () => {
  it('lists the catalog models with licence and metrics, and adds one to the registry', async () => {
    lab = await openLab({ path: '#/models' });
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));

    const rows = page.getByTestId('model-catalog.row');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(manifest.models.length);
    for (const [i, model] of manifest.models.entries()) {
      const row = rows.nth(i);
      await expect.poll(() => row.textContent()).toContain(model.name);
      expect(await row.getByTestId('model-catalog.licence').textContent()).toContain(model.source.datasetLicence);
      expect(await row.getByTestId('model-catalog.licence').textContent()).toContain(model.licence);
      expect(await row.getByTestId('model-catalog.accuracy').textContent()).toBe(`${((model.metrics.accuracy ?? NaN) * 100).toFixed(1)}%`);
    }

    const first = manifest.models[0];
    await page.getByRole('button', { name: `Add ${first.name} to the registry` }).click();
    await page.getByText(`Added ${first.name} as v1.`).waitFor({ timeout: 30_000 });
    const registered = page.getByTestId('model-list.row').filter({ hasText: first.name });
    await registered.waitFor({ timeout: 10_000 });
    expect(await registered.textContent()).toContain('catalog');
    await screenshot(page, 'catalog');
    expect(problems).toEqual([]);
  }, 120_000);

  it('fine-tunes a catalog model on a workspace dataset: the Train form starts from its weights and the run completes', async () => {
    const iris = manifest.models.find((m) => m.id === 'iris-mlp');
    if (!iris) throw new Error('iris-mlp is not in the catalog');
    lab = await openLab();
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });

    await page.goto(page.url().replace(/#.*$/, '#/models'));
    await page.getByRole('button', { name: `Fine-tune ${iris.name} on a dataset` }).click();
    const panel = page.getByTestId('model-catalog.tune');
    await panel.waitFor();
    // The dataset imported from the model's sample is chosen.
    expect(await panel.getByLabel('Dataset to train on').evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('Iris');
    await panel.getByRole('button', { name: 'Open the Train form' }).click();

    await page.waitForURL(/#\/train\//, { timeout: 30_000 });
    await page.getByTestId('train.fine-tune').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('train.fine-tune').textContent()).toContain(`Fine-tuning ${iris.name} v1`);
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/#\/runs\//, { timeout: 30_000 });
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 120_000 });
    await expect.poll(() => page.textContent('body'), { timeout: 10_000 }).toContain('Fine-tuning: starting from the weights of model version 1');
    await screenshot(page, 'catalog-fine-tune');
    expect(problems).toEqual([]);
  }, 240_000);
});
