/**
 * End-to-end: AutoML as a new user runs it. Open the Iris sample, open the AutoML form, ask for 8 trials (a trial
 * budget: the same leaderboard on any machine), start by keyboard, watch the job finish, read the leaderboard,
 * the data checks and the explanation, sort the leaderboard by keyboard, and register the recommended model. Bad
 * inputs: a target with one value is refused by the form, and a target with too many classes for its rows makes the
 * job fail with a message that says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

function watchErrors(context: BrowserContext, page: Page) {
  const onPage = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  };
  onPage(page);
  context.on('page', onPage);
}

function csv(text: string, name: string) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

/** The label of the element that has focus (its text or aria-label). */
function focusedLabel(page: Page): Promise<string> {
  return withTimeout(
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    }),
    5_000,
    'read the focused element',
  );
}

describe('automl', () => {
  it('runs 8 trials on Iris, shows the leaderboard, checks and explanation, and registers the best model', { timeout: 300_000 }, async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('link', { name: 'AutoML…' }).click();
    await page.getByRole('heading', { level: 1, name: 'AutoML on “Iris”' }).waitFor({ timeout: 20_000 });

    // The defaults: the dataset's target, the task detected from it, a 60 s budget, 5-fold CV, every family.
    expect(await page.getByLabel('Target column', { exact: true }).inputValue()).toBe('species');
    await page.getByText('Detected task: multiclass classification (3 classes)').waitFor();
    expect(await page.getByLabel('Time budget (seconds)', { exact: true }).inputValue()).toBe('60');
    expect(await page.getByLabel('Folds', { exact: true }).inputValue()).toBe('5');
    expect(await page.getByLabel('Trials at once', { exact: true }).inputValue()).toBe('2');
    expect(await page.getByRole('group', { name: 'Model families' }).getByRole('checkbox', { checked: true }).count()).toBe(7);

    // A bad field is named in the error summary, which links to the control.
    await page.getByRole('radio', { name: /a number of trials/ }).check();
    const trials = page.getByLabel('Number of trials', { exact: true });
    await trials.fill('0');
    const summary = page.getByTestId('automl.error-summary');
    await summary.getByText('Number of trials: Enter a whole number of trials from 1 to 10000').click();
    expect(await trials.evaluate((el) => el === document.activeElement)).toBe(true);
    await trials.fill('8');
    await summary.waitFor({ state: 'detached' });
    await screenshot(page, 'automl-form');

    // Start from the keyboard: Enter in the field submits the form.
    // Trials run in parallel: the AutoML worker starts 2 nested fit workers and logs how many fits overlapped.
    const overlap = new Promise<string>((resolve) => {
      const onConsole = (message: { text(): string }) => {
        if (/trials at a time/.test(message.text())) resolve(message.text());
      };
      page.on('console', onConsole);
      page.on('worker', (w) => w.on('console', onConsole));
    });
    await trials.press('Enter');
    await page.waitForURL(/#\/automl\/[^/]+$/, { timeout: 15_000 });
    const status = page.getByTestId('run.status');
    await status.filter({ hasText: /^(Completed|Failed)$/ }).waitFor({ timeout: 240_000 });
    const failure = page.getByTestId('automl.failure');
    if (await failure.count()) throw new Error(`The AutoML job failed: ${await failure.textContent()}`);
    expect(await status.textContent()).toBe('Completed');
    const overlapLine = await withTimeout(overlap, 10_000, 'the AutoML job\'s log of trials at a time');
    console.info(overlapLine);
    expect(overlapLine).toMatch(/: 2 trials at a time \(concurrency 2/);

    // The leaderboard: 8 trials, best first.
    const rows = page.getByTestId('automl.leaderboard-row');
    expect(await rows.count()).toBe(8);
    expect(await page.getByTestId('automl.progress').textContent()).toMatch(/8 of 8 trials finished/);
    const ranks = (await rows.locator('td:first-child').allTextContents()).map(Number);
    expect(ranks).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const scores = (await page.getByTestId('automl.leaderboard-metric').allTextContents()).map((t) => Number(t.split('±')[0]));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]);
    expect(scores[0]).toBeGreaterThan(0.85);

    // Sort by trial number from the keyboard; aria-sort follows.
    const trialHeader = page.getByTestId('automl.leaderboard').getByRole('columnheader', { name: /^Trial/ });
    await trialHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await trialHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await rows.first().getByRole('link').textContent()).toBe('Trial 1');
    await page.keyboard.press('Enter');
    expect(await trialHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await rows.first().getByRole('link').textContent()).toBe('Trial 8');

    // Recommended model, data checks, explanation with text alternatives.
    await page.getByTestId('automl.best').getByText(/Recommended: /).waitFor();
    // Iris is clean: the data checks say so (a dataset with findings is checked in the next test).
    await page.getByTestId('automl.no-findings').getByText(/Nothing to report/).waitFor();
    await page.getByTestId('automl.explanation').waitFor();
    expect(await page.getByTestId('automl.importance').getAttribute('aria-label')).toMatch(/Permutation importance by column, highest first: \w+/);
    const charts = page.getByTestId('automl.pd-chart');
    expect(await charts.count()).toBeGreaterThan(0);
    expect(await charts.first().getByRole('img').getAttribute('aria-label')).toMatch(/^Partial dependence on [^:]+: setosa from [\d.]+ at /);
    await screenshot(page, 'automl-job');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'automl-job-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The runs list shows the job (not its trials) and links to its page.
    const jobName = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    const jobUrl = page.url();
    await page.goto(`${lab.baseUrl}#/runs`);
    await page.getByTestId('run-list.automl').waitFor();
    expect(await page.getByTestId('run-list.row').count()).toBe(1);
    await page.getByRole('link', { name: jobName, exact: true }).click();
    await page.waitForURL(jobUrl);

    // Register the recommended model.
    const register = page.getByRole('button', { name: 'Register best model…' });
    await expect.poll(() => register.isEnabled(), { timeout: 10_000 }).toBe(true);
    await register.click();
    const dialog = page.getByRole('dialog', { name: /Register the model of AutoML job/ });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Model name').inputValue(), { timeout: 5_000 }).not.toBe('');
    await dialog.getByLabel('Model name').fill('iris-automl');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForURL(/#\/models\/[^/]+\/1$/, { timeout: 15_000 });
    await page.getByTestId('model.name').waitFor();
    expect(await page.getByTestId('model.name').textContent()).toContain('iris-automl');
    expect(await focusedLabel(page)).not.toBe('');
    expect(problems).toEqual([]);
  });

  it('refuses a one-value target in the form and explains a job that cannot validate', { timeout: 180_000 }, async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);
    await page.emulateMedia({ colorScheme: 'light' });

    // A target with one value: the form names the problem before anything runs.
    const same = ['x,y,label', ...Array.from({ length: 12 }, (_, i) => `${i},${(i * 7) % 5},same`)].join('\n');
    await page.getByTestId('import.file-input').setInputFiles([csv(same, 'one-class.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('link', { name: 'AutoML…' }).click();
    await page.getByRole('heading', { level: 1, name: 'AutoML on “one-class”' }).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Target column', { exact: true }).inputValue()).toBe('label');
    const summary = page.getByTestId('automl.error-summary');
    await summary.getByText(/Target column: Column "label" has one value \("same"\) in all 12 rows/).waitFor();
    await page.getByRole('button', { name: 'Start AutoML' }).click();
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(page.url()).toMatch(/#\/automl\/new\//);

    // Messy but usable data: an ID column, a constant column and missing values are reported, warnings first.
    const messy = [
      'id,constant,x,colour,label',
      ...Array.from({ length: 60 }, (_, i) => `${1000 + i},k,${i % 9 === 0 ? '' : i % 7},${['red', 'green', 'blue'][i % 3]},${i % 7 > 3 ? 'yes' : 'no'}`),
    ].join('\n');
    await page.goto(`${lab.baseUrl}#/data`);
    await page.getByTestId('import.file-input').setInputFiles([csv(messy, 'messy.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: 'messy' }).waitFor();
    await page.getByRole('link', { name: 'AutoML…' }).click();
    await page.getByRole('heading', { level: 1, name: 'AutoML on “messy”' }).waitFor({ timeout: 20_000 });
    await page.getByRole('radio', { name: /a number of trials/ }).check();
    await page.getByLabel('Number of trials', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Start AutoML' }).click();
    await page.waitForURL(/#\/automl\/[^/]+$/, { timeout: 15_000 });
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).waitFor({ timeout: 60_000 });
    const findings = page.getByTestId('automl.finding');
    expect(await findings.count()).toBeGreaterThan(1);
    const texts = await findings.allTextContents();
    expect(texts.join('\n')).toMatch(/\bid\b/);
    expect(texts.join('\n')).toMatch(/constant/i);
    const severities = await findings.evaluateAll((items) => items.map((li) => li.className.includes('warning')));
    expect(severities).toEqual([...severities].sort((a, b) => Number(b) - Number(a)));
    await screenshot(page, 'automl-findings');

    // Ten classes in ten rows: the job starts, then fails saying why.
    const many = ['x,label', ...Array.from({ length: 10 }, (_, i) => `${(i * 3) % 7},${i + 1}`)].join('\n');
    await page.goto(`${lab.baseUrl}#/data`);
    await page.getByTestId('import.file-input').setInputFiles([csv(many, 'many-classes.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: 'many-classes' }).waitFor();
    await page.getByRole('link', { name: 'AutoML…' }).click();
    await page.getByRole('heading', { level: 1, name: 'AutoML on “many-classes”' }).waitFor({ timeout: 20_000 });
    await page.getByRole('radio', { name: /a number of trials/ }).check();
    await page.getByLabel('Number of trials', { exact: true }).fill('4');
    await page.getByRole('button', { name: 'Start AutoML' }).click();
    await page.waitForURL(/#\/automl\/[^/]+$/, { timeout: 15_000 });
    const failure = page.getByTestId('automl.failure');
    await failure.waitFor({ timeout: 60_000 });
    expect(await failure.textContent()).toMatch(/10 classes for 10 rows/);
    expect(await page.getByTestId('run.status').textContent()).toBe('Failed');
    expect(await page.getByRole('button', { name: 'Register best model…' }).isDisabled()).toBe(true);
    await page.getByText('The job failed, so there is no model to register.').waitFor();
    await screenshot(page, 'automl-failed');
    expect(problems).toEqual([]);
  });
});
