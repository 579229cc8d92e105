/**
 * @file The durable facts a running job writes: metric points and log lines, buffered and written to storage in
 * batches (one transaction each) so that live charts update without a write per batch.
 */
import type { LogLevel, MetricSplit } from '../protocol/run';
import { appendLogs, type NewLogEntry } from '../storage/logs';
import { appendMetrics } from '../storage/metrics';
import type { MetricRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** Buffered points past which {@link RunJournal.maybeFlush} writes. */
const MAX_BUFFERED = 256;
/** Milliseconds past which {@link RunJournal.maybeFlush} writes. */
const MAX_DELAY_MS = 1000;

/** Metric points and log lines of one run, written in batches. */
export class RunJournal {
  readonly #db: WorkspaceDb;
  readonly #runId: string;
  readonly #now: () => number;
  #metrics: MetricRecord[] = [];
  #logs: NewLogEntry[] = [];
  #lastFlush: number;

  constructor(db: WorkspaceDb, runId: string, now: () => number = Date.now) {
    this.#db = db;
    this.#runId = runId;
    this.#now = now;
    this.#lastFlush = now();
  }

  /** Buffers one point; a non-finite value (a diverged loss) is kept as is. */
  metric(key: string, step: number, value: number, split?: MetricSplit): void {
    this.#metrics.push({ runId: this.#runId, key, step, value, time: this.#now(), ...(split ? { split } : {}) });
  }

  /** Buffers one log line. */
  log(level: LogLevel, message: string): void {
    this.#logs.push({ level, message, time: this.#now() });
  }

  /** Writes when enough points are buffered or enough time has passed. */
  async maybeFlush(): Promise<void> {
    if (this.#metrics.length >= MAX_BUFFERED || this.#now() - this.#lastFlush >= MAX_DELAY_MS) await this.flush();
  }

  /** Writes everything buffered. */
  async flush(): Promise<void> {
    const metrics = this.#metrics;
    const logs = this.#logs;
    this.#metrics = [];
    this.#logs = [];
    this.#lastFlush = this.#now();
    if (metrics.length > 0) await appendMetrics(this.#db, metrics);
    if (logs.length > 0) await appendLogs(this.#db, this.#runId, logs);
  }
}
