/**
 * @file Errors of a scoring request, carrying the HTTP status and MLflow error code the endpoint answers with.
 */
import type { ScoringErrorBody, ScoringErrorCode } from '../../protocol/scoring';

/** HTTP status of each error code. */
export const SCORING_ERROR_STATUS: Readonly<Record<ScoringErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  REQUEST_LIMIT_EXCEEDED: 413,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
});

/** A scoring failure with its answer: the message names the column, row or limit at fault. */
export class ScoringError extends Error {
  override name = 'ScoringError';
  readonly errorCode: ScoringErrorCode;

  constructor(errorCode: ScoringErrorCode, message: string) {
    super(message);
    this.errorCode = errorCode;
  }

  /** The HTTP status for {@link ScoringError.errorCode}. */
  get status(): number {
    return SCORING_ERROR_STATUS[this.errorCode];
  }

  /** The JSON body of the answer. */
  toBody(): ScoringErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** A 400 `BAD_REQUEST`. */
export function badRequest(message: string): ScoringError {
  return new ScoringError('BAD_REQUEST', message);
}

/** The status and body for any error: a {@link ScoringError} as it says, anything else as a 500 with its message. */
export function scoringErrorAnswer(err: unknown): { status: number; body: ScoringErrorBody } {
  if (err instanceof ScoringError) return { status: err.status, body: err.toBody() };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: `The model could not score the request: ${message}` } };
}
