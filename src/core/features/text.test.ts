import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize';
import { HashedBagOfWordsFeaturizer } from './hashed-bag-of-words';
import { OOV_ID, TokenIdsFeaturizer } from './token-ids';
import { fnv1a32 } from '../random/fnv1a';
import type { ColumnValues } from '../table/column-values';

const text = (...values: (string | null)[]): ColumnValues => ({ kind: 'text', values });

describe('tokenize', () => {
  it('lower-cases Unicode words, keeps inner apostrophes, splits Han ideographs', () => {
    expect(tokenize("Don't STOP, café-au-lait! Ünïcode 42x")).toEqual(["don't", 'stop', 'café', 'au', 'lait', 'ünïcode', '42x']);
    expect(tokenize('Ｆｕｌｌ width')).toEqual(['full', 'width']);
    expect(tokenize('東京 tower')).toEqual(['東', '京', 'tower']);
    expect(tokenize('  ...  ')).toEqual([]);
  });
});

describe('HashedBagOfWordsFeaturizer', () => {
  const reviews = text('good good bad', '', null, 'Good!');
  const bucket = (t: string, n: number): number => fnv1a32(t) % n;

  it('counts hashed tokens per bucket, l2-normalised; empty and missing texts are zeros', () => {
    const n = 64;
    expect(bucket('good', n)).not.toBe(bucket('bad', n)); // the expected matrix below assumes no collision
    const f = HashedBagOfWordsFeaturizer.fit({ column: 'review', type: 'hashed-bag-of-words', buckets: n }, reviews, [0]);
    expect(f.width).toBe(n);
    expect(f.featureNames()[3]).toBe('review#3');
    const out = new Float32Array(4 * n);
    f.transform(reviews, [0, 1, 2, 3], out, n, 0);
    const expected = new Float32Array(4 * n);
    expected[bucket('good', n)] = 2 / Math.sqrt(5);
    expected[bucket('bad', n)] = 1 / Math.sqrt(5);
    expected[3 * n + bucket('good', n)] = 1;
    expect(out).toEqual(expected);
  });

  it('supports binary weighting without normalisation', () => {
    const f = HashedBagOfWordsFeaturizer.fit({ column: 'r', type: 'hashed-bag-of-words', buckets: 8, weighting: 'binary', l2: false }, reviews, []);
    const out = new Float32Array(8);
    f.transform(reviews, [0], out, 8, 0);
    expect(out[bucket('good', 8)]).toBe(1);
    expect(out.reduce((a, b) => a + b, 0)).toBe(bucket('good', 8) === bucket('bad', 8) ? 1 : 2);
    expect(() => HashedBagOfWordsFeaturizer.fit({ column: 'r', type: 'hashed-bag-of-words', buckets: 0 }, reviews, [])).toThrow('buckets for column "r" is 0');
  });
});

describe('TokenIdsFeaturizer', () => {
  const docs = text('the cat sat', 'the dog', 'the cat', null, '');

  it('builds a top-K vocabulary from train rows; pads with 0, 1 for unknown, truncates', () => {
    const f = TokenIdsFeaturizer.fit({ column: 'doc', type: 'token-ids', vocabularySize: 2, maxLength: 3 }, docs, [0, 1, 2]);
    expect(f.toJSON().vocabulary).toEqual(['the', 'cat']); // 'dog' and 'sat' tie at 1 and fall off the cap
    expect(f.inputDim).toBe(4);
    expect(f.featureNames()).toEqual(['doc[0]', 'doc[1]', 'doc[2]']);
    const out = new Float32Array(4 * 3);
    f.transform(text('cat the bird the the', 'the dog', null, ''), [0, 1, 2, 3], out, 3, 0);
    expect(Array.from(out)).toEqual([3, 2, OOV_ID, 2, OOV_ID, 0, 0, 0, 0, 0, 0, 0]);
    const restored = TokenIdsFeaturizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    const again = new Float32Array(12);
    restored.transform(text('cat the bird the the', 'the dog', null, ''), [0, 1, 2, 3], again, 3, 0);
    expect(again).toEqual(out);
  });

  it('rejects bad options and non-text columns', () => {
    expect(() => TokenIdsFeaturizer.fit({ column: 'doc', type: 'token-ids', maxLength: 0 }, docs, [0])).toThrow('maxLength for column "doc" is 0');
    expect(() => TokenIdsFeaturizer.fit({ column: 'n', type: 'token-ids' }, { kind: 'numeric', values: new Float64Array(1) }, [0])).toThrow(
      'Column "n" holds numbers; the "text" featurizer needs text or categories',
    );
  });
});
