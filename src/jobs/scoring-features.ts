/**
 * @file Raw table columns through a model's saved featurizer into the float rows it was trained on: image columns
 * decoded first (by the injected decoder), every other column as it is. The same pipeline as training, restored
 * from `featurizer.json`, so a row is featurized exactly as it was at training time. {@link predictTable} scores such
 * columns with any table model: featurized then predicted, or read by a tabular model directly.
 */
import { decodeImageColumn, type ImageDecoder } from '../core/features/image';
import type { FeatureInput } from '../core/features/featurizer';
import type { FeaturePipeline } from '../core/features/pipeline';
import type { ColumnValues } from '../core/table/column-values';
import type { ScoringModel } from './scoring-model';

/** Features of `rows` rows of `columns` (row-major, `pipeline.featureCount` per row). */
export async function featurizeColumns(pipeline: FeaturePipeline, columns: ReadonlyMap<string, ColumnValues>, rows: number, decodeImage?: ImageDecoder): Promise<Float32Array> {
  const inputs = new Map<string, FeatureInput>();
  for (const segment of pipeline.segments) {
    const values = columns.get(segment.column);
    if (!values) throw new Error(`Column "${segment.column}" is missing; the model's featurizer reads it`);
    if (segment.type === 'image') {
      if (values.kind !== 'image') throw new Error(`Column "${segment.column}" holds ${values.kind} values; the model reads images there`);
      if (!decodeImage) throw new Error(`Column "${segment.column}" holds images, and images cannot be decoded here (no createImageBitmap and OffscreenCanvas)`);
      inputs.set(segment.column, await decodeImageColumn(values, decodeImage));
    } else {
      inputs.set(segment.column, values);
    }
  }
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  return pipeline.transform(inputs, order);
}

/**
 * Raw outputs (rows × `model.output.width`) of `rows` rows of table columns: through the saved featurizer and the
 * model ("table" mode), or straight into a tabular model ("columns" mode). A "tensor" model reads no columns.
 */
export async function predictTable(model: ScoringModel, columns: ReadonlyMap<string, ColumnValues>, rows: number, decodeImage?: ImageDecoder): Promise<Float32Array> {
  switch (model.input.kind) {
    case 'columns':
      return model.input.predict(columns, rows);
    case 'table':
      return model.predict(await featurizeColumns(model.input.pipeline, columns, rows, decodeImage), rows);
    default:
      throw new Error('This model reads rows of numbers, not table columns');
  }
}
