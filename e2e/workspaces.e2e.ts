/**
 * @file Workspaces as a new user meets them, against the built app in Debian Chromium: the first
 * workspace, create / rename / switch / delete, export and import of a zip, hostile archives, a full
 * disk during an import (simulated: see `quotaShim`), the storage section, and the error fallback
 * (reached through a corrupt record, as no control throws on purpose).
 * Controls are found by role and accessible name (STYLE.md point 15).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';
import { countRecords, databaseNames, evaluate, limitImportStorage, prototypePolluted, reportStorageRatio, until } from './fixtures/page-probes';
import { largeCsv, otherFormatZip, prototypePollutionZip, randomBytesZip, type InputFile } from './fixtures/workspace-files';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function open(): Promise<Lab> {
  lab = await openLab();
  await lab.page.getByRole('combobox', { name: 'Current workspace' }).waitFor({ timeout: 15_000 });
  return lab;
}

function visible(locator: Locator, ms = 10_000): Promise<void> {
  return locator.waitFor({ state: 'visible', timeout: ms });
}

const switcher = (page: Page) => page.getByRole('combobox', { name: 'Current workspace' });
const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Name of the workspace shown in the header switcher. */
function currentWorkspaceName(page: Page): Promise<string> {
  return withTimeout(switcher(page).evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.text ?? ''), 5_000, 'the switcher');
}

/** Workspace names listed in the header switcher. */
function switcherNames(page: Page): Promise<string[]> {
  return withTimeout(switcher(page).locator('option').allTextContents(), 5_000, 'the switcher options');
}

/** Workspace names listed on the settings page (without the "current" badge). */
async function settingsNames(page: Page): Promise<string[]> {
  const cells = await page.getByTestId('workspace-list.row').locator('td:first-child').allTextContents();
  return cells.map((text) => text.replace(/\s*current\s*$/, '').trim());
}

async function goTo(page: Page, area: 'Data' | 'Settings'): Promise<void> {
  await mainNav(page).getByRole('link', { name: area }).click();
  await visible(page.getByRole('heading', { level: 1, name: area, exact: true }));
}

async function switchWorkspace(page: Page, name: string): Promise<void> {
  await switcher(page).selectOption({ label: name });
  await page.getByRole('banner').getByRole('button', { name: 'Open' }).click();
  await until(() => currentWorkspaceName(page), (n) => n === name, `workspace "${name}" to be current`);
  await visible(page.getByRole('heading', { level: 1, name: 'Data', exact: true }));
}

/** Dataset names on the Data page, once the list has loaded (empty when it says there are none). */
async function datasetNames(page: Page): Promise<string[]> {
  const list = page.getByTestId('dataset-list');
  const empty = page.getByText('No datasets yet.');
  await visible(list.or(empty));
  if (await empty.isVisible()) return [];
  return (await list.getByTestId('dataset-list.row').locator('td:first-child').allTextContents()).map((t) => t.trim());
}

/** Open the Iris sample from the Data page; waits for its profile. */
async function openIris(page: Page): Promise<void> {
  await goTo(page, 'Data');
  await page.getByRole('button', { name: 'Open sample Iris' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Iris' }), 30_000);
  await visible(page.getByRole('tab', { name: 'Profile', selected: true }));
  await visible(page.getByTestId('column-profile').first());
}

/** What the Iris dataset page says: its summary line and each column's profile card, as text. */
async function datasetPageText(page: Page): Promise<{ rows: string; version: string; profiles: string[] }> {
  const rows = (await page.getByText(/^[\d,]+ rows$/).innerText()).trim();
  const version = (await page.getByTitle(/^Content hash/).innerText()).trim();
  const profiles = (await page.getByTestId('column-profile').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  return { rows, version, profiles };
}

/** Id of the current workspace (the switcher's value). */
function currentWorkspaceId(page: Page): Promise<string> {
  return withTimeout(switcher(page).inputValue(), 5_000, 'the switcher value');
}

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

describe('workspaces', () => {
  it('starts with "My workspace"; creates, renames, switches (datasets stay apart) and deletes with confirmation', async () => {
    const { page } = await open();
    expect(await currentWorkspaceName(page)).toBe('My workspace');
    expect(await switcherNames(page)).toEqual(['My workspace']);

    await goTo(page, 'Settings');
    expect(await settingsNames(page)).toEqual(['My workspace']);
    await page.getByLabel('New workspace').fill('Experiments');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await until(() => currentWorkspaceName(page), (n) => n === 'Experiments', 'the new workspace to become current');
    expect(await switcherNames(page)).toEqual(['My workspace', 'Experiments']);
    await visible(page.getByRole('status').filter({ hasText: 'Created and opened workspace “Experiments”' }));

    await page.getByRole('button', { name: 'Rename workspace Experiments' }).click();
    await page.getByRole('textbox', { name: 'New name for Experiments' }).fill('Holdout tests');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await until(() => settingsNames(page), (names) => names.join() === 'My workspace,Holdout tests', 'the renamed workspace in the list');
    await until(() => currentWorkspaceName(page), (n) => n === 'Holdout tests', 'the renamed workspace in the header');
    await screenshot(page, 'workspaces-settings');

    // Datasets belong to one workspace.
    await switchWorkspace(page, 'My workspace');
    await openIris(page);
    await goTo(page, 'Data');
    expect(await datasetNames(page)).toEqual(['Iris']);
    await switchWorkspace(page, 'Holdout tests');
    expect(await datasetNames(page)).toEqual([]);
    await switchWorkspace(page, 'My workspace');
    expect(await datasetNames(page)).toEqual(['Iris']);

    // Delete the current workspace: cancel once (nothing happens), then confirm.
    await switchWorkspace(page, 'Holdout tests');
    const holdoutId = await currentWorkspaceId(page);
    await goTo(page, 'Settings');
    const deleteButton = page.getByRole('button', { name: 'Delete workspace Holdout tests' });
    const dialog = page.getByRole('dialog', { name: 'Delete workspace “Holdout tests”?' });
    await deleteButton.click();
    await visible(dialog);
    await screenshot(page, 'workspaces-delete-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await settingsNames(page)).toEqual(['My workspace', 'Holdout tests']);
    expect(await currentWorkspaceName(page)).toBe('Holdout tests');

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete workspace' }).click();
    await until(() => settingsNames(page), (names) => names.join() === 'My workspace', 'the deleted workspace to leave the list');
    expect(await switcherNames(page)).toEqual(['My workspace']);
    expect(await currentWorkspaceName(page)).toBe('My workspace');
    expect(await databaseNames(page)).not.toContain(`benchtop-ws-${holdoutId}`);
    await goTo(page, 'Data');
    expect(await datasetNames(page)).toEqual(['Iris']);
  });

  it('exports a workspace to a zip and imports it back as a new, current workspace with the same Iris', async () => {
    const { page } = await open();
    await openIris(page);
    const original = await datasetPageText(page);
    expect(original.rows).toBe('150 rows');
    expect(original.version).toMatch(/^version [0-9a-f]{12}$/);
    expect(original.profiles).toHaveLength(5);

    await goTo(page, 'Settings');
    const [download] = await Promise.all([
      withTimeout(page.waitForEvent('download'), 15_000, 'the export download'),
      page.getByRole('button', { name: 'Export workspace My workspace' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^benchtop-My-workspace-\d{4}-\d{2}-\d{2}\.zip$/);
    const archive = readFileSync(await withTimeout(download.path(), 15_000, 'the downloaded file'));
    expect(archive.subarray(0, 2).toString()).toBe('PK');

    expect(await page.getByRole('button', { name: 'Import workspace from a file…' }).isEnabled()).toBe(true);
    await page.getByTestId('workspace.import-input').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: archive });
    await until(() => currentWorkspaceName(page), (n) => n === 'My workspace (imported)', 'the imported workspace to become current', 20_000);
    expect(await settingsNames(page)).toEqual(['My workspace', 'My workspace (imported)']);
    await visible(page.getByRole('status').filter({ hasText: 'Imported workspace “My workspace (imported)”' }));
    await screenshot(page, 'workspaces-imported');

    await goTo(page, 'Data');
    const row = page.getByTestId('dataset-list.row');
    expect(await datasetNames(page)).toEqual(['Iris']);
    expect((await row.locator('td').nth(1).textContent())?.trim()).toBe('150');
    await row.getByRole('link', { name: 'Iris' }).click();
    await page.getByRole('tab', { name: 'Profile' }).click();
    await visible(page.getByTestId('column-profile').first());
    expect(await datasetPageText(page)).toEqual(original);
  });

  it('refuses hostile archives with a clear message, adds no workspace and pollutes no prototype', async () => {
    const { page } = await open();
    await goTo(page, 'Settings');
    const cases: { file: InputFile; message: RegExp }[] = [
      { file: randomBytesZip(), message: /Could not import “random-bytes\.zip”: .*not a readable zip archive/ },
      { file: otherFormatZip(), message: /Could not import “other-app\.zip”: .*format "someone-elses-backup".*not a Benchtop workspace archive/ },
      { file: prototypePollutionZip('manifest'), message: /Could not import “proto-in-manifest\.zip”: .*__proto__/ },
      { file: prototypePollutionZip('record'), message: /Could not import “proto-in-record\.zip”: .*forbidden key "__proto__"/ },
    ];
    for (const { file, message } of cases) {
      await page.getByTestId('workspace.import-input').setInputFiles(file);
      const alert = page.getByRole('alert').filter({ hasText: `Could not import “${file.name}”` });
      await visible(alert);
      expect(await alert.innerText(), file.name).toMatch(message);
      if (file.name === 'other-app.zip') await screenshot(page, 'workspaces-hostile-archive');
      expect(await settingsNames(page), file.name).toEqual(['My workspace']);
      expect(await switcherNames(page), file.name).toEqual(['My workspace']);
      expect(await prototypePolluted(page), file.name).toBe(false);
      const workspaceDbs = (await databaseNames(page)).filter((n) => n.startsWith('benchtop-ws-'));
      expect(workspaceDbs.length, `${file.name}: half-made databases ${workspaceDbs.join(', ')}`).toBeLessThanOrEqual(1);
      await dismissToasts(page);
    }
  });

  it('stops an import on a full disk with a clear message, keeps nothing, and succeeds once space is back', async () => {
    const { page } = await open();
    await goTo(page, 'Data');
    expect(await datasetNames(page)).toEqual([]);
    const workspaceId = await currentWorkspaceId(page);
    const csv = largeCsv(100_000); // ~3.8 MB of text; 10 chunks of up to 512 KB each.
    expect(csv.buffer.length).toBeGreaterThan(3_000_000);
    const job = page.getByRole('group', { name: 'Import of big.csv' });

    // 1.2 MB: the staging row and two chunks fit, the third does not (written in one transaction).
    await limitImportStorage(page, 1_200_000);
    try {
      await page.getByTestId('import.file-input').setInputFiles(csv);
      const error = job.getByRole('alert');
      await visible(error, 30_000);
      await screenshot(page, 'workspaces-quota-full');
      const message = await error.innerText();
      expect(message).toMatch(/storage is full/i);
      expect(message).toMatch(/nothing (of it )?was kept/i);
      expect(await job.getByRole('status').innerText()).toBe('Failed');
      expect(await datasetNames(page)).toEqual([]);
      // No staged version, no chunk: the abort (and the sweep after a failed job) removed them.
      const counts = await until(() => countRecords(page, workspaceId), (c) => c !== null && c.versions === 0 && c.chunks === 0, 'no version or chunk left', 5_000).catch(() =>
        countRecords(page, workspaceId),
      );
      expect(counts).toEqual({ datasets: 0, versions: 0, staging: 0, chunks: 0 });
    } finally {
      await limitImportStorage(page, null);
    }

    await job.getByRole('button', { name: 'Dismiss import of big.csv' }).click();
    await page.getByTestId('import.file-input').setInputFiles(csv);
    await visible(page.getByRole('heading', { level: 1, name: 'big', exact: true }), 30_000);
    expect(await page.getByText(/^[\d,]+ rows$/).innerText()).toBe('100,000 rows');
    const after = await countRecords(page, workspaceId);
    expect(after).toEqual({ datasets: 1, versions: 1, staging: 0, chunks: 5 * 2 }); // 5 columns × 2 chunks of 65,536 rows.
  });

  it('shows storage usage and quota in Settings, and warns above 80% after Refresh', async () => {
    const { page } = await open();
    await goTo(page, 'Settings');
    const storage = page.getByRole('region', { name: 'Storage' });
    const usageLine = storage.getByText(/^Using /);
    await visible(usageLine);
    expect((await usageLine.innerText()).replace(/\s+/g, ' ')).toMatch(/^Using [\d.]+ (B|KB|MB|GB|TB) of [\d.]+ (B|KB|MB|GB|TB) available to this site \(\d+\.\d%\)\.$/);
    expect(await storage.getByRole('meter', { name: 'Storage used' }).count()).toBe(1);
    expect(await storage.getByRole('alert').count()).toBe(0);

    await reportStorageRatio(page, 0.9);
    try {
      await storage.getByRole('button', { name: 'Refresh' }).click();
      const warning = storage.getByRole('alert');
      await visible(warning);
      expect(await warning.innerText()).toBe('Storage is 90% full. Export and delete datasets you no longer need before importing more.');
      expect(await usageLine.innerText()).toMatch(/\(90\.0%\)/);
      await screenshot(page, 'workspaces-storage-warning');
    } finally {
      await reportStorageRatio(page, null);
    }
    await storage.getByRole('button', { name: 'Refresh' }).click();
    await storage.getByRole('alert').waitFor({ state: 'detached' });
  });

  it('shows the error fallback when stored data is corrupt, and "Reset lab…" recovers after confirmation', async () => {
    const { page } = await open();
    await openIris(page);
    const workspaceId = await currentWorkspaceId(page);
    // Corrupt the stored version (as a damaged disk or a buggy older build might): its row count is gone.
    await evaluate(
      page,
      async (name) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        try {
          await new Promise<void>((resolve, reject) => {
            const tx = db.transaction('datasetVersions', 'readwrite');
            const store = tx.objectStore('datasetVersions');
            const all = store.getAll();
            all.onsuccess = () => {
              for (const version of all.result as Record<string, unknown>[]) store.put({ ...version, rows: null });
            };
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
        } finally {
          db.close();
        }
      },
      `benchtop-ws-${workspaceId}`,
      'corrupting the stored version',
    );
    await withTimeout(page.reload(), 15_000, 'reload');
    const fallback = page.getByTestId('app-error');
    await visible(fallback, 15_000);
    await visible(fallback.getByRole('heading', { name: 'Something went wrong' }));
    for (const name of ['Try again', 'Show details', 'Copy details', 'Export workspace', 'Reset lab…']) {
      expect(await fallback.getByRole('button', { name }).count(), name).toBe(1);
    }
    await fallback.getByRole('button', { name: 'Show details' }).click();
    await visible(fallback.locator('pre'));
    await screenshot(page, 'workspaces-error-fallback');

    const dialog = page.getByRole('dialog', { name: 'Reset the lab?' });
    await fallback.getByRole('button', { name: 'Reset lab…' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(fallback);
    await fallback.getByRole('button', { name: 'Reset lab…' }).click();
    await dialog.getByRole('button', { name: 'Delete everything and reset' }).click();
    await visible(switcher(page), 15_000);
    await goTo(page, 'Data');
    expect(await currentWorkspaceName(page)).toBe('My workspace');
    expect(await currentWorkspaceId(page)).not.toBe(workspaceId);
    expect(await datasetNames(page)).toEqual([]);
  });
});
