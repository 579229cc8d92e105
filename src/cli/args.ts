/**
 * @file The command line of `benchtop`: parsing argv into a command, and the usage text. Pure (no I/O), so every
 * bad-usage case is a unit test. A {@link UsageError} means exit code 2 with the usage text.
 */
import { parseArgs } from 'node:util';
import { TRAIN_LIMITS } from '../core/jobs/train-spec-schema';

/** The usage text (printed with `--help`, and on stderr after a usage error). */
export const USAGE = `Usage:
  benchtop train <spec.json> [--data <file.csv|file.parquet|sample-id>] [options]
  benchtop train --data <file.csv|file.parquet|sample-id> --target <column> [options]
  benchtop sweep <sweep.json> [--data <file.csv|file.parquet|sample-id>] [--out <folder>] [--backend <name>]
  benchtop score --model <folder|file.onnx|automl-model.json> --data <file.csv|file.parquet|sample-id> [--out <preds.csv|preds.jsonl>]
  benchtop automl --data <file.csv|sample-id> --target <column> [--budget <seconds> | --trials <n>] [--seed <n>] [--folds <n>] [--metric <name>]

Trains a model headless (TF.js on the cpu or wasm backend, storage in memory) and writes it to a folder.
Progress and metrics go to stdout as JSON lines; human messages go to stderr.

  <spec.json>          a training spec (the lab's "advanced editor" JSON). Its data.datasetId, data.versionId
                       and data.contentHash may be left out: they are filled from the imported data. Without
                       --data, data.datasetId may name a sample dataset (e.g. "iris").
  --data <source>      a CSV/TSV/JSON/Parquet file, or a sample id from public/datasets/manifest.json
  --target <column>    the column to predict; with --data and no spec, the lab's default spec is used
  --out <folder>       where the model goes (default ./benchtop-model): model.json, model.weights.bin,
                       featurizer.json, signature.json, evaluation.json, metrics.csv, spec.json
  --epochs <n>         override the spec's epochs (${TRAIN_LIMITS.epochs[0]} to ${TRAIN_LIMITS.epochs[1]})
  --seed <n>           override the spec's seed
  --backend <name>     cpu or wasm (default: the spec's backend; "auto" picks wasm, then cpu)
  -h, --help           this text

A sweep (the lab's sweep spec: a base training spec, a search space, a sampler, the metric, the budgets and the
early-termination policy) runs its trials one at a time, with the lab's planner, samplers and policies. Each trial
ends with a JSON line (number, params, state, value, stoppedEarly), and the last line names the best trial. --out
(default ./benchtop-sweep) receives the best trial's model folder, trials.csv and sweep.json. Its base.data ids are
filled from the imported data, as for train.

Score: predictions for every row of --data with a model folder written by "benchtop train --out" (its featurizer
turns the raw columns into the model's rows, as in the lab) or an .onnx file. Without --out, one JSON line per row
on stdout ({"row", "prediction", "probabilities"}); --out preds.csv writes the prediction columns as CSV (one line
per input row, in order), --out preds.jsonl the JSON lines. --backend picks cpu (default) or wasm for TF.js models.

Exit codes: 0 completed, 1 failed (the message names the problem), 2 bad usage, 130 interrupted (Ctrl-C).
`;

/** Bad command-line usage: exit 2 with the usage text. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The backends the CLI can run on under Node. */
export const CLI_BACKENDS = Object.freeze(['cpu', 'wasm'] as const);
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** A parsed `train` command. */
export interface TrainCommand {
  command: 'train';
  /** Path of the spec file, as given. */
  specPath?: string;
  /** File path or sample id, as given. */
  data?: string;
  target?: string;
  /** Output folder, as given (default `./benchtop-model`). */
  out: string;
  epochs?: number;
  seed?: number;
  backend?: CliBackend;
}

/** A parsed `sweep` command. */
export interface SweepCommand {
  command: 'sweep';
  /** Path of the sweep spec file, as given. */
  specPath: string;
  /** File path or sample id, as given. */
  data?: string;
  /** Output folder, as given (default `./benchtop-sweep`). */
  out: string;
  backend?: CliBackend;
}

/** A parsed `score` command. */
export interface ScoreCommand {
  command: 'score';
  /** Model folder or `.onnx` file, as given. */
  model: string;
  /** File path or sample id, as given. */
  data: string;
  /** Output file, as given; stdout when absent. */
  out?: string;
  backend?: CliBackend;
}

/** What argv asks for. */
export type CliCommand = { command: 'help' } | TrainCommand | SweepCommand | ScoreCommand;

/** Default output folder, relative to the working directory. */
export const DEFAULT_OUT = 'benchtop-model';

/** Default output folder of a sweep. */
export const DEFAULT_SWEEP_OUT = 'benchtop-sweep';

/** Parses `argv` (without `node` and the script). Throws a {@link UsageError} naming the problem. */
export function parseCommand(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('No command given; expected "train", "sweep" or "score"');
  if (command === 'help') return { command: 'help' };
  if (command === 'sweep') return sweepCommand(rest, values);
  if (command === 'score') return scoreCommand(rest, values);
  if (command !== 'train') throw new UsageError(`Unknown command ${JSON.stringify(command)}; expected "train", "sweep" or "score"`);
  if (values.model !== undefined) throw new UsageError('--model goes with "score"; train writes a model with --out');
  if (rest.length > 1) throw new UsageError(`Expected at most one spec file, got ${rest.length}: ${rest.map((r) => JSON.stringify(r)).join(', ')}`);
  const specPath = rest[0];
  if (specPath === undefined && values.data === undefined) throw new UsageError('Give a spec file, or --data and --target');
  if (specPath === undefined && values.target === undefined) throw new UsageError('--data without a spec file needs --target <column>');
  if (specPath !== undefined && values.target !== undefined) {
    throw new UsageError('--target goes with --data when there is no spec file; a spec names its target in data.target');
  }
  for (const key of ['data', 'target', 'out'] as const) {
    if (values[key] !== undefined && values[key].trim() === '') throw new UsageError(`--${key} is empty`);
  }
  const backend = checkedBackend(values.backend);
  return {
    command: 'train',
    ...(specPath === undefined ? {} : { specPath }),
    ...(values.data === undefined ? {} : { data: values.data }),
    ...(values.target === undefined ? {} : { target: values.target }),
    out: values.out ?? DEFAULT_OUT,
    ...(values.epochs === undefined ? {} : { epochs: integer('--epochs', values.epochs, TRAIN_LIMITS.epochs) }),
    ...(values.seed === undefined ? {} : { seed: integer('--seed', values.seed, TRAIN_LIMITS.seed) }),
    ...(backend === undefined ? {} : { backend: backend as CliBackend }),
  };
}

type ParsedValues = ReturnType<typeof parse>['values'];

/** `sweep <sweep.json>`: a spec file is required; the training overrides do not apply (the space sets those). */
function sweepCommand(rest: readonly string[], values: ParsedValues): SweepCommand {
  if (values.model !== undefined) throw new UsageError('--model goes with "score"; a sweep writes its best model with --out');
  if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'sweep needs a sweep spec file' : `Expected one sweep spec file, got ${rest.length}: ${rest.map((r) => JSON.stringify(r)).join(', ')}`);
  for (const option of ['target', 'epochs', 'seed'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not apply to sweep; set it in the sweep spec's base (or search it in its space)`);
  }
  for (const key of ['data', 'out'] as const) {
    if (values[key] !== undefined && values[key].trim() === '') throw new UsageError(`--${key} is empty`);
  }
  const backend = checkedBackend(values.backend);
  return {
    command: 'sweep',
    specPath: rest[0],
    ...(values.data === undefined ? {} : { data: values.data }),
    out: values.out ?? DEFAULT_SWEEP_OUT,
    ...(backend === undefined ? {} : { backend }),
  };
}

/** `score --model <m> --data <d>`: both required; the training options do not apply. */
function scoreCommand(rest: readonly string[], values: ParsedValues): ScoreCommand {
  if (rest.length > 0) throw new UsageError(`score takes no positional arguments; got ${rest.map((r) => JSON.stringify(r)).join(', ')} (use --model and --data)`);
  for (const option of ['target', 'epochs', 'seed'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not apply to score`);
  }
  for (const key of ['model', 'data', 'out'] as const) {
    if (values[key] !== undefined && values[key].trim() === '') throw new UsageError(`--${key} is empty`);
  }
  if (values.model === undefined) throw new UsageError('score needs --model <folder|file.onnx|automl-model.json>');
  if (values.data === undefined) throw new UsageError('score needs --data <file|sample-id>');
  const backend = checkedBackend(values.backend);
  return { command: 'score', model: values.model, data: values.data, ...(values.out === undefined ? {} : { out: values.out }), ...(backend === undefined ? {} : { backend }) };
}

function checkedBackend(backend: string | undefined): CliBackend | undefined {
  if (backend !== undefined && !(CLI_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend ${JSON.stringify(backend)} is not available under Node; expected ${CLI_BACKENDS.join(' or ')}`);
  }
  return backend as CliBackend | undefined;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      model: { type: 'string' },
      target: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function integer(option: string, text: string, [min, max]: readonly [number, number]): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} expects an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
