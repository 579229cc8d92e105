/**
 * @file Per-deployment request statistics kept as counters plus a small rolling window of recent latencies, so p50
 * and p95 reflect current behaviour and storage stays a few kilobytes however many requests arrive.
 */
import type { DeploymentStats } from '../../protocol/scoring';

/** Latencies kept for percentiles (the most recent ones). */
export const LATENCY_WINDOW = 200;

/** Statistics of a deployment that has received nothing. */
export function emptyDeploymentStats(): DeploymentStats {
  return { requests: 0, errors: 0, mirrored: 0, mirrorErrors: 0, totalMs: 0, recentMs: [] };
}

/** One request's outcome. */
export interface InvocationOutcome {
  /** Milliseconds from receiving the request to having its answer. */
  ms: number;
  /** False for an answer with status ≥ 400. */
  ok: boolean;
  /** True when the deployment scored a shadow copy (its answer was not returned). */
  mirror: boolean;
  /** Epoch milliseconds. */
  at: number;
}

/** `stats` with `outcome` added (a new object; `stats` is not changed). */
export function addInvocation(stats: DeploymentStats | undefined, outcome: InvocationOutcome): DeploymentStats {
  const base = stats ?? emptyDeploymentStats();
  if (outcome.mirror) {
    return { ...base, mirrored: base.mirrored + 1, mirrorErrors: base.mirrorErrors + (outcome.ok ? 0 : 1), lastAt: outcome.at };
  }
  const ms = Math.max(0, outcome.ms);
  const recentMs = [...base.recentMs, Math.round(ms * 100) / 100].slice(-LATENCY_WINDOW);
  return { ...base, requests: base.requests + 1, errors: base.errors + (outcome.ok ? 0 : 1), totalMs: base.totalMs + ms, recentMs, lastAt: outcome.at };
}

/** The `p`-th percentile (0..100) of `values` by the nearest-rank method; `undefined` for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}

/** What the endpoint page shows for a deployment. */
export interface LatencySummary {
  requests: number;
  errors: number;
  mirrored: number;
  meanMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  /** Requests behind p50 and p95. */
  windowSize: number;
}

/** Counts, the mean latency and the recent p50 and p95. */
export function summarizeStats(stats: DeploymentStats | undefined): LatencySummary {
  const s = stats ?? emptyDeploymentStats();
  const summary: LatencySummary = { requests: s.requests, errors: s.errors, mirrored: s.mirrored, windowSize: s.recentMs.length };
  if (s.requests > 0) summary.meanMs = s.totalMs / s.requests;
  const p50 = percentile(s.recentMs, 50);
  const p95 = percentile(s.recentMs, 95);
  if (p50 !== undefined) summary.p50Ms = p50;
  if (p95 !== undefined) summary.p95Ms = p95;
  return summary;
}
