/**
 * @file The one error type of the ingest core: a machine-readable code plus a message for people.
 */

/** Why an import was refused. */
export type IngestErrorCode =
  | 'unknown-format'
  | 'empty-file'
  | 'binary-file'
  | 'no-rows'
  | 'unclosed-quote'
  | 'bad-json'
  | 'too-large'
  | 'bad-parquet'
  | 'bad-zip'
  | 'no-images';

/**
 * A refused import. `message` names the bad value and what was expected, e.g.
 * `"data.csv" does not look like text (found binary bytes at offset 12); expected a CSV text file`.
 */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly code: IngestErrorCode;

  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Throws a DOMException named 'AbortError' when `signal` is aborted (what `fetch` throws, so callers can test `name`). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('The import was canceled', 'AbortError');
}
