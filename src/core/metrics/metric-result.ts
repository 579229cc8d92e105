/**
 * @file A metric that may be undefined for the data at hand (ROC AUC with one class present, say): either a number
 * or `null` with the reason, never NaN, so that reports stay JSON-serialisable and say why a value is missing.
 */

/**
 * A defined metric value (with an optional note on how it was computed, e.g. which classes an average skipped),
 * or `null` with a human reason.
 */
export type MetricResult = { value: number; note?: string } | { value: null; reason: string };

/** A defined metric value. */
export function defined(value: number, note?: string): MetricResult {
  return note === undefined ? { value } : { value, note };
}

/** An undefined metric value and why. */
export function undefinedMetric(reason: string): MetricResult {
  return { value: null, reason };
}
