/**
 * @file What the user asks for per feature column: the featurizer and its options. Fitting turns a spec into a
 * featurizer state (see each featurizer). Defaults are chosen from the column's logical type.
 */
import type { ColumnType } from '../../protocol/dataset';

/** Numeric columns: imputation of missing values, then scaling, optionally with a 0/1 "was missing" feature. */
export interface NumericFeatureSpec {
  column: string;
  type: 'numeric';
  /** Default 'standardize' (mean 0, std 1; a constant column gets std 1). */
  scaling?: 'standardize' | 'min-max' | 'none';
  /** Default 'mean'. */
  impute?: 'mean' | 'median' | 'constant';
  /** The value for `impute: 'constant'` (before scaling); default 0. */
  fillValue?: number;
  /** Add a `<column> (missing)` feature: 1 where the value was missing. Default true. */
  missingIndicator?: boolean;
}

/** Categorical columns: one feature per category seen in training, plus one for other, unseen and missing. */
export interface OneHotFeatureSpec {
  column: string;
  type: 'one-hot';
  /** Keep the most frequent categories only; the rest go to the other slot. Default 50. */
  maxCategories?: number;
}

/** Text as a hashed bag of words: tokens hashed (FNV-1a) into a fixed number of buckets. */
export interface HashedBagOfWordsSpec {
  column: string;
  type: 'hashed-bag-of-words';
  /** Default 1024. */
  buckets?: number;
  /** Token counts, or 1 where a token occurs. Default 'count'. */
  weighting?: 'count' | 'binary';
  /** Scale each row to unit length. Default true. */
  l2?: boolean;
}

/** Text as token ids for embedding models: 0 pads, 1 is out-of-vocabulary, 2.. the top training tokens. */
export interface TokenIdsSpec {
  column: string;
  type: 'token-ids';
  /** Most frequent training tokens kept. Default 10000. */
  vocabularySize?: number;
  /** Ids per row: longer texts are truncated (their first tokens kept), shorter ones padded with 0. Default 64. */
  maxLength?: number;
}

/** Images resized (bilinear) to a fixed size and channel count, scaled to [0, 1]; features are height × width × channels. */
export interface ImageFeatureSpec {
  column: string;
  type: 'image';
  /** Default 32. */
  width?: number;
  /** Default 32. */
  height?: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  channels?: 1 | 3;
}

/** One feature column and how to featurize it. */
export type FeatureSpec = NumericFeatureSpec | OneHotFeatureSpec | HashedBagOfWordsSpec | TokenIdsSpec | ImageFeatureSpec;

/** Featurizer kinds, for messages and validation. */
export const FEATURE_TYPES: readonly FeatureSpec['type'][] = Object.freeze(['numeric', 'one-hot', 'hashed-bag-of-words', 'token-ids', 'image']);

/** The spec a newcomer gets for a column of logical type `type`. */
export function defaultFeatureSpec(column: string, type: ColumnType): FeatureSpec {
  switch (type) {
    case 'category':
      return { column, type: 'one-hot' };
    case 'text':
      return { column, type: 'hashed-bag-of-words' };
    case 'image':
      return { column, type: 'image' };
    default:
      return { column, type: 'numeric' };
  }
}
