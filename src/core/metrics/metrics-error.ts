/**
 * @file The one error type of the metrics core: a machine-readable code plus a message that names the bad value
 * and what was expected.
 */

/** Why a metric refused its input. */
export type MetricsErrorCode =
  | 'empty-input'
  | 'length-mismatch'
  | 'bad-label'
  | 'bad-probabilities'
  | 'not-finite'
  | 'single-class'
  | 'bad-argument';

/**
 * Refused metric input, e.g.
 * `Prediction at row 12 is NaN; expected a finite number`.
 */
export class MetricsError extends Error {
  override readonly name = 'MetricsError';
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
