/**
 * @file Reads a column's stored chunks into one in-memory {@link ColumnValues}, applying the user's type override.
 */
import type { ChunkData, ColumnSchema, ColumnType } from '../../protocol/dataset';
import type { ColumnValues } from './column-values';
import { convertChunk } from './convert-chunk';

export type { ColumnValues } from './column-values';

/** A materialized column, with the stored values that did not read as its logical type (they became missing). */
export interface MaterializedColumn {
  name: string;
  values: ColumnValues;
  unparseable: number;
  /** The first unparseable value and its 0-based row in the column. */
  firstUnparseable?: { row: number; value: string };
}

/** The {@link ColumnValues} kind a logical type materializes to. */
export function valuesKindOf(type: ColumnType): ColumnValues['kind'] {
  switch (type) {
    case 'category':
      return 'categorical';
    case 'text':
      return 'text';
    case 'image':
      return 'image';
    default:
      return 'numeric';
  }
}

/**
 * Concatenates `chunks` (in order) into the values of `column.type`. Chunks are stored as `column.inferredType`;
 * where the user changed the type they are converted with {@link convertChunk} (values that do not parse become
 * missing and are counted). Categories get one column-wide dictionary in first-seen row order, listing only values
 * that occur. Throws when a chunk's storage does not match the schema.
 */
export function materializeColumn(
  column: Pick<ColumnSchema, 'name' | 'type' | 'inferredType' | 'storage'>,
  chunks: readonly ChunkData[],
): MaterializedColumn {
  let unparseable = 0;
  let firstUnparseable: MaterializedColumn['firstUnparseable'];
  const parts: ChunkData[] = [];
  let offset = 0;
  chunks.forEach((stored, index) => {
    if (stored.kind !== column.storage) {
      throw new Error(`Chunk ${index} of column "${column.name}" is stored as "${stored.kind}"; the schema says "${column.storage}"`);
    }
    let data = stored;
    if (column.type !== column.inferredType) {
      const converted = convertChunk(stored, column.inferredType, column.type);
      data = converted.data;
      unparseable += converted.unparseable;
      if (converted.firstUnparseable && !firstUnparseable) {
        firstUnparseable = { row: offset + converted.firstUnparseable.row, value: converted.firstUnparseable.value };
      }
    }
    parts.push(data);
    offset += chunkLength(data);
  });
  const result: MaterializedColumn = { name: column.name, values: concatenate(column.type, parts, offset), unparseable };
  if (firstUnparseable) result.firstUnparseable = firstUnparseable;
  return result;
}

function chunkLength(data: ChunkData): number {
  return data.kind === 'f64' ? data.values.length : data.kind === 'dict' ? data.codes.length : data.items.length;
}

function concatenate(type: ColumnType, parts: ChunkData[], rows: number): ColumnValues {
  const kind = valuesKindOf(type);
  if (kind === 'numeric') {
    const values = new Float64Array(rows);
    let at = 0;
    for (const p of parts) {
      if (p.kind !== 'f64') throw new Error(`Expected numeric chunks, got "${p.kind}"`);
      values.set(p.values, at);
      at += p.values.length;
    }
    return { kind, values };
  }
  if (kind === 'categorical') {
    const codes = new Int32Array(rows);
    const categories: string[] = [];
    const global = new Map<string, number>();
    let at = 0;
    for (const p of parts) {
      if (p.kind !== 'dict') throw new Error(`Expected dictionary chunks, got "${p.kind}"`);
      const remap = new Int32Array(p.dictionary.length).fill(-1); // local code -> global code, filled on first use
      for (let i = 0; i < p.codes.length; i++, at++) {
        const local = p.codes[i];
        if (local < 0) {
          codes[at] = -1;
          continue;
        }
        let code = remap[local];
        if (code < 0) {
          const text = p.dictionary[local];
          code = global.get(text) ?? -1;
          if (code < 0) {
            code = categories.length;
            global.set(text, code);
            categories.push(text);
          }
          remap[local] = code;
        }
        codes[at] = code;
      }
    }
    return { kind, codes, categories };
  }
  if (kind === 'text') {
    const values: (string | null)[] = new Array(rows);
    let at = 0;
    for (const p of parts) {
      if (p.kind !== 'dict') throw new Error(`Expected dictionary chunks, got "${p.kind}"`);
      for (let i = 0; i < p.codes.length; i++) values[at++] = p.codes[i] < 0 ? null : p.dictionary[p.codes[i]];
    }
    return { kind, values };
  }
  const items: (Uint8Array | null)[] = [];
  const mediaTypes: string[] = [];
  for (const p of parts) {
    if (p.kind !== 'bytes') throw new Error(`Expected image chunks, got "${p.kind}"`);
    for (let i = 0; i < p.items.length; i++) {
      items.push(p.items[i] ?? null);
      mediaTypes.push(p.items[i] ? (p.mediaTypes[i] ?? '') : '');
    }
  }
  return { kind: 'image', items, mediaTypes };
}
