/**
 * @file Turns raw header cells into unique, non-empty column names.
 * Names such as `__proto__` are ordinary names here: only arrays and Sets are used, never objects keyed by name.
 */
import type { ImportIssue } from '../../protocol/dataset';

/** Result of {@link uniqueHeaderNames}: one entry per input cell. */
export interface HeaderNames {
  names: string[];
  /** The original header where the name was changed, else `undefined`. */
  originalNames: (string | undefined)[];
  /** One 'renamed-header' issue per changed name. */
  issues: ImportIssue[];
}

/**
 * Makes header names unique and non-empty: an empty (or blank) header at position 5 becomes `column 5`,
 * a repeated name gets ` (2)`, ` (3)`, ... (skipping names already taken).
 */
export function uniqueHeaderNames(raw: readonly unknown[]): HeaderNames {
  const texts = raw.map((cell) => (cell === null || cell === undefined ? '' : typeof cell === 'string' ? cell : String(cell)));
  const taken = new Set<string>();
  // reserve the non-empty original names first so that "a (2)" in the file is never stolen by a renamed "a"
  const firstUse = new Set<string>();
  for (const t of texts) if (t.trim() !== '') firstUse.add(t);
  const names: string[] = [];
  const originalNames: (string | undefined)[] = [];
  const issues: ImportIssue[] = [];
  texts.forEach((text, i) => {
    let name = text;
    if (text.trim() === '') {
      name = `column ${i + 1}`;
      for (let k = 2; taken.has(name) || firstUse.has(name); k++) name = `column ${i + 1} (${k})`;
    } else if (taken.has(text)) {
      for (let k = 2; ; k++) {
        name = `${text} (${k})`;
        if (!taken.has(name) && !firstUse.has(name)) break;
      }
    }
    taken.add(name);
    names.push(name);
    if (name !== text) {
      originalNames.push(text);
      issues.push({
        code: 'renamed-header',
        message: text.trim() === '' ? `Column ${i + 1} has an empty header; named it "${name}"` : `Header "${text}" is repeated; column ${i + 1} renamed "${name}"`,
      });
    } else {
      originalNames.push(undefined);
    }
  });
  return { names, originalNames, issues };
}
