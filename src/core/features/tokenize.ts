/**
 * @file The one tokenizer text featurizers share: NFKC-normalised, lower-cased runs of letters, marks and digits
 * (inner apostrophes kept: `don't`), with each Han ideograph a token of its own (no dictionary segmentation).
 */

// A word: letters/marks/digits other than Han, optionally joined by apostrophes; or one Han ideograph.
const TOKEN = /(?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+(?:['’](?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+)*|\p{sc=Han}/gu;

/** Splits `text` into lower-case tokens; punctuation, spaces and symbols separate tokens and are dropped. */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}
