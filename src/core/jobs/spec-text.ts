/**
 * @file A training spec typed as JSON text (the lab's spec editor): parsed with the location of every value, then
 * validated by `parseTrainSpec`. Each problem carries the text range to underline and its line and column, whether it
 * is a syntax error (`3:17 expected "," or "}" after a member, found "\""`) or a bad field
 * (`model.layers[0].units: expected an integer from 1 to 4096, got 0`).
 */
import type { SpecIssue, TrainSpec } from '../../protocol/train';
import { lineAndColumn, parseJsonWithLocations, type JsonLocation, type JsonRange } from './json-source-map';
import { parseTrainSpec, type TrainDatasetContext } from './train-spec';

/** One problem in a spec's text: `syntax` (not JSON) or `spec` (JSON, but not a valid spec; `path` names the field). */
export interface SpecTextIssue extends SpecIssue {
  kind: 'syntax' | 'spec';
  /** The text to underline, as character offsets. */
  from: number;
  to: number;
  /** Of `from`, counting from 1. */
  line: number;
  column: number;
}

/** A valid spec (complete with defaults), or every problem found (one, for a syntax error). */
export type SpecTextResult = { ok: true; spec: TrainSpec } | { ok: false; issues: SpecTextIssue[] };

/** Parses and validates a spec written as JSON text; `dataset` also checks the columns it names. */
export function parseTrainSpecText(text: string, dataset?: TrainDatasetContext): SpecTextResult {
  const json = parseJsonWithLocations(text);
  if (!json.ok) {
    const { offset, line, column, message } = json.error;
    const to = Math.min(text.length, offset + 1);
    return { ok: false, issues: [{ kind: 'syntax', path: '(root)', message, from: Math.min(offset, to), to, line, column }] };
  }
  const result = parseTrainSpec(json.value, dataset);
  if (result.ok) return result;
  const issues = result.issues.map((issue): SpecTextIssue => {
    const range = issueRange(issue, json.locations, text);
    return { kind: 'spec', ...issue, ...range, ...lineAndColumn(text, range.from) };
  });
  return { ok: false, issues: issues.sort((a, b) => a.from - b.from) };
}

/** How an issue reads in a list: `line:column path: message` (syntax errors have no path). */
export function formatSpecTextIssue(issue: SpecTextIssue): string {
  const where = `${issue.line}:${issue.column}`;
  return issue.kind === 'syntax' ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/**
 * The text an issue is about: an unknown field's key; a present value; for a missing field, the key (or first
 * character) of the nearest enclosing value that is there.
 */
function issueRange(issue: SpecIssue, locations: ReadonlyMap<string, JsonLocation>, text: string): JsonRange {
  const exact = locations.get(issue.path);
  if (exact) return issue.message.startsWith('unknown field') && exact.key ? exact.key : exact.value;
  for (let path = parentPath(issue.path); path !== null; path = parentPath(path)) {
    const location = locations.get(path);
    if (location) return location.key ?? { from: location.value.from, to: location.value.from + 1 };
  }
  return { from: 0, to: Math.min(1, text.length) };
}

const LAST_SEGMENT = /(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\]|\.[A-Za-z_$][\w$]*)$/;

/** The path of the value holding `path` (`model.layers[0]` for `model.layers[0].units`); null above the root. */
export function parentPath(path: string): string | null {
  if (path === '(root)') return null;
  const stripped = path.replace(LAST_SEGMENT, '');
  if (stripped === path || stripped === '') return '(root)';
  return stripped;
}
