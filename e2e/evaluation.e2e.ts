/**
 * End-to-end: the evaluation charts of a trained run. A binary classifier shows the ROC and precision-recall curves
 * of its positive class with their areas; a multiclass one a line per class with the macro averages and a legend
 * that highlights one class; a regressor the residual plot beside predicted against actual.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { openLab, screenshot, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

/** Open `sample` in a fresh lab, train it with the defaults and wait for the evaluation section of the run page. */
async function trainSample(sample: string): Promise<Page> {
  lab = await openLab();
  const { page } = lab;
  page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  await page.getByRole('button', { name: `Open sample ${sample}` }).click();
  await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train.isEnabled()).resolves.toBe(true);
  await train.click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  await page
    .getByTestId('run.status')
    .filter({ hasText: /^Completed$/ })
    .first()
    .waitFor({ timeout: 100_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, `evaluation-${sample.split(' ')[0].toLowerCase()}-stuck`);
      throw err;
    });
  await page.getByTestId('run.evaluation').waitFor({ timeout: 15_000 });
  return page;
}

/** A full-page screenshot, and one of `section` alone at its real size (readable when a person looks at it). */
async function screenshots(page: Page, section: Locator, name: string) {
  // The import and training notices would cover the charts.
  const dismiss = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, name);
  await section.screenshot({ path: join(process.cwd(), 'e2e', '.artifacts', `${name}-detail.png`) });
}

/** The number in "AUC = 0.987" / "macro AUC 0.98" style text; fails when the text holds none. */
function areaIn(text: string | null, label: RegExp): number {
  const match = new RegExp(`${label.source}\\s*=?\\s*(-?[\\d.]+(?:e-?\\d+)?)`).exec(text ?? '');
  if (!match) throw new Error(`No ${label.source} value in "${text}"`);
  return Number(match[1]);
}

describe('evaluation charts', () => {
  it('shows the ROC and precision-recall curves of a binary classifier with AUC and AP', async () => {
    const page = await trainSample('Breast cancer (Wisconsin diagnostic)');
    const roc = page.getByTestId('run.roc-curve');
    const pr = page.getByTestId('run.pr-curve');
    await roc.waitFor();
    expect(await roc.locator('figcaption').textContent()).toMatch(/ROC curve of class “\w+” \(positive class\): AUC [\d.]+/);
    const auc = areaIn(await roc.locator('svg text.area-label').textContent(), /AUC/);
    expect(auc).toBeGreaterThan(0.9);
    expect(auc).toBeLessThanOrEqual(1);
    // The tile above shows the same AUC.
    expect(await page.getByText('ROC AUC', { exact: true }).locator('..').locator('dd').first().textContent()).toBe(String(auc));
    expect(await roc.locator('path').count()).toBe(1);
    expect(await roc.locator('line.chance').count()).toBe(1);
    expect(await roc.getByText('False positive rate').count()).toBe(1);
    expect(await roc.getByText('True positive rate').count()).toBe(1);
    expect(await roc.getByRole('img').getAttribute('aria-label')).toContain(`AUC ${auc}`);

    const ap = areaIn(await pr.locator('svg text.area-label').textContent(), /AP/);
    expect(ap).toBeGreaterThan(0.9);
    expect(await pr.locator('path').count()).toBe(1);
    expect(await pr.getByText('Recall', { exact: true }).count()).toBe(1);
    expect(await pr.getByText('Precision', { exact: true }).count()).toBe(1);
    // The precision of random guessing: the share of positive rows.
    expect(await pr.getByText(/^chance \(0\.\d+\)$/).count()).toBe(1);
    await screenshots(page, page.getByTestId('run.class-curves'), 'evaluation-binary-curves');
  });

  it('draws a line per class for a multiclass model and highlights one from the legend', async () => {
    const page = await trainSample('Iris');
    const roc = page.getByTestId('run.roc-curve');
    await roc.waitFor();
    expect(await roc.locator('path').count()).toBe(3);
    expect(await page.getByTestId('run.pr-curve').locator('path').count()).toBe(3);
    const macro = areaIn(await roc.locator('figcaption').textContent(), /macro AUC/);
    expect(macro).toBeGreaterThan(0.8);
    expect(await page.getByTestId('run.pr-curve').locator('figcaption').textContent()).toMatch(/macro average precision [\d.]+/);

    const legend = page.getByTestId('run.class-curves.legend');
    expect(await legend.count()).toBe(3);
    const setosa = page.getByRole('button', { name: /^setosa AUC [\d.]+ · AP [\d.]+$/ });
    expect(await setosa.getAttribute('aria-pressed')).toBe('false');
    // Keyboard: focus the first legend entry and press Space.
    await setosa.focus();
    await page.keyboard.press('Space');
    expect(await setosa.getAttribute('aria-pressed')).toBe('true');
    expect(await roc.locator('path.faded').count()).toBe(2);
    expect(await roc.locator('path.focused title').textContent()).toMatch(/^setosa: AUC/);
    await screenshots(page, page.getByTestId('run.class-curves'), 'evaluation-multiclass-curves');
    await setosa.press('Enter');
    expect(await roc.locator('path.faded').count()).toBe(0);
  });

  it('shows the residual plot beside predicted against actual for a regressor', async () => {
    const page = await trainSample('Diabetes');
    const residuals = page.getByTestId('run.residuals');
    await residuals.waitFor();
    const rows = Number(/\((\d+) test rows/.exec((await residuals.locator('figcaption').textContent()) ?? '')?.[1]);
    expect(rows).toBeGreaterThan(10);
    expect(await residuals.locator('circle').count()).toBe(rows);
    expect(await residuals.locator('line.zero').count()).toBe(1);
    expect(await residuals.getByText('Predicted', { exact: true }).count()).toBe(1);
    expect(await residuals.getByText('Residual (actual − predicted)').count()).toBe(1);
    expect(await residuals.getByRole('img').getAttribute('aria-label')).toMatch(/mean residual -?[\d.e-]+, standard deviation [\d.e-]+/);
    // The zero line lies inside the plot, between the highest and the lowest point.
    const zero = Number(await residuals.locator('line.zero').getAttribute('y1'));
    const ys = await residuals.locator('circle').evaluateAll((circles) => circles.map((c) => Number(c.getAttribute('cy'))));
    expect(Math.min(...ys)).toBeLessThan(zero);
    expect(Math.max(...ys)).toBeGreaterThan(zero);

    const predictedVsActual = page.getByTestId('run.predicted-vs-actual');
    expect(await predictedVsActual.locator('circle').count()).toBe(rows);
    await screenshots(page, residuals.locator('..'), 'evaluation-regression-residuals');
  });
});
