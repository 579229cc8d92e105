/**
 * @file `benchtop automl --data <csv|sample> --target y [--budget 60 | --trials N] [--seed 0] [--folds 5]
 * [--metric accuracy] [--task binary|multiclass|regression] [--out <folder>]`: runs the AutoML core (src/core/automl) on a CSV or TSV
 * file or a shipped sample. stderr gets the guardrail findings and the leaderboard; stdout gets JSON lines: one per
 * finding, one per trial, then the leaderboard, the ensemble and a final `done` line. With `--out <folder>` the
 * recommended model is refit on all rows with a target and written there as `automl-model.json`, with its
 * explanation (`explanation.json`: permutation importance and partial dependence on fold 1's held-out rows); a
 * `saved` line names both files.
 * A trial budget is deterministic (same data, seed and trials: same leaderboard); a time budget is not.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import { AUTOML_METRICS } from '../core/automl/automl-spec';
import type { RawColumn } from '../core/automl/guardrails';
import { finalizeAutoML } from '../core/automl/finalize';
import { formatLeaderboard } from '../core/automl/leaderboard';
import { runAutoML } from '../core/automl/search';
import { UsageError } from './args';
import { resolveDataSource } from './data-source';
import { EXIT, type CliIo } from './train-command';

export const AUTOML_USAGE = '  benchtop automl --data <file.csv|sample-id> --target <column> [--budget <seconds> | --trials <n>] [--seed <n>] [--folds <n>] [--metric accuracy|log-loss|r2|rmse] [--task binary|multiclass|regression] [--out <folder>]\n';

/** The parsed options of `automl`. */
export interface AutoMLCommand {
  data: string;
  target: string;
  budgetSeconds?: number;
  trials?: number;
  seed: number;
  folds: number;
  metric?: string;
  task?: string;
  /** Folder for the refit model and its explanation. */
  out?: string;
}

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}; got ${JSON.stringify(text)}`);
  return n;
}

/** Parses the arguments after `automl`; throws a UsageError naming the problem. */
export function parseAutoMLArgs(argv: readonly string[]): AutoMLCommand {
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        target: { type: 'string' },
        budget: { type: 'string' },
        trials: { type: 'string' },
        seed: { type: 'string' },
        folds: { type: 'string' },
        metric: { type: 'string' },
        task: { type: 'string' },
        out: { type: 'string' },
      },
    });
    values = parsed.values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError(`automl: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!values.data) throw new UsageError('automl needs --data <file.csv|sample-id>');
  if (!values.target) throw new UsageError('automl needs --target <column>');
  if (values.budget !== undefined && values.trials !== undefined) throw new UsageError('Give --budget <seconds> or --trials <n>, not both');
  if (values.metric !== undefined && !(AUTOML_METRICS as readonly string[]).includes(values.metric)) throw new UsageError(`--metric must be one of ${AUTOML_METRICS.join(', ')}; got ${JSON.stringify(values.metric)}`);
  if (values.task !== undefined && !['binary', 'multiclass', 'regression'].includes(values.task)) throw new UsageError(`--task must be binary, multiclass or regression; got ${JSON.stringify(values.task)}`);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer; got ${JSON.stringify(values.seed)}`);
  const folds = values.folds === undefined ? 5 : positiveNumber('--folds', values.folds, true);
  if (folds < 2 || folds > 20) throw new UsageError(`--folds must be from 2 to 20; got ${folds}`);
  return {
    data: values.data,
    target: values.target,
    ...(values.trials !== undefined ? { trials: positiveNumber('--trials', values.trials, true) } : { budgetSeconds: values.budget === undefined ? 60 : positiveNumber('--budget', values.budget, false) }),
    seed,
    folds,
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    ...(values.task === undefined ? {} : { task: values.task }),
    ...(values.out === undefined ? {} : { out: values.out }),
  };
}

/** Splits CSV (or TSV) text into rows of fields: RFC 4180 quoting, CRLF or LF line ends. */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A CSV/TSV text as raw columns (header row first). */
export function columnsFromText(text: string, fileName: string): RawColumn[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = fileName.toLowerCase().endsWith('.tsv') || (firstLine.includes('\t') && !firstLine.includes(',')) ? '\t' : ',';
  const [header, ...rows] = parseDelimited(text.replace(/^\uFEFF/, ''), delimiter);
  if (!header || rows.length === 0) throw new Error(`${fileName} has no data rows`);
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new Error(`${fileName} line ${i + 2} has ${r.length} fields; the header has ${header.length}`);
  });
  return header.map((name, j) => ({ name, values: rows.map((r) => r[j]) }));
}

/** Runs `benchtop automl`; resolves to the exit code. */
export async function runAutoMLCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseAutoMLArgs(argv);
  const source = await resolveDataSource(command.data, { cwd: io.cwd, root: io.root });
  const name = source.path.toLowerCase();
  if (!name.endsWith('.csv') && !name.endsWith('.tsv') && !name.endsWith('.txt')) {
    throw new Error(`automl reads CSV or TSV files for now; ${source.path} is not one (import it in the lab, or export it as CSV)`);
  }
  const columns = columnsFromText(await source.file.text(), source.path);
  const line = (value: unknown) => io.stdout(`${JSON.stringify(value)}\n`);
  const spec = {
    target: command.target,
    ...(command.task === undefined ? {} : { task: command.task }),
    ...(command.metric === undefined ? {} : { metric: command.metric }),
    budget: command.trials !== undefined ? { trials: command.trials } : { timeMs: Math.round((command.budgetSeconds ?? 60) * 1000) },
    validation: { kind: 'cv', folds: command.folds, stratified: true },
    seed: command.seed,
  };
  const result = await runAutoML(columns, spec, {
    ...(io.signal ? { signal: io.signal } : {}),
    onFindings: (findings) => {
      for (const f of findings) {
        io.stderr(`${f.severity === 'warning' ? 'Warning' : 'Note'}: ${f.message}\n`);
        line({ event: 'finding', ...f });
      }
    },
    onTrial: (t) => line({ event: 'trial', trial: t.trial, family: t.family, mean: t.mean, std: t.std, foldScores: t.foldScores, seconds: t.trainMs / 1000, params: t.params }),
  });
  io.stderr(`\nTask ${result.task}, metric ${result.metric}, ${result.leaderboard.length} trials (stopped by ${result.stoppedBy})\n${formatLeaderboard(result.leaderboard, result.metric)}\n`);
  line({ event: 'leaderboard', metric: result.metric, rows: result.leaderboard.map(({ trial, family, mean, std, trainMs, params }) => ({ trial, family, mean, std, seconds: trainMs / 1000, params })) });
  if (result.ensemble) {
    const e = result.ensemble;
    io.stderr(`Ensemble of ${e.weights.length} models: ${e.mean.toFixed(4)} ± ${e.std.toFixed(4)} (pooled ${e.score.toFixed(4)} vs best single ${e.bestSingleScore.toFixed(4)}): ${e.kept ? 'kept' : 'not kept'}\n`);
    line({ event: 'ensemble', kept: e.kept, weights: e.weights, mean: e.mean, std: e.std, score: e.score, bestSingleScore: e.bestSingleScore });
  }
  if (result.message) io.stderr(`${result.message}\n`);
  if (!result.best) {
    line({ event: 'done', status: 'failed', error: result.message ?? 'No model' });
    return EXIT.failed;
  }
  if (command.out !== undefined) {
    const out = resolve(io.cwd, command.out);
    io.stderr(`Refitting the recommended model on all ${result.keptRows.length} rows and explaining it...\n`);
    const { model, explanation } = await finalizeAutoML(columns, result, { target: command.target, inputTypes: [], seed: command.seed, ...(io.signal ? { signal: io.signal } : {}) });
    await mkdir(out, { recursive: true });
    const files = { model: join(out, AUTOML_MODEL_FILE), explanation: join(out, 'explanation.json') };
    await writeFile(files.model, `${JSON.stringify(model)}\n`);
    await writeFile(files.explanation, `${JSON.stringify(explanation, null, 2)}\n`);
    io.stderr(`Most important columns: ${explanation.importance.slice(0, 3).map((i) => `${i.column} (${i.mean.toFixed(4)} ± ${i.std.toFixed(4)})`).join(', ')}\nModel and explanation written to ${out}\n`);
    line({ event: 'saved', ...files });
  }
  line({ event: 'done', status: 'completed', task: result.task, best: result.best, ...(result.message ? { message: result.message } : {}) });
  return EXIT.completed;
}
