/**
 * @file The parts of MLflow's REST answers Benchtop reads, as valibot schemas: a server is untrusted input, so every
 * answer is checked before use. Unknown fields are ignored (`looseObject`); int64 fields are accepted as numbers or
 * as the decimal strings protobuf's JSON mapping allows; metric values also as `"NaN"` / `"Infinity"`.
 */
import * as v from 'valibot';
import { SyncError } from './sync-error';

/** An int64 as MLflow writes it (a number) or as protobuf JSON may (a decimal string). */
const Int64 = v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.regex(/^-?\d+$/), v.transform(Number))]);
/** A double, with protobuf JSON's spellings of the values JSON lacks. */
const Double = v.union([
  v.number(),
  v.pipe(
    v.picklist(['NaN', 'Infinity', '-Infinity']),
    v.transform((s) => (s === 'NaN' ? Number.NaN : s === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY)),
  ),
]);
const Text = v.optional(v.string(), '');

const KeyValue = v.looseObject({ key: v.string(), value: Text });

/** A tag or a param: a key and a string value. */
export type MlflowKeyValue = v.InferOutput<typeof KeyValue>;

const Metric = v.looseObject({ key: v.string(), value: Double, timestamp: v.optional(Int64, 0), step: v.optional(Int64, 0) });

/** One metric point. */
export type MlflowMetric = v.InferOutput<typeof Metric>;

const Experiment = v.looseObject({
  experiment_id: v.string(),
  name: v.string(),
  artifact_location: v.optional(v.string()),
  lifecycle_stage: v.optional(v.string()),
  tags: v.optional(v.array(KeyValue), []),
});

/** An experiment. */
export type MlflowExperiment = v.InferOutput<typeof Experiment>;

/** A run's lifecycle as MLflow names it. */
export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

const RunInfo = v.looseObject({
  run_id: v.string(),
  experiment_id: v.string(),
  run_name: v.optional(v.string()),
  status: v.optional(v.picklist(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])),
  start_time: v.optional(Int64),
  end_time: v.optional(Int64),
  artifact_uri: v.optional(v.string()),
  lifecycle_stage: v.optional(v.string()),
});

/** A run's metadata. */
export type MlflowRunInfo = v.InferOutput<typeof RunInfo>;

const Dataset = v.looseObject({ name: v.string(), digest: v.string(), source_type: Text, source: Text, schema: v.optional(v.string()), profile: v.optional(v.string()) });
const DatasetInput = v.looseObject({ tags: v.optional(v.array(KeyValue), []), dataset: Dataset });

/** A dataset a run read (`log-inputs`). */
export type MlflowDatasetInput = v.InferOutput<typeof DatasetInput>;

const Run = v.looseObject({
  info: RunInfo,
  data: v.optional(
    v.looseObject({ metrics: v.optional(v.array(Metric), []), params: v.optional(v.array(KeyValue), []), tags: v.optional(v.array(KeyValue), []) }),
    {},
  ),
  inputs: v.optional(v.looseObject({ dataset_inputs: v.optional(v.array(DatasetInput), []) }), {}),
});

/** A run: metadata, latest metric values, params, tags and dataset inputs. */
export type MlflowRun = v.InferOutput<typeof Run>;

const FileInfo = v.looseObject({ path: v.string(), is_dir: v.optional(v.boolean(), false), file_size: v.optional(Int64) });

/** An entry of an artifact listing. */
export type MlflowFileInfo = v.InferOutput<typeof FileInfo>;

const ModelVersion = v.looseObject({
  name: v.string(),
  version: v.union([v.string(), v.pipe(v.number(), v.transform(String))]),
  run_id: v.optional(v.string()),
  source: v.optional(v.string()),
  status: v.optional(v.string()),
  description: v.optional(v.string()),
  tags: v.optional(v.array(KeyValue), []),
  aliases: v.optional(v.array(v.string()), []),
});

/** A registered model's version. */
export type MlflowModelVersion = v.InferOutput<typeof ModelVersion>;

const RegisteredModel = v.looseObject({
  name: v.string(),
  description: v.optional(v.string()),
  tags: v.optional(v.array(KeyValue), []),
  aliases: v.optional(v.array(v.looseObject({ alias: v.string(), version: v.string() })), []),
  latest_versions: v.optional(v.array(ModelVersion), []),
});

/** A registered model. */
export type MlflowRegisteredModel = v.InferOutput<typeof RegisteredModel>;

const Page = v.optional(v.string());

/** Schemas of the answers the client reads, by endpoint. */
export const Answers = {
  experiment: v.looseObject({ experiment: Experiment }),
  experimentId: v.looseObject({ experiment_id: v.string() }),
  experiments: v.looseObject({ experiments: v.optional(v.array(Experiment), []), next_page_token: Page }),
  run: v.looseObject({ run: Run }),
  runInfo: v.looseObject({ run_info: RunInfo }),
  runs: v.looseObject({ runs: v.optional(v.array(Run), []), next_page_token: Page }),
  metrics: v.looseObject({ metrics: v.optional(v.array(Metric), []), next_page_token: Page }),
  files: v.looseObject({ files: v.optional(v.array(FileInfo), []) }),
  registeredModel: v.looseObject({ registered_model: RegisteredModel }),
  registeredModels: v.looseObject({ registered_models: v.optional(v.array(RegisteredModel), []), next_page_token: Page }),
  modelVersion: v.looseObject({ model_version: ModelVersion }),
  modelVersions: v.looseObject({ model_versions: v.optional(v.array(ModelVersion), []), next_page_token: Page }),
} as const;

/** Checks an answer against its schema; a mismatch is a {@link SyncError} naming the first wrong field. */
export function readAnswer<S extends v.GenericSchema>(schema: S, answer: unknown, request: string): v.InferOutput<S> {
  const result = v.safeParse(schema, answer);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? '(root)';
  throw new SyncError({
    kind: 'unsupported',
    code: 'BAD_RESPONSE',
    request,
    message: `The answer to ${request} is not what MLflow sends: ${path}: ${issue.message}`,
  });
}
