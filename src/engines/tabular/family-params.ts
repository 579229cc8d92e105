/**
 * @file Reading a family's parameters from JSON (a trial's parameters, a stored model): each field checked against
 * its range, defaults filled in, unknown fields refused with the list of known ones.
 */

/** Parameters as given: any JSON object, possibly partial; absent fields take their defaults. */
export type ParamsInput = Readonly<Record<string, unknown>> | undefined;

/** Reads one family's parameters; call {@link ParamReader.done} last to refuse unknown fields. */
export class ParamReader {
  readonly #label: string;
  readonly #input: Readonly<Record<string, unknown>>;
  readonly #known: string[] = [];

  constructor(label: string, input: ParamsInput) {
    if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
      throw new Error(`${label} parameters must be an object; got ${JSON.stringify(input)}`);
    }
    this.#label = label;
    this.#input = input ?? {};
  }

  #value(key: string): unknown {
    this.#known.push(key);
    return Object.prototype.hasOwnProperty.call(this.#input, key) ? this.#input[key] : undefined;
  }

  #fail(key: string, expected: string, got: unknown): never {
    throw new Error(`${this.#label} parameter "${key}" must be ${expected}; got ${JSON.stringify(got)}`);
  }

  /** A number in `[min, max]` (`min` excluded when `minExclusive`). */
  number(key: string, fallback: number, min: number, max: number, minExclusive = false): number {
    const v = this.#value(key);
    if (v === undefined) return fallback;
    const ok = typeof v === 'number' && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && v <= max;
    if (!ok) this.#fail(key, `a number ${minExclusive ? 'greater than' : 'from'} ${min}${max === Infinity ? '' : ` ${minExclusive ? 'and at most' : 'to'} ${max}`}`, v);
    return v;
  }

  /** An integer in `[min, max]`; a float within 1e-9 of an integer is accepted (what quantized samplers give). */
  int(key: string, fallback: number, min: number, max: number): number {
    const v = this.#value(key);
    return v === undefined ? fallback : this.#integer(key, v, min, max);
  }

  /** An integer in `[min, max]`, or null (no limit). */
  intOrNull(key: string, fallback: number | null, min: number, max: number): number | null {
    const v = this.#value(key);
    if (v === undefined) return fallback;
    return v === null ? null : this.#integer(key, v, min, max);
  }

  #integer(key: string, v: unknown, min: number, max: number): number {
    const rounded = typeof v === 'number' ? Math.round(v) : NaN;
    if (typeof v !== 'number' || Math.abs(v - rounded) > 1e-9 || rounded < min || rounded > max) {
      this.#fail(key, `an integer from ${min}${max === Infinity ? '' : ` to ${max}`}`, v);
    }
    return rounded;
  }

  /** One of `values`. */
  choice<T extends string | boolean>(key: string, fallback: T, values: readonly T[]): T {
    const v = this.#value(key);
    if (v === undefined) return fallback;
    if (!values.includes(v as T)) this.#fail(key, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    return v as T;
  }

  /** The field as given (undefined when absent), for a caller that checks it itself. */
  raw(key: string): unknown {
    return this.#value(key);
  }

  /** Throws if the input has a field no reader asked for. */
  done(): void {
    const unknown = Object.keys(this.#input).filter((key) => !this.#known.includes(key));
    if (unknown.length > 0) {
      throw new Error(`${this.#label} has no parameter ${unknown.map((k) => `"${k}"`).join(', ')}; known parameters: ${this.#known.join(', ')}`);
    }
  }
}
