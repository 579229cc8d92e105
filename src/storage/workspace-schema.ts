/**
 * @file Every schema version of a workspace database, ever shipped, in order.
 *
 * How to add a version (never edit a shipped one):
 * 1. Append `{ version: n + 1, stores: { newTable: 'id, ...' }, upgrade?: async (tx) => ... }` to
 *    `WORKSPACE_SCHEMA_VERSIONS`. `stores` lists only the tables that are new or change
 *    (Dexie semantics: `null` deletes a table); add the record type to `records.ts` and the
 *    table to `WorkspaceDb`.
 * 2. Add an upgrade test beside `workspace-schema.test.ts` copying the version-1 pattern:
 *    `openWorkspaceDbAtVersion(name, n)` declares only versions 1..n, so the test creates a
 *    database of the old version, fills it with old-shaped rows, closes it, opens it with
 *    `openWorkspaceDb` (the current code, which runs the upgrade) and checks the data.
 * Archives (`workspace-archive.ts`) record the schema version they were exported at; an archive of
 * an older version is imported at that version and then upgraded by the same functions.
 */
import { Dexie, type EntityTable, type Table, type Transaction } from 'dexie';
import type {
  ArtifactRecord,
  CheckpointRecord,
  ColumnChunkRecord,
  DatasetRecord,
  DatasetVersionRecord,
  DeploymentRecord,
  EndpointRecord,
  ExperimentRecord,
  LogRecord,
  MetricRecord,
  ModelFileRecord,
  ModelRecord,
  ModelVersionRecord,
  RunRecord,
  SettingRecord,
  SyncQueueRecord,
} from './records';

/** One shipped schema version of the workspace database. */
export interface WorkspaceSchemaVersion {
  /** Dexie version number, increasing by one per version. */
  version: number;
  /** Dexie `stores()` declaration of the tables added or changed by this version; `null` deletes a table. */
  stores: Readonly<Record<string, string | null>>;
  /** Migrates rows written by earlier versions; runs once, inside the upgrade transaction. */
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

/** Every workspace schema version ever shipped. Append only. */
export const WORKSPACE_SCHEMA_VERSIONS: readonly WorkspaceSchemaVersion[] = Object.freeze<WorkspaceSchemaVersion[]>([
  {
    version: 1,
    stores: {
      datasets: 'id, name, updatedAt',
      datasetVersions: 'id, datasetId, contentHash, [datasetId+contentHash], complete, createdAt',
      columnChunks: '[versionId+column+index], versionId',
      settings: 'key',
    },
  },
  {
    // Training runs. Only new tables: version-1 rows are carried over as they are, so no upgrade function.
    version: 2,
    stores: {
      experiments: 'id, name, createdAt',
      runs: 'id, experimentId, parentId, kind, status, datasetId, datasetVersionId, createdAt, updatedAt, [status+createdAt], *tags',
      metrics: '[runId+key+step], runId',
      logs: '[runId+seq], runId',
      artifacts: 'id, runId, [runId+name]',
      checkpoints: '[runId+epoch], runId',
    },
  },
  {
    // The model registry (models, their versions and the versions' files, copied from runs or uploaded) and
    // the endpoints that serve them. Only new tables: no upgrade function.
    version: 3,
    stores: {
      models: 'id, &name, updatedAt, *tags',
      modelVersions: 'id, modelId, &[modelId+version], sourceRunId, createdAt, *aliases',
      modelFiles: '[modelVersionId+name], modelVersionId',
      endpoints: 'id, &name, createdAt',
      deployments: 'id, endpointId, modelVersionId, createdAt',
    },
  },
  {
    // The MLflow sync queue: one item per run or model version to push, with its resumable push state. Pulled runs
    // are ordinary `runs` rows with a `remote` marker (no index needed). The token is never in this database (it
    // is in the meta database, which no archive exports). Only a new table: no upgrade function.
    version: 4,
    stores: {
      syncQueue: 'id, kind, targetId, state, nextAttemptAt, createdAt',
    },
  },
]);

/** The schema version this code writes. */
export const WORKSPACE_SCHEMA_VERSION: number = WORKSPACE_SCHEMA_VERSIONS[WORKSPACE_SCHEMA_VERSIONS.length - 1].version;

/** Prefix of every workspace database name. */
export const WORKSPACE_DB_PREFIX = 'benchtop-ws-';

/** Name of the IndexedDB database holding workspace `workspaceId`. */
export function workspaceDbName(workspaceId: string): string {
  return `${WORKSPACE_DB_PREFIX}${workspaceId}`;
}

/** A workspace database with its tables typed (current schema). */
export class WorkspaceDb extends Dexie {
  declare datasets: EntityTable<DatasetRecord, 'id'>;
  declare datasetVersions: EntityTable<DatasetVersionRecord, 'id'>;
  declare columnChunks: Table<ColumnChunkRecord, [string, number, number]>;
  declare settings: EntityTable<SettingRecord, 'key'>;
  declare experiments: EntityTable<ExperimentRecord, 'id'>;
  declare runs: EntityTable<RunRecord, 'id'>;
  declare metrics: Table<MetricRecord, [string, string, number]>;
  declare logs: Table<LogRecord, [string, number]>;
  declare artifacts: EntityTable<ArtifactRecord, 'id'>;
  declare checkpoints: Table<CheckpointRecord, [string, number]>;
  declare models: EntityTable<ModelRecord, 'id'>;
  declare modelVersions: EntityTable<ModelVersionRecord, 'id'>;
  declare modelFiles: Table<ModelFileRecord, [string, string]>;
  declare endpoints: EntityTable<EndpointRecord, 'id'>;
  declare deployments: EntityTable<DeploymentRecord, 'id'>;
  declare syncQueue: EntityTable<SyncQueueRecord, 'id'>;

  /** Declares schema versions 1..`upToVersion` (all of them by default). Opening is lazy (Dexie). */
  constructor(name: string, upToVersion: number = WORKSPACE_SCHEMA_VERSION) {
    super(name);
    declareWorkspaceSchema(this, upToVersion);
  }
}

/** Declares schema versions 1..`upToVersion` on `db`, in order. */
export function declareWorkspaceSchema(db: Dexie, upToVersion: number = WORKSPACE_SCHEMA_VERSION): void {
  if (!Number.isInteger(upToVersion) || upToVersion < 1 || upToVersion > WORKSPACE_SCHEMA_VERSION) {
    throw new RangeError(`Workspace schema version ${upToVersion} does not exist; expected 1 to ${WORKSPACE_SCHEMA_VERSION}`);
  }
  for (const step of WORKSPACE_SCHEMA_VERSIONS) {
    if (step.version > upToVersion) break;
    const declared = db.version(step.version).stores({ ...step.stores });
    if (step.upgrade) declared.upgrade(step.upgrade);
  }
}

/** Opens (lazily) the current-schema database of workspace `workspaceId`. Prefer `getWorkspaceDb`, which caches. */
export function openWorkspaceDb(workspaceId: string): WorkspaceDb {
  return new WorkspaceDb(workspaceDbName(workspaceId));
}

/**
 * Opens database `name` declaring only schema versions 1..`version`: for upgrade tests (create an old
 * database, fill it, close it, reopen with `openWorkspaceDb`) and for importing old archives.
 * Table properties are typed as the current schema; tables added after `version` do not exist.
 */
export function openWorkspaceDbAtVersion(name: string, version: number): WorkspaceDb {
  return new WorkspaceDb(name, version);
}

/** The tables that exist at schema `version`, each with its Dexie store declaration (primary key first). */
export function workspaceTablesAt(version: number = WORKSPACE_SCHEMA_VERSION): Map<string, string> {
  const tables = new Map<string, string>();
  for (const step of WORKSPACE_SCHEMA_VERSIONS) {
    if (step.version > version) break;
    for (const [table, declaration] of Object.entries(step.stores)) {
      if (declaration === null) tables.delete(table);
      else tables.set(table, declaration);
    }
  }
  return tables;
}

/**
 * The primary-key fields of a store declaration: `'id, name'` → `['id']`,
 * `'[versionId+column+index], versionId'` → `['versionId', 'column', 'index']`.
 * Auto-increment (`++id`) and outbound keys are not used by Benchtop tables.
 */
export function primaryKeyFields(declaration: string): string[] {
  const first = declaration.split(',')[0].trim().replace(/^(\+\+|&)/, '');
  if (first.startsWith('[') && first.endsWith(']')) return first.slice(1, -1).split('+');
  return [first];
}
