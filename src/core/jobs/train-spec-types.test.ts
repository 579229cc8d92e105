/**
 * @file Type tests: the valibot schema and the hand-written protocol types describe the same spec. Checked by
 * `tsc --noEmit` (the assertions are no-ops at run time).
 */
import { expectTypeOf, test } from 'vitest';
import type * as v from 'valibot';
import type { ColumnFeaturization, EarlyStoppingSpec, Featurization, ModelSpec, OptimizerSpec, SpecParseResult, TrainData, TrainSpec } from '../../protocol/train';
import type { parseTrainSpec } from './train-spec';
import type { TrainSpecSchema } from './train-spec-schema';

type Parsed = v.InferOutput<typeof TrainSpecSchema>;
/** Mutual assignability (valibot's inferred object types are not structurally identical to the written ones). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

test('the schema output is the protocol spec, loss aside', () => {
  expectTypeOf<Same<Parsed['data'], TrainData>>().toEqualTypeOf<true>();
  expectTypeOf<Same<NonNullable<Parsed['data']['columns']>[number], ColumnFeaturization>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Parsed['featurization'], Featurization>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Parsed['model'], ModelSpec>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Parsed['optimizer'], OptimizerSpec>>().toEqualTypeOf<true>();
  expectTypeOf<Same<NonNullable<Parsed['earlyStopping']>, EarlyStoppingSpec>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Omit<Parsed, 'loss'>, Omit<TrainSpec, 'loss'>>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Parsed['loss'], TrainSpec['loss'] | undefined>>().toEqualTypeOf<true>();
  expectTypeOf<Same<Parsed['model'], { family: 'mlp' }>>().toEqualTypeOf<false>();
  expectTypeOf<ReturnType<typeof parseTrainSpec>>().toEqualTypeOf<SpecParseResult<TrainSpec>>();
});

test('model and optimizer narrow on their discriminators', () => {
  expectTypeOf<Extract<ModelSpec, { family: 'mlp' }>['layers'][number]['activation']>().toEqualTypeOf<'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear'>();
  expectTypeOf<Extract<OptimizerSpec, { name: 'adam' }>>().toHaveProperty('beta2');
  expectTypeOf<Extract<ModelSpec, { architecture: 'conv1d' }>>().toHaveProperty('kernelSize');
});
