/**
 * @file An in-memory {@link ChunkStore} for tests: chunks in a Map keyed by "column:index".
 */
import type { ChunkData } from '../protocol/dataset';
import type { ChunkStore } from '../core/table/chunk-store';

/** A ChunkStore that keeps every chunk in memory and counts writes. */
export class MemoryChunkStore implements ChunkStore {
  readonly chunks = new Map<string, ChunkData>();
  writes = 0;

  async write(column: number, index: number, data: ChunkData): Promise<void> {
    this.writes++;
    this.chunks.set(`${column}:${index}`, data);
  }

  async read(column: number, index: number): Promise<ChunkData> {
    const data = this.chunks.get(`${column}:${index}`);
    if (!data) throw new Error(`No chunk ${index} of column ${column}`);
    return data;
  }

  /** Every chunk of one column, in order. */
  column(column: number, chunkCount: number): ChunkData[] {
    return Array.from({ length: chunkCount }, (_, i) => {
      const data = this.chunks.get(`${column}:${i}`);
      if (!data) throw new Error(`No chunk ${i} of column ${column}`);
      return data;
    });
  }

  /** All cells of one column as plain values (numbers, strings, null for missing), for assertions. */
  cells(column: number, chunkCount: number): (number | string | null)[] {
    const out: (number | string | null)[] = [];
    for (const data of this.column(column, chunkCount)) {
      if (data.kind === 'f64') for (const v of data.values) out.push(Number.isNaN(v) ? null : v);
      else if (data.kind === 'dict') for (const c of data.codes) out.push(c < 0 ? null : data.dictionary[c]);
      else for (const item of data.items) out.push(item === null ? null : `<${item.length} bytes>`);
    }
    return out;
  }
}

/** A ChunkStore that drops what it is given (benchmarks); reading throws. */
export const discardingChunkStore: ChunkStore = {
  write: async () => {},
  read: async (column, index) => {
    throw new Error(`Chunk ${index} of column ${column} was discarded`);
  },
};
