/**
 * @file A bundle's own rules, checked after every record has its table's shape: what each kind holds, keys unique
 * where storage needs them unique, every run's data described by a card, the model version's files and fields valid
 * as the registry requires them, and the views equal to what the records say.
 */
import { checkAlias } from '../model-aliases';
import { checkModelCard, REGISTRABLE_RUN_KINDS } from '../model-registration';
import { checkModelSignature } from '../model-signature';
import { checkModelDescription, checkModelName, checkModelTags } from '../models';
import { LINEAGE_ENTRY, MODEL_ENTRIES, PARENT_RUN_KINDS, runEntry, type BundleKind, type BundleManifest } from './bundle-format';
import { lineageJson, metricsCsv, modelCardJson, modelSignatureJson, specJson } from './bundle-views';
import { bundleFail } from './bundle-zip-reader';
import type { DataCard } from './data-card';
import type { BundleModel, BundleRun } from './read-bundle';

/** Run kinds a model version can come from (an AutoML job: its refit model). */
const MODEL_SOURCE_KINDS: ReadonlySet<string> = new Set(REGISTRABLE_RUN_KINDS);

/** Checks the runs of a bundle of `kind` among themselves and against the data cards. */
export function checkBundleRuns(kind: BundleKind, runs: readonly BundleRun[], cards: readonly DataCard[]): void {
  const ids = new Set<string>();
  const artifactIds = new Set<string>();
  const described = new Set(cards.map((c) => c.versionId));
  for (const [i, { run, metrics, logs, artifacts }] of runs.entries()) {
    const where = runEntry(i, 'run.json');
    if (ids.has(run.id)) throw bundleFail(`${where} has the id of another run in the bundle ("${run.id}")`);
    ids.add(run.id);
    if (run.name.trim().length === 0 || run.name.length > 200) throw bundleFail(`${where} has a name of ${run.name.length} characters; expected 1 to 200`);
    if (run.status === 'queued' || run.status === 'running') throw bundleFail(`${where} is ${run.status}; a bundle holds finished or interrupted runs only`);
    if (!described.has(run.datasetVersionId)) throw bundleFail(`${where} reads dataset version "${run.datasetVersionId}", which no data card in the bundle describes`);
    unique(metrics.map((m) => `${m.key}\u0000${m.step}`), (dup) => `${runEntry(i, 'metrics.jsonl')} has two points of "${dup.split('\u0000')[0]}" at step ${dup.split('\u0000')[1]}`);
    unique(logs.map((l) => String(l.seq)), (dup) => `${runEntry(i, 'logs.jsonl')} has two lines numbered ${dup}`);
    unique(artifacts.map((a) => a.name), (dup) => `${runEntry(i, 'artifacts.jsonl')} has two artifacts named "${dup}"`);
    for (const artifact of artifacts) {
      if (artifactIds.has(artifact.id)) throw bundleFail(`${runEntry(i, 'artifacts.jsonl')} reuses the artifact id "${artifact.id}"`);
      artifactIds.add(artifact.id);
    }
  }
  const [root, ...rest] = runs;
  if (kind === 'run' && PARENT_RUN_KINDS.includes(root.run.kind)) throw bundleFail(`A run bundle holds a ${root.run.kind} run; parents of runs travel as sweep bundles, with their children`);
  if (kind === 'modelVersion' && root && !MODEL_SOURCE_KINDS.has(root.run.kind)) throw bundleFail(`The source run of a model version is a ${root.run.kind} run; expected a ${[...MODEL_SOURCE_KINDS].join(', ')} run`);
  if (kind !== 'sweep') return;
  if (!PARENT_RUN_KINDS.includes(root.run.kind)) throw bundleFail(`${runEntry(0, 'run.json')} is a ${root.run.kind} run; a sweep bundle starts with its sweep (or another parent run)`);
  if (root.run.kind === 'sweep' && (typeof root.run.sweep !== 'object' || root.run.sweep === null)) throw bundleFail(`${runEntry(0, 'run.json')} is a sweep without its sweep spec`);
  if (root.run.automl !== undefined && (typeof root.run.automl !== 'object' || root.run.automl === null || typeof root.run.automl.spec !== 'object' || root.run.automl.spec === null)) {
    throw bundleFail(`${runEntry(0, 'run.json')} is an AutoML job without its AutoML spec`);
  }
  const numbers = new Set<number>();
  for (const [n, { run }] of rest.entries()) {
    const where = runEntry(n + 1, 'run.json');
    if (PARENT_RUN_KINDS.includes(run.kind) || run.parentId !== root.run.id) throw bundleFail(`${where} is not a child run of the bundle's ${root.run.kind}`);
    if (root.run.kind === 'sweep' && run.kind !== 'trial') throw bundleFail(`${where} is a ${run.kind} run; a sweep's children are trials`);
    if (run.automlTrial !== undefined && (root.run.kind !== 'automl' || run.kind !== 'trial')) throw bundleFail(`${where} is an AutoML trial outside an AutoML job`);
    if (run.trial === undefined) continue;
    const number = run.trial.number;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) throw bundleFail(`${where} has no valid trial number`);
    if (numbers.has(number)) throw bundleFail(`${where} repeats trial number ${number}`);
    numbers.add(number);
  }
}

/** Checks the model version: its model, files, card, signature, aliases and source run, as registering would. */
export function checkBundleModel(bundle: BundleModel, runs: readonly BundleRun[]): void {
  const { model, version, files } = bundle;
  guard(MODEL_ENTRIES.model, () => {
    checkModelName(model.name);
    checkModelTags(model.tags);
    checkModelDescription(model.description);
  });
  guard(MODEL_ENTRIES.version, () => {
    if (version.modelId !== model.id) throw new Error(`belongs to model "${version.modelId}", not to the bundle's model "${model.id}"`);
    checkModelTags(version.tags);
    for (const alias of version.aliases) if (checkAlias(alias) !== alias) throw new Error(`has the alias "${alias}", which is not in its normal form`);
    const card = checkModelCard(version.card);
    if (Object.keys(version.card).length !== 4 || (Object.keys(card) as (keyof typeof card)[]).some((k) => card[k] !== version.card[k])) throw new Error('has a card with other fields than a model card');
    checkModelSignature(version.signature);
    if (version.featurizerFile !== undefined && !version.files.some((f) => f.name === version.featurizerFile)) throw new Error(`names the featurizer "${version.featurizerFile}", which is not among its files`);
  });
  unique(files.map((f) => f.name), (dup) => `${MODEL_ENTRIES.files} has two files named "${dup}"`);
  if (files.length !== version.files.length) throw bundleFail(`${MODEL_ENTRIES.files} has ${files.length} files; ${MODEL_ENTRIES.version} lists ${version.files.length}`);
  for (const info of version.files) {
    const file = files.find((f) => f.name === info.name);
    if (!file) throw bundleFail(`${MODEL_ENTRIES.version} lists the file "${info.name}", which ${MODEL_ENTRIES.files} does not hold`);
    if (file.sha256 !== info.sha256 || file.size !== info.size) throw bundleFail(`The file "${info.name}" differs from what ${MODEL_ENTRIES.version} lists`);
  }
  const source = runs[0]?.run;
  if (source && version.sourceRunId !== source.id) throw bundleFail(`${MODEL_ENTRIES.version} comes from run "${version.sourceRunId ?? 'none'}", but the bundle's run is "${source.id}"`);
}

/** What the views are rebuilt from. */
export interface ViewSource {
  manifest: BundleManifest;
  runs: readonly BundleRun[];
  cards: readonly DataCard[];
  model?: BundleModel;
}

/** Each view must be exactly what its records make: a bundle never says two things. */
export function checkViews(source: ViewSource, text: (path: string) => string): void {
  const expect = (path: string, made: string, from: string) => {
    if (text(path) !== made) throw bundleFail(`${path} does not match ${from}: the bundle was altered`);
  };
  for (const [i, { run, metrics }] of source.runs.entries()) {
    expect(runEntry(i, 'spec.json'), specJson(run), runEntry(i, 'run.json'));
    expect(runEntry(i, 'metrics.csv'), metricsCsv(metrics), runEntry(i, 'metrics.jsonl'));
  }
  if (source.model) {
    expect(MODEL_ENTRIES.card, modelCardJson(source.model.version), MODEL_ENTRIES.version);
    expect(MODEL_ENTRIES.signature, modelSignatureJson(source.model.version), MODEL_ENTRIES.version);
  }
  expect(LINEAGE_ENTRY, lineageJson({ runs: source.runs.map((r) => r.run), datasets: source.cards, ...(source.model ? { model: source.model } : {}) }), 'the records');
}

function unique(keys: readonly string[], message: (duplicate: string) => string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw bundleFail(message(key));
    seen.add(key);
  }
}

function guard(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw bundleFail(`${where} ${err instanceof Error ? err.message.replace(/^[A-Z]/, (c) => c.toLowerCase()) : String(err)}`, err);
  }
}
