/**
 * @file The end of an AutoML job, for any caller (the CLI, the browser job): the recommended model refit on every
 * row with a target, and an honest explanation of it, measured on held-out rows: the same configuration refit on
 * the first fold's training rows, explained on that fold's validation rows.
 */
import type { AutoMLExplanation, AutoMLModelFile } from '../../protocol/automl';
import { explainAutoMLModel } from './explain';
import { loadAutoMLModel, refitAutoMLModel, type RefitOptions } from './final-model';
import type { RawColumn } from './guardrails';
import type { AutoMLResult } from './search';

/** Options of {@link finalizeAutoML}. */
export interface FinalizeOptions extends Omit<RefitOptions, 'rows'> {
  /** Shuffles per column for the importances (default 5). */
  repeats?: number;
  /** Called between the steps, for progress. */
  onPhase?: (phase: 'refitting' | 'explaining') => void;
}

/** The refit model (all rows with a target) and its explanation (held-out rows of fold 1). */
export async function finalizeAutoML(columns: readonly RawColumn[], result: AutoMLResult, options: FinalizeOptions): Promise<{ model: AutoMLModelFile; explanation: AutoMLExplanation }> {
  const { repeats = 5, onPhase, ...refit } = options;
  onPhase?.('refitting');
  const model = await refitAutoMLModel(columns, result, refit);
  onPhase?.('explaining');
  const fold = result.folds[0];
  const held = await refitAutoMLModel(columns, result, { ...refit, rows: fold.train });
  const nRows = columns[0]?.values.length ?? 0;
  const y = new Float64Array(nRows).fill(NaN);
  result.keptRows.forEach((raw, i) => (y[raw] = result.y[i]));
  const rows = Uint32Array.from(fold.validation, (r) => result.keptRows[r]);
  const basis = `validation rows of fold 1 (${rows.length} rows), ${repeats} repeats; the model refit on the other ${fold.train.length} rows`;
  const explanation = explainAutoMLModel(loadAutoMLModel(held), columns, y, rows, { metric: result.metric, seed: options.seed, repeats, basis });
  return { model, explanation };
}
