/**
 * @file A completed run → its share payload (pure): the spec and seed, where the data comes from, and the recorded
 * metrics in the payload's compact form. Series are kept whole; when they pass {@link MAX_POINTS} together, the
 * per-batch series (`batch_*`) are left out first, largest first, and named in `metrics.omitted`.
 */
import type { LibraryVersion, MetricSplit, MetricValue, ComputeBackend } from '../../protocol/run';
import type { TrainSpec } from '../../protocol/train';
import { MAX_NAME_CHARS, MAX_POINTS, MAX_SERIES, SHARE_FORMAT, SHARE_VERSION, type SharedDataset, type SharedSeries, type SharePayload } from './payload';

/** One stored metric point, as storage returns it (sorted by step within a key). */
export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  split?: MetricSplit;
}

/** What a payload is made from. */
export interface ShareSource {
  appVersion: string;
  /** Epoch milliseconds. */
  now: number;
  run: { name: string; spec: TrainSpec; backend?: ComputeBackend; libraries: readonly LibraryVersion[]; summary: readonly MetricValue[] };
  /** Every stored series of the run, one array of points per key. */
  series: readonly (readonly MetricPoint[])[];
  dataset: SharedDataset;
}

/** Builds the payload; `validateSharePayload` (through `encodeSharePayload`) checks it. */
export function buildSharePayload(source: ShareSource): SharePayload {
  const { run } = source;
  const { series, omitted } = compactSeries(source.series);
  return {
    format: SHARE_FORMAT,
    version: SHARE_VERSION,
    appVersion: source.appVersion,
    sharedAt: source.now,
    run: {
      name: run.name.slice(0, MAX_NAME_CHARS),
      ...(run.backend === undefined ? {} : { backend: run.backend }),
      libraries: run.libraries.slice(0, 32).map((l) => ({ name: l.name, version: l.version })),
    },
    spec: run.spec,
    seed: run.spec.seed,
    dataset: source.dataset,
    metrics: {
      series,
      summary: run.summary.slice(0, MAX_SERIES).map((m) => ({ key: m.key, value: finiteOrNull(m.value) })),
      omitted,
    },
  };
}

/** Stored series → payload series, within the point and series caps. */
export function compactSeries(stored: readonly (readonly MetricPoint[])[]): { series: SharedSeries[]; omitted: string[] } {
  const all = stored.filter((points) => points.length > 0).map(toShared);
  const omitted: string[] = [];
  // Per-batch curves go first (largest first): the epoch curves are what a reader and the verdict need most.
  const droppable = all.filter((s) => s.key.startsWith('batch_')).sort((a, b) => b.steps.length - a.steps.length);
  let kept = all;
  let points = all.reduce((sum, s) => sum + s.steps.length, 0);
  for (const series of droppable) {
    if (points <= MAX_POINTS && kept.length <= MAX_SERIES) break;
    kept = kept.filter((s) => s !== series);
    points -= series.steps.length;
    omitted.push(series.key);
  }
  // Still over: the longest remaining series go too (a run with tens of thousands of epochs).
  while ((points > MAX_POINTS || kept.length > MAX_SERIES) && kept.length > 0) {
    const longest = kept.reduce((a, b) => (b.steps.length > a.steps.length ? b : a));
    kept = kept.filter((s) => s !== longest);
    points -= longest.steps.length;
    omitted.push(longest.key);
  }
  return { series: kept, omitted: omitted.slice(0, MAX_SERIES) };
}

function toShared(points: readonly MetricPoint[]): SharedSeries {
  const first = points[0];
  return {
    key: first.key,
    ...(first.split === undefined ? {} : { split: first.split }),
    steps: points.map((p) => p.step),
    values: points.map((p) => finiteOrNull(p.value)),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
