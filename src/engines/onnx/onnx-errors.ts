/**
 * @file Errors of the ONNX engine. Each has a `name` that survives a worker boundary (comlink rethrows name and
 * message) and a message that says what is wrong and what was expected.
 */

/** Why a file was refused before it reached the runtime. */
export type OnnxModelErrorCode = 'empty' | 'too-large' | 'not-onnx' | 'truncated' | 'external-data' | 'too-big-tensor' | 'data-mismatch' | 'unsupported';

/** A file that is not a model this lab will load (checked before onnxruntime sees it). */
export class OnnxModelError extends Error {
  readonly code: OnnxModelErrorCode;

  constructor(code: OnnxModelErrorCode, message: string) {
    super(message);
    this.name = 'OnnxModelError';
    this.code = code;
  }
}

/** onnxruntime refused a model or a run; the message carries its reason. */
export class OnnxRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxRuntimeError';
  }
}

/** Inputs that do not fit the model (names, types, shapes). */
export class OnnxInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxInputError';
  }
}

/** A load or run that took longer than allowed. */
export class OnnxTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxTimeoutError';
  }
}

/** onnxruntime's message without its prefix and error code (`Failed to load model because ...`). */
export function runtimeReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const match = /ERROR_MESSAGE:\s*([\s\S]*)$/.exec(text);
  return (match ? match[1] : text).trim();
}

/** Rejects with an {@link OnnxTimeoutError} when `promise` has not settled after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OnnxTimeoutError(`${what} took longer than ${Math.round(ms / 100) / 10} s and was stopped`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
