#!/usr/bin/env node
/**
 * @file Builds public/datasets/ (the shipped sample datasets, their
 * manifest.json and LICENSES.md) from installed npm and Debian packages.
 * Reads installed files only; never touches the network. The output is
 * byte-for-byte deterministic, so rerunning it leaves git clean.
 *
 * Usage: npm run datasets
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { unzipSync } from 'fflate';
import { MissingSourceError } from './datasets/sources.mjs';
import { sklearnDatasets } from './datasets/sklearn.mjs';
import { vegaDatasets } from './datasets/vega.mjs';
import { cpsWagesDataset } from './datasets/cps-wages.mjs';
import { fashionMnistDataset } from './datasets/fashion-mnist.mjs';
import { spamAssassinDataset } from './datasets/spam-assassin.mjs';
import { licensesMarkdown } from './datasets/licenses-md.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'public', 'datasets');

/** Every dataset builder, one per source package. Each throws MissingSourceError when its package is absent. */
const BUILDERS = [
  () => sklearnDatasets(),
  () => vegaDatasets(ROOT),
  () => [cpsWagesDataset(ROOT)],
  () => [fashionMnistDataset(300)],
  () => [spamAssassinDataset(ROOT, { perLabel: 750, maxChars: 2000 })],
];

/** Manifest order: classification tables, regression tables, images, text. */
const ORDER = ['iris', 'penguins', 'wine', 'breast-cancer', 'seattle-weather', 'auto-mpg', 'diabetes', 'cps-wages-1985', 'digits', 'fashion-mnist', 'spam-assassin'];

/** Row count and header of CSV text, checked against the entry's columns. */
function csvShape(entry, text) {
  const { data, errors } = Papa.parse(text, { skipEmptyLines: true });
  if (errors.length) throw new Error(`${entry.file}: CSV does not parse: ${errors[0].message} (row ${errors[0].row})`);
  const header = data[0];
  if (header.join('\u0000') !== entry.columns.join('\u0000')) throw new Error(`${entry.file}: header ${JSON.stringify(header)} differs from columns ${JSON.stringify(entry.columns)}`);
  const ragged = data.findIndex((r) => r.length !== header.length);
  if (ragged >= 0) throw new Error(`${entry.file}: row ${ragged + 1} has ${data[ragged].length} fields; expected ${header.length}`);
  return data.length - 1;
}

/** Image count of a labelled-image zip, checking every entry is <root>/<label>/<name>.png. */
function zipShape(entry, bytes) {
  const paths = Object.keys(unzipSync(bytes));
  const bad = paths.find((p) => !/^[^/]+\/[^/]+\/[^/]+\.png$/.test(p));
  if (bad) throw new Error(`${entry.file}: entry "${bad}" is not <root>/<label>/<name>.png`);
  return paths.length;
}

/** The manifest entry for a built dataset, with its file's size and hash. */
function manifestEntry({ entry, bytes }) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const rows = entry.format === 'csv' ? csvShape(entry, data.toString('utf8')) : zipShape(entry, data);
  if (entry.rows !== undefined && entry.rows !== rows) throw new Error(`${entry.file}: built ${entry.rows} rows but the file holds ${rows}`);
  const { package: pkg, version, origin, path } = entry.source;
  return {
    data,
    entry: {
      id: entry.id,
      name: entry.name,
      description: entry.description,
      task: entry.task,
      target: entry.target,
      file: entry.file,
      format: entry.format,
      rows,
      columns: entry.columns,
      sizeBytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      source: { package: pkg, version, origin, path },
      licence: entry.licence,
      attribution: entry.attribution,
      notes: entry.notes,
    },
  };
}

function build() {
  const built = [];
  const missing = [];
  for (const builder of BUILDERS) {
    try {
      built.push(...builder().map(manifestEntry));
    } catch (err) {
      if (!(err instanceof MissingSourceError)) throw err;
      if (!missing.includes(err.message)) missing.push(err.message);
    }
  }
  if (missing.length) {
    console.error(`build-datasets: cannot build the sample datasets; nothing was written.\n${missing.map((m) => `  - ${m}`).join('\n')}`);
    process.exit(1);
  }
  const ids = built.map((b) => b.entry.id);
  if (ids.length !== ORDER.length || !ORDER.every((id) => ids.includes(id))) throw new Error(`Built datasets [${ids.join(', ')}]; expected [${ORDER.join(', ')}]`);
  built.sort((a, b) => ORDER.indexOf(a.entry.id) - ORDER.indexOf(b.entry.id));

  // Only this script writes public/datasets/, so files it no longer produces are stale.
  mkdirSync(OUT_DIR, { recursive: true });
  for (const name of readdirSync(OUT_DIR)) rmSync(join(OUT_DIR, name), { recursive: true });
  const manifest = { format: 'benchtop-datasets', version: 1, datasets: built.map((b) => b.entry) };
  for (const { entry, data } of built) writeFileSync(join(OUT_DIR, entry.file), data);
  writeFileSync(join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(OUT_DIR, 'LICENSES.md'), licensesMarkdown(manifest));

  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
  console.log(`Wrote ${relative(ROOT, OUT_DIR)}/:`);
  for (const { entry } of built) console.log(`  ${entry.file.padEnd(28)} ${String(entry.rows).padStart(5)} rows ${kb(entry.sizeBytes)}  ${entry.licence}  (${entry.source.origin} ${entry.source.version})`);
  const total = built.reduce((n, b) => n + b.entry.sizeBytes, 0);
  console.log(`  manifest.json, LICENSES.md\n  ${built.length} datasets, ${(total / 1024 / 1024).toFixed(2)} MiB of data`);
}

build();
