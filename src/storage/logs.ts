/**
 * @file Run logs: lines appended in batches, numbered per run (`seq`), read from the end.
 */
import { Dexie } from 'dexie';
import type { LogLevel } from '../protocol/run';
import type { LogRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest stored message, in characters; longer ones are cut and end with "…". */
export const MAX_LOG_MESSAGE = 10_000;

const LEVELS: ReadonlySet<LogLevel> = new Set(['debug', 'info', 'warn', 'error']);

/** A line to append; `time` is now by default. */
export interface NewLogEntry {
  level: LogLevel;
  message: string;
  time?: number;
}

/**
 * Appends lines to a run's log in one transaction, numbering them after the last stored line.
 * The run must exist. Returns the seq of the last line written (0 when `entries` is empty and the log is).
 */
export async function appendLogs(db: WorkspaceDb, runId: string, entries: readonly NewLogEntry[]): Promise<number> {
  for (const [i, entry] of entries.entries()) {
    if (!LEVELS.has(entry.level)) throw new Error(`Log entry ${i} has level "${entry.level}"; expected one of: ${[...LEVELS].join(', ')}`);
    if (typeof entry.message !== 'string') throw new Error(`Log entry ${i} has a ${typeof entry.message} message; expected text`);
  }
  return db.transaction('rw', db.runs, db.logs, async () => {
    if (!(await db.runs.get(runId))) throw new Error(`Run "${runId}" does not exist; its log lines were not written`);
    const last = await runLog(db, runId).last();
    let seq = last?.seq ?? 0;
    if (entries.length === 0) return seq;
    const now = Date.now();
    const records = entries.map((entry): LogRecord => ({
      runId,
      seq: ++seq,
      time: entry.time ?? now,
      level: entry.level,
      message: entry.message.length > MAX_LOG_MESSAGE ? `${entry.message.slice(0, MAX_LOG_MESSAGE - 1)}…` : entry.message,
    }));
    await db.logs.bulkAdd(records);
    return seq;
  });
}

/** The last `n` lines of a run's log, oldest first. */
export async function logsTail(db: WorkspaceDb, runId: string, n: number): Promise<LogRecord[]> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logsTail n is ${n}; expected an integer ≥ 0`);
  if (n === 0) return [];
  return (await runLog(db, runId).reverse().limit(n).toArray()).reverse();
}

/** Lines after `seq` (exclusive), oldest first: what a live log pane has not shown yet. */
export async function logsAfter(db: WorkspaceDb, runId: string, seq: number): Promise<LogRecord[]> {
  return db.logs.where('[runId+seq]').between([runId, seq], [runId, Dexie.maxKey], false, true).toArray();
}

function runLog(db: WorkspaceDb, runId: string) {
  return db.logs.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]);
}
