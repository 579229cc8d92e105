/**
 * @file The traffic split of an endpoint: each deployment's share of the requests (whole percentages summing to 100)
 * and the share of requests it also receives as a shadow copy (mirroring, 0 to 100).
 */

/** One deployment's shares, with a label for messages (`iris v2`). */
export interface TrafficShare {
  label: string;
  trafficPercent: number;
  mirrorPercent?: number;
}

/** A traffic split that cannot be saved: the message says why and what to change. */
export class TrafficSplitError extends Error {
  override name = 'TrafficSplitError';
}

/** Why `shares` is not a valid split, or `undefined` when it is. An endpoint without deployments has nothing to split. */
export function trafficSplitProblem(shares: readonly TrafficShare[]): string | undefined {
  for (const share of shares) {
    const { label, trafficPercent, mirrorPercent = 0 } = share;
    if (!Number.isInteger(trafficPercent) || trafficPercent < 0 || trafficPercent > 100) {
      return `The traffic of ${label} is ${String(trafficPercent)}; expected a whole percentage from 0 to 100`;
    }
    if (!Number.isInteger(mirrorPercent) || mirrorPercent < 0 || mirrorPercent > 100) {
      return `The mirrored share of ${label} is ${String(mirrorPercent)}; expected a whole percentage from 0 to 100`;
    }
  }
  if (shares.length === 0) return undefined;
  const total = shares.reduce((sum, s) => sum + s.trafficPercent, 0);
  if (total !== 100) {
    const listed = shares.map((s) => `${s.label} ${s.trafficPercent}%`).join(' + ');
    return `The traffic split sums to ${total}% (${listed}); it must sum to 100%`;
  }
  return undefined;
}

/** Throws a {@link TrafficSplitError} when `shares` is not a valid split. */
export function checkTrafficSplit(shares: readonly TrafficShare[]): void {
  const problem = trafficSplitProblem(shares);
  if (problem !== undefined) throw new TrafficSplitError(problem);
}
