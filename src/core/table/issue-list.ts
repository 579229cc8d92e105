/**
 * @file A bounded list of import issues: the first few of each code are kept, the rest are counted.
 */
import type { ImportIssue } from '../../protocol/dataset';

/** Issues kept per code before the rest are only counted. */
export const DEFAULT_ISSUE_LIMIT = 20;

/** Collects {@link ImportIssue}s, keeping at most `limit` per code and summarising the overflow in one extra issue. */
export class IssueList {
  readonly #limit: number;
  readonly #kept: ImportIssue[] = [];
  readonly #perCode = new Map<ImportIssue['code'], number>();

  /** @param limit issues kept per code (default {@link DEFAULT_ISSUE_LIMIT}). */
  constructor(limit: number = DEFAULT_ISSUE_LIMIT) {
    this.#limit = Math.max(0, Math.floor(limit));
  }

  /** Records one issue (kept if fewer than `limit` of its code were recorded, else only counted). */
  add(issue: ImportIssue): void {
    const n = (this.#perCode.get(issue.code) ?? 0) + 1;
    this.#perCode.set(issue.code, n);
    if (n <= this.#limit) this.#kept.push(issue);
  }

  /** Number of issues recorded with `code`, kept or not. */
  count(code: ImportIssue['code']): number {
    return this.#perCode.get(code) ?? 0;
  }

  /** The kept issues in arrival order, then one summary issue per code that overflowed ("... and 1234 more"). */
  toArray(): ImportIssue[] {
    const out = this.#kept.slice();
    for (const [code, n] of this.#perCode) {
      if (n > this.#limit) out.push({ code, message: `... and ${n - this.#limit} more "${code}" issues not listed` });
    }
    return out;
  }
}
