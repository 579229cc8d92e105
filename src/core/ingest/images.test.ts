import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { ingestTable } from './ingest';
import { labelOf } from './images';

/** A PNG header (signature + IHDR) declaring `width` x `height`; enough for header-only reading. */
function png(width: number, height: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes[32] = seed;
  return bytes;
}

async function images(input: { zip?: Record<string, Uint8Array>; files?: Record<string, Uint8Array> }) {
  const store = new MemoryChunkStore();
  const result = await ingestTable(
    input.zip
      ? { format: 'images', name: 'pets.zip', blob: new Blob([zipSync(input.zip) as BlobPart]) }
      : { format: 'images', name: 'pets', files: Object.entries(input.files ?? {}).map(([path, b]) => ({ path, blob: new Blob([b as BlobPart]) })) },
    store,
  );
  return { ...result, store, cells: (c: number) => store.cells(c, result.chunkCount) };
}

describe('ingestImages', () => {
  it('labels by parent folder, sorts by path, skips non-images and root files', async () => {
    const r = await images({
      zip: {
        'set/dog/b.png': png(4, 3, 1),
        'set/cat/a.png': png(2, 2, 2),
        'set/cat/.DS_Store': new Uint8Array([1]),
        '__MACOSX/set/cat/._a.png': new Uint8Array([1]),
        'root.png': png(1, 1),
      },
    });
    expect(r.columns.map((c) => [c.name, c.type, c.storage])).toEqual([
      ['image', 'image', 'bytes'],
      ['label', 'category', 'dict'],
      ['path', 'text', 'dict'],
      ['width', 'integer', 'f64'],
      ['height', 'integer', 'f64'],
    ]);
    expect(r.cells(2)).toEqual(['set/cat/a.png', 'set/dog/b.png']);
    expect(r.cells(1)).toEqual(['cat', 'dog']);
    expect(r.cells(3)).toEqual([2, 4]);
    expect(r.issues.filter((i) => i.code === 'skipped-file')).toHaveLength(3);
    expect(r.profiles[0].image).toMatchObject({ minWidth: 2, maxWidth: 4, mediaTypes: ['image/png'] });
  });

  it('rejects absurd dimensions and corrupt headers without decoding', async () => {
    const r = await images({ files: { 'a/ok.png': png(8, 8), 'a/huge.png': png(100_000, 100_000), 'b/broken.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) } });
    expect(r.rows).toBe(1);
    expect(r.issues.filter((i) => i.code === 'bad-image')).toHaveLength(2);
    await expect(images({ files: { 'a/huge.png': png(20_000, 10) } })).rejects.toMatchObject({ code: 'no-images' });
  });

  it('hashes sorted paths and bytes, whatever the zip order', async () => {
    const a = await images({ zip: { 'x/1.png': png(1, 1, 1), 'y/2.png': png(1, 1, 2) } });
    const b = await images({ zip: { 'y/2.png': png(1, 1, 2), 'x/1.png': png(1, 1, 1) } });
    const c = await images({ zip: { 'y/2.png': png(1, 1, 3), 'x/1.png': png(1, 1, 1) } });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
  });

  it('refuses a damaged zip', async () => {
    const store = new MemoryChunkStore();
    await expect(ingestTable({ format: 'images', name: 'x.zip', blob: new Blob(['PK\u0003\u0004 nonsense']) }, store)).rejects.toMatchObject({ code: 'bad-zip' });
  });

  it('takes the immediate parent folder as the label', () => {
    expect(labelOf('a/b/c.png')).toBe('b');
    expect(labelOf('c.png')).toBeNull();
  });
});
