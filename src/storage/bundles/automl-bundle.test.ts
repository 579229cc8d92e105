/**
 * Bundles of an AutoML job: the parent (kind `automl`) travels with its trials and its refit model file, merges
 * without duplicates, and a copy under new ids keeps its references (best trial, model artifact) inside the copy; a
 * model version registered from an AutoML job travels with its source run.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTOML_MODEL_FILE } from '../../protocol/automl';
import { makeBundleLab, unzipBlob, type BundleLab } from '../../test/bundle-fixtures';
import { makeAutoMLModelRun } from '../../test/storage-automl-fixtures';
import { makeWorkspaceDb, resetStorage } from '../../test/storage-fixtures';
import { addAutoMLTrial, listAutoMLTrials, updateAutoMLInfo } from '../automl-runs';
import { registerModelVersion } from '../model-registration';
import type { RunRecord } from '../records';
import { transitionRun } from '../run-status';
import type { WorkspaceDb } from '../workspace-schema';
import { exportModelVersionBundle, exportRunBundle } from './export-bundle';
import { importBundle } from './import-bundle';
import { describeImportResult } from './import-summary';

beforeEach(resetStorage);

/** A completed AutoML job on the lab's data: two trials (trial 2 the best), its refit model saved. */
async function finishedAutoML(lab: BundleLab): Promise<{ parent: RunRecord; trials: RunRecord[] }> {
  const running = await makeAutoMLModelRun(lab.db, { status: 'running', datasetId: lab.datasetId, versionId: lab.versionId, best: { kind: 'single', trial: 2, family: 'knn', params: { k: 5 }, mean: 0.84, std: 0.02 } });
  await addAutoMLTrial(lab.db, running.id, { number: 1, family: 'logistic', params: { C: 1 }, foldScores: [0.8, 0.78, 0.82], mean: 0.8, std: 0.016, trainMs: 30 });
  await addAutoMLTrial(lab.db, running.id, { number: 2, family: 'knn', params: { k: 5 }, foldScores: [0.85, 0.82, 0.85], mean: 0.84, std: 0.014, trainMs: 12 });
  await updateAutoMLInfo(lab.db, running.id, { stoppedBy: 'trials' });
  const parent = await transitionRun(lab.db, running.id, 'completed');
  return { parent, trials: await listAutoMLTrials(lab.db, parent.id) };
}

async function artifactBytes(db: WorkspaceDb, id: string): Promise<string> {
  const artifact = await db.artifacts.get(id);
  if (!artifact) throw new Error(`no artifact ${id}`);
  return new TextDecoder().decode(artifact.data instanceof Blob ? await artifact.data.arrayBuffer() : artifact.data);
}

async function freshWorkspace(name = 'Lab B'): Promise<WorkspaceDb> {
  return (await makeWorkspaceDb(name)).db;
}

describe('AutoML bundles', () => {
  it('export the job with its trials and its model file; import it whole, then skip it the second time', async () => {
    const lab = await makeBundleLab();
    const { parent, trials } = await finishedAutoML(lab);
    expect(trials.map((t) => t.automlTrial?.number)).toEqual([1, 2]);
    const { blob, manifest } = await exportRunBundle(lab.db, parent.id);
    expect(manifest).toMatchObject({ kind: 'sweep', contents: { runs: 3 } });
    const entries = await unzipBlob(blob);
    expect(Object.keys(entries).some((name) => name.startsWith('runs/0/') && name.endsWith(AUTOML_MODEL_FILE))).toBe(true);

    const b = await freshWorkspace();
    const result = await importBundle(b, blob);
    expect(result).toMatchObject({ root: { kind: 'automl', id: parent.id }, parent: { kind: 'automl', counts: { imported: 1, copied: 0, skipped: 0 } }, children: { imported: 2, copied: 0, skipped: 0 } });
    const copy = (await b.runs.get(parent.id))!;
    expect(copy.automl).toEqual(parent.automl);
    expect((await listAutoMLTrials(b, parent.id)).map((t) => [t.id, t.automlTrial])).toEqual(trials.map((t) => [t.id, t.automlTrial]));
    expect(await artifactBytes(b, copy.automl!.modelArtifactId!)).toBe(await artifactBytes(lab.db, parent.automl!.modelArtifactId!));

    const before = { runs: await b.runs.count(), artifacts: await b.artifacts.count() };
    const again = await importBundle(b, blob);
    expect(describeImportResult(again)).toMatch(/^Skipped, already here: 1 AutoML search, 2 runs\. Nothing was duplicated\.$/);
    expect({ runs: await b.runs.count(), artifacts: await b.artifacts.count() }).toEqual(before);
  });

  it('copy a changed job under new ids, its best trial and model file pointing inside the copy', async () => {
    const lab = await makeBundleLab();
    const { parent, trials } = await finishedAutoML(lab);
    const b = await freshWorkspace();
    await importBundle(b, (await exportRunBundle(lab.db, parent.id)).blob);
    // The same job changed since (a note from the job): not the same content any more.
    await updateAutoMLInfo(lab.db, parent.id, { message: 'Time budget reached after 2 trials' });
    const result = await importBundle(b, (await exportRunBundle(lab.db, parent.id)).blob);
    expect(result).toMatchObject({ parent: { counts: { imported: 1, copied: 1 } }, children: { imported: 2, copied: 2 } });
    const copyId = result.root.kind === 'automl' ? result.root.id : '';
    expect(copyId).not.toBe(parent.id);
    const copy = (await b.runs.get(copyId))!;
    const best = await b.runs.get(copy.automl!.bestTrial!.runId);
    expect(best).toMatchObject({ parentId: copyId, automlTrial: { number: 2 } });
    expect(best?.id).not.toBe(trials[1].id);
    const model = await b.artifacts.get(copy.automl!.modelArtifactId!);
    expect(model).toMatchObject({ runId: copyId, name: AUTOML_MODEL_FILE });
    // The first import is untouched.
    expect((await b.runs.get(parent.id))?.automl?.modelArtifactId).toBe(parent.automl?.modelArtifactId);
    expect(await listAutoMLTrials(b, parent.id)).toHaveLength(2);
  });

  it('carry a model version registered from an AutoML job with its source run', async () => {
    const lab = await makeBundleLab();
    const { parent } = await finishedAutoML(lab);
    const { version } = await registerModelVersion(lab.db, { modelName: 'titanic-automl', source: { kind: 'run', runId: parent.id } });
    const b = await freshWorkspace();
    const result = await importBundle(b, (await exportModelVersionBundle(lab.db, version.id)).blob);
    expect(result).toMatchObject({ modelVersion: { outcome: 'imported', modelName: 'titanic-automl', version: 1 }, runs: { imported: 1 } });
    expect((await b.modelVersions.get(version.id))?.files.map((f) => f.name)).toEqual([AUTOML_MODEL_FILE]);
    expect((await b.runs.get(parent.id))?.kind).toBe('automl');
  });
});
