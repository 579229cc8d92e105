/**
 * @file A sweep spec typed as JSON text (the new-sweep form's advanced editor): parsed with the location of every
 * value, then validated by `parseSweepSpec`; each problem carries the range to underline and its line and column, as
 * the training spec's editor does (`src/core/jobs/spec-text.ts`).
 */
import type { SweepSpec } from '../../protocol/sweep';
import type { TrainDatasetContext } from '../../core/jobs/train-spec';
import { lineAndColumn, parseJsonWithLocations, type JsonLocation, type JsonRange } from '../../core/jobs/json-source-map';
import { parentPath, type SpecTextIssue } from '../../core/jobs/spec-text';
import { parseSweepSpec } from '../../core/tune/sweep-spec';

/** A valid sweep spec (complete with defaults), or every problem found (one, for a syntax error). */
export type SweepSpecTextResult = { ok: true; spec: SweepSpec } | { ok: false; issues: SpecTextIssue[] };

/** Parses and validates a sweep spec written as JSON text; `dataset` also checks the columns its base spec names. */
export function parseSweepSpecText(text: string, dataset?: TrainDatasetContext): SweepSpecTextResult {
  const json = parseJsonWithLocations(text);
  if (!json.ok) {
    const { offset, line, column, message } = json.error;
    const to = Math.min(text.length, offset + 1);
    return { ok: false, issues: [{ kind: 'syntax', path: '(root)', message, from: Math.min(offset, to), to, line, column }] };
  }
  const result = parseSweepSpec(json.value, dataset);
  if (result.ok) return result;
  const issues = result.issues.map((issue): SpecTextIssue => {
    const range = issueRange(issue.path, issue.message, json.locations, text);
    return { kind: 'spec', ...issue, ...range, ...lineAndColumn(text, range.from) };
  });
  return { ok: false, issues: issues.sort((a, b) => a.from - b.from) };
}

/** The text an issue is about: an unknown field's key, a present value, or the nearest enclosing value that is there. */
function issueRange(path: string, message: string, locations: ReadonlyMap<string, JsonLocation>, text: string): JsonRange {
  const exact = locations.get(path);
  if (exact) return message.startsWith('unknown field') && exact.key ? exact.key : exact.value;
  for (let at = parentPath(path); at !== null; at = parentPath(at)) {
    const location = locations.get(at);
    if (location) return location.key ?? { from: location.value.from, to: location.value.from + 1 };
  }
  return { from: 0, to: Math.min(1, text.length) };
}
