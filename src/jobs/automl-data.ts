/**
 * @file The data half of an AutoML job: a dataset version's stored chunks → raw columns with the original values
 * (numbers; category and text cells as strings; datetimes as ISO 8601 strings; `null` where missing), the form the
 * AutoML core (`src/core/automl`) analyses and featurizes itself. Image columns are left out (AutoML is tabular).
 */
import type { RawColumn } from '../core/automl/guardrails';
import type { ColumnValues } from '../core/table/column-values';
import { materializeColumn } from '../core/table/materialize';
import type { AutoMLFinding } from '../protocol/automl';
import type { ChunkData } from '../protocol/dataset';
import { readColumn } from '../storage/chunks';
import type { DatasetVersionRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** The table of a version as AutoML reads it. */
export interface AutoMLTable {
  columns: RawColumn[];
  /** Each column's dataset type (after the user's override), in `columns` order: saved with the model. */
  inputTypes: { name: string; type: string }[];
  /** Columns left out and values that did not read as their type, for the findings. */
  findings: AutoMLFinding[];
}

/** Reads every non-image column of `version` (with the user's type overrides applied). Checks `signal` between columns. */
export async function loadAutoMLTable(db: WorkspaceDb, version: DatasetVersionRecord, signal?: AbortSignal): Promise<AutoMLTable> {
  const columns: RawColumn[] = [];
  const inputTypes: AutoMLTable['inputTypes'] = [];
  const findings: AutoMLFinding[] = [];
  for (const [index, schema] of version.columns.entries()) {
    signal?.throwIfAborted();
    if (schema.type === 'image') {
      findings.push({ code: 'image', severity: 'info', column: schema.name, message: `Left out "${schema.name}": AutoML reads tables, not images` });
      continue;
    }
    const chunks: ChunkData[] = [];
    for await (const chunk of readColumn(db, version.id, index)) chunks.push(chunk);
    const column = materializeColumn(schema, chunks);
    if (column.unparseable > 0 && column.firstUnparseable) {
      const { row, value } = column.firstUnparseable;
      findings.push({
        code: 'unparseable',
        severity: 'warning',
        column: schema.name,
        message: `"${schema.name}" has ${column.unparseable} values that are not ${schema.type} (first at row ${row + 1}: ${JSON.stringify(value.slice(0, 40))}); they count as missing`,
      });
    }
    columns.push({ name: schema.name, values: rawValues(column.values, schema.type === 'datetime') });
    inputTypes.push({ name: schema.name, type: schema.type });
  }
  return { columns, inputTypes, findings };
}

/** One column's values as plain cells: numbers, strings, `null` for missing; epoch milliseconds as ISO strings for datetimes. */
export function rawValues(values: ColumnValues, datetime: boolean): (string | number | null)[] {
  switch (values.kind) {
    case 'numeric':
      return Array.from(values.values, (v) => (Number.isNaN(v) ? null : datetime ? isoDate(v) : v));
    case 'categorical':
      return Array.from(values.codes, (c) => (c < 0 ? null : values.categories[c]));
    case 'text':
      return values.values.slice();
    case 'image':
      throw new Error('An image column cannot be read as a table column');
  }
}

function isoDate(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
