/**
 * @file `benchtop score --model <folder|file.onnx|automl-model.json> --data <file>`: predictions for every row of a
 * data file, through the lab's own scoring code. The model is a folder as `benchtop train --out` writes it (TF.js
 * `model.json` and weights, `featurizer.json`, `signature.json`), an ONNX file (an export from the lab carries its
 * featurizer; any other single-input model reads the file's columns, target excepted, as its row of numbers), or an
 * AutoML model (`automl-model.json`, or a folder holding it: format `tabular`, reading the raw columns). The data is imported
 * by the import job into an in-memory workspace (same parsing and typing as the lab), then scored chunk by chunk by
 * the batch scoring loop (`scoredChunks`).
 *
 * Output: without `--out`, one JSON line per row on stdout (`{"row": 1, "prediction": ..., "probabilities": {...}}`);
 * with `--out x.csv`, a CSV of the prediction columns (`prediction`, `probability_<class>`...), one line per row in
 * input order; with `--out x.jsonl`, the JSON lines in that file. Then stdout ends with a `done` line.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { predictionChunks, predictionColumns, predictionRecords, roundFloat32 } from '../core/scoring/prediction-output';
import { initBackend } from '../engines/tfjs/backend-setup';
import { modelInputColumns, scoredChunks } from '../jobs/batch-score';
import { openScoringModel, type ModelFiles } from '../jobs/scoring-model';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import type { ChunkData } from '../protocol/dataset';
import type { ModelFormat } from '../protocol/model';
import { getWorkspaceDb } from '../storage/connections';
import { importDataset } from '../storage/dataset-import';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord } from '../storage/records';
import { createWorkspace, deleteWorkspace } from '../storage/workspaces';
import type { ScoreCommand } from './args';
import { resolveDataSource } from './data-source';
import { decodePng } from './png-decoder';
import { EXIT, nodeWasmPaths, type CliIo } from './train-command';

/** Largest model folder or file read, in bytes. */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;

/**
 * Reads `--model`: a folder (TF.js layers model, one `.onnx` file with optional featurizer/signature JSON, or an
 * AutoML `automl-model.json`), an `.onnx` file, or an AutoML model's `.json` file.
 */
export async function readModelPath(path: string): Promise<ModelFiles> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`Model "${path}" does not exist; give a folder written by "benchtop train --out", an .onnx file or an AutoML ${AUTOML_MODEL_FILE}`);
  const files = new Map<string, ArrayBuffer>();
  const add = async (file: string, as = basename(file)) => {
    const bytes = await readFile(file);
    files.set(as, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  };
  if (info.isFile()) {
    const ext = extname(path).toLowerCase();
    if (ext !== '.onnx' && ext !== '.json') throw new Error(`Model file "${path}" is not an .onnx file or an AutoML model (.json); for a TF.js model give its folder (with model.json)`);
    if (info.size > MAX_MODEL_BYTES) throw new Error(`Model file "${path}" is ${info.size} bytes; at most ${MAX_MODEL_BYTES} are read`);
    if (ext === '.onnx') {
      await add(path);
      return { format: 'onnx', files };
    }
    // Any name will do (a downloaded artifact may be renamed): the content says whether it is an AutoML model.
    await add(path, AUTOML_MODEL_FILE);
    if (!isAutoMLModelJson(files.get(AUTOML_MODEL_FILE) as ArrayBuffer)) {
      throw new Error(`Model file "${path}" is not an AutoML model (no "format": "benchtop-tabular"); for a TF.js model give its folder (with model.json)`);
    }
    return { format: 'tabular', files };
  }
  const names = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const onnx = names.filter((n) => n.toLowerCase().endsWith('.onnx'));
  const format: ModelFormat | undefined = names.includes('model.json') ? 'tfjs' : onnx.length === 1 ? 'onnx' : names.includes(AUTOML_MODEL_FILE) ? 'tabular' : undefined;
  if (!format) throw new Error(`Folder "${path}" holds no model: expected model.json (TF.js, as "benchtop train --out" writes it), one .onnx file, or an AutoML ${AUTOML_MODEL_FILE}`);
  let total = 0;
  for (const name of names) {
    if (format === 'tabular' && name !== AUTOML_MODEL_FILE) continue;
    if (format === 'onnx' && name !== onnx[0] && !['featurizer.json', 'signature.json'].includes(name)) continue;
    if (format === 'tfjs' && !(name.endsWith('.json') || name.endsWith('.bin'))) continue;
    total += (await stat(join(path, name))).size;
    if (total > MAX_MODEL_BYTES) throw new Error(`Model folder "${path}" holds more than ${MAX_MODEL_BYTES} bytes`);
    await add(join(path, name));
  }
  return { format, files };
}

/** True when the bytes are JSON of an AutoML model file (`"format": "benchtop-tabular"`). */
function isAutoMLModelJson(bytes: ArrayBuffer): boolean {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'benchtop-tabular';
  } catch {
    return false;
  }
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV lines of the prediction chunks (row by row). */
function csvLines(chunks: ChunkData[], rows: number): string {
  let text = '';
  for (let r = 0; r < rows; r++) {
    const cells = chunks.map((c) => {
      if (c.kind === 'dict') return c.codes[r] < 0 ? '' : csvCell(c.dictionary[c.codes[r]]);
      if (c.kind === 'f64') return String(roundFloat32(c.values[r]) ?? '');
      return '';
    });
    text += `${cells.join(',')}\n`;
  }
  return text;
}

/** Runs a `score` command; returns the exit code. Throws for failures (main reports them). */
export async function runScoreCommand(command: ScoreCommand, io: CliIo): Promise<number> {
  const say = (message: string) => io.stderr(`${message}\n`);
  const started = performance.now();
  const modelPath = resolve(io.cwd, command.model);
  const files = await readModelPath(modelPath);
  if (files.format === 'tfjs') await initBackend(command.backend ?? 'cpu', command.backend === 'wasm' ? { wasmPaths: nodeWasmPaths(io.root) } : {});
  const model = await openScoringModel(files);
  const source = await resolveDataSource(command.data, { cwd: io.cwd, root: io.root });
  io.signal?.throwIfAborted();
  const workspace = await createWorkspace('benchtop cli score');
  const db = getWorkspaceDb(workspace.id);
  const out = command.out === undefined ? undefined : resolve(io.cwd, command.out);
  const csv = out !== undefined && extname(out).toLowerCase() === '.csv';
  const handle = out === undefined ? undefined : await open(out, 'w');
  try {
    const formatName = files.format === 'onnx' ? 'ONNX' : files.format === 'tabular' ? 'AutoML tabular' : 'TF.js';
    say(`Model ${modelPath}: ${formatName}, ${model.input.kind === 'tensor' ? `rows of ${model.input.width} numbers` : `columns ${model.input.columns.map((c) => c.name).join(', ')}`} (${model.runtime})`);
    say(`Importing ${source.path}`);
    const imported = await importDataset({ workspaceId: workspace.id, source: { kind: 'file', file: source.file }, datasetName: source.datasetName }, () => undefined, io.signal ? { signal: io.signal } : {});
    const version = (await getVersion(db, imported.versionId)) as DatasetVersionRecord;
    const inputs = modelInputColumns(model, version);
    const columns = predictionColumns(model.output, []);
    if (csv) await handle?.write(`${columns.map((c) => csvCell(c.name)).join(',')}\n`);
    let row = 0;
    for await (const chunk of scoredChunks(db, model, version, inputs, { decodeImage: decodePng, ...(io.signal ? { signal: io.signal } : {}) })) {
      if (csv) {
        await handle?.write(csvLines(predictionChunks(chunk.outputs, chunk.rows, model.output), chunk.rows));
        row += chunk.rows;
        continue;
      }
      const lines = predictionRecords(chunk.outputs, chunk.rows, model.output).map((record) => `${JSON.stringify({ row: ++row, ...record })}\n`);
      if (handle) await handle.write(lines.join(''));
      else io.stdout(lines.join(''));
    }
    const ms = Math.round(performance.now() - started);
    say(`Scored ${row} rows in ${ms} ms${out ? `; predictions written to ${out}` : ''}`);
    if (out !== undefined) io.stdout(`${JSON.stringify({ event: 'done', status: 'completed', rows: row, out, columns: columns.map((c) => c.name), ms })}\n`);
    return EXIT.completed;
  } finally {
    await handle?.close();
    await model.dispose();
    await deleteWorkspace(workspace.id).catch(() => undefined);
  }
}
