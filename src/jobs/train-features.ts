/**
 * @file From a training spec's featurization (per column type, with per-column overrides) to the core feature
 * pipeline's specs. The spec's vocabulary (`standard`, `hashed-bow`, `vocabSize`) is the user's; the core
 * featurizers have their own (`standardize`, `hashed-bag-of-words`, `vocabularySize`): this is the one translation.
 */
import type { FeatureSpec } from '../core/features/feature-spec';
import type { ColumnSchema } from '../protocol/dataset';
import type { ColumnFeaturization, Featurization, ImageFeaturization, NumericFeaturization, TextFeaturization, TrainSpec } from '../protocol/train';

/** The pipeline specs of a run, and notes on options the pipeline cannot honour yet (logged as warnings). */
export interface FeaturePlan {
  specs: FeatureSpec[];
  notes: string[];
}

const SCALING: Readonly<Record<NumericFeaturization['scaling'], 'standardize' | 'min-max' | 'none'>> = Object.freeze({
  standard: 'standardize',
  minmax: 'min-max',
  none: 'none',
});

/** One feature spec per `spec.data.features` column, in order, from its override or its type's default. */
export function planFeatures(spec: TrainSpec, columns: readonly ColumnSchema[]): FeaturePlan {
  const notes: string[] = [];
  const types = new Map(columns.map((c) => [c.name, c.type] as const));
  const overrides = new Map((spec.data.columns ?? []).map((o) => [o.column, o] as const));
  const specs = spec.data.features.map((column) => {
    const type = types.get(column);
    if (type === undefined) throw new Error(`Feature column "${column}" is not in this dataset version`);
    const override = overrides.get(column);
    const kind = override?.kind ?? defaultKind(type);
    return featureSpec(column, kind, override ?? defaults(spec.featurization, kind), notes);
  });
  return { specs, notes };
}

type Kind = ColumnFeaturization['kind'];

function defaultKind(type: ColumnSchema['type']): Kind {
  if (type === 'category') return 'categorical';
  if (type === 'text') return 'text';
  if (type === 'image') return 'image';
  return 'numeric';
}

function defaults(f: Featurization, kind: Kind): NumericFeaturization | Featurization['categorical'] | TextFeaturization | ImageFeaturization {
  return kind === 'numeric' ? f.numeric : kind === 'categorical' ? f.categorical : kind === 'text' ? f.text : f.image;
}

function featureSpec(column: string, kind: Kind, options: object, notes: string[]): FeatureSpec {
  switch (kind) {
    case 'numeric': {
      const o = options as NumericFeaturization;
      return { column, type: 'numeric', scaling: SCALING[o.scaling], impute: o.impute, fillValue: o.imputeValue, missingIndicator: o.missingIndicator };
    }
    case 'categorical':
      return { column, type: 'one-hot', maxCategories: (options as Featurization['categorical']).maxCategories };
    case 'text': {
      const o = options as TextFeaturization;
      if (o.method === 'token-ids') return { column, type: 'token-ids', vocabularySize: o.vocabSize, maxLength: o.maxLength };
      if (o.ngram === 2) notes.push(`Column "${column}": word pairs (ngram 2) are not supported by the hashed bag of words yet; single words are used`);
      return { column, type: 'hashed-bag-of-words', buckets: o.buckets, weighting: o.binary ? 'binary' : 'count' };
    }
    case 'image': {
      const o = options as ImageFeaturization;
      if (!o.normalize) notes.push(`Column "${column}": pixels are always scaled to 0..1 (normalize: false is not supported yet)`);
      return { column, type: 'image', width: o.width, height: o.height, channels: o.channels };
    }
  }
}
