import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { MAX_LOG_MESSAGE, appendLogs, logsAfter, logsTail } from './logs';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let runId: string;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  runId = (await makeTestRun(db, {}, 'running')).id;
});

describe('logs', () => {
  it('numbers lines per run across batches and reads the tail in order', async () => {
    expect(await appendLogs(db, runId, [{ level: 'info', message: 'line 1', time: 5 }, { level: 'warn', message: 'line 2' }])).toBe(2);
    const other = (await makeTestRun(db)).id;
    expect(await appendLogs(db, other, [{ level: 'debug', message: 'elsewhere' }])).toBe(1);
    expect(await appendLogs(db, runId, Array.from({ length: 10 }, (_, i) => ({ level: 'info' as const, message: `line ${i + 3}` })))).toBe(12);
    expect(await appendLogs(db, runId, [])).toBe(12);
    const tail = await logsTail(db, runId, 3);
    expect(tail.map((l) => [l.seq, l.message])).toEqual([[10, 'line 10'], [11, 'line 11'], [12, 'line 12']]);
    expect((await logsTail(db, runId, 100)).map((l) => l.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await logsTail(db, runId, 100))[0]).toEqual({ runId, seq: 1, time: 5, level: 'info', message: 'line 1' });
    expect(await logsTail(db, runId, 0)).toEqual([]);
    expect((await logsAfter(db, runId, 10)).map((l) => l.seq)).toEqual([11, 12]);
    expect((await logsTail(db, other, 5)).map((l) => l.message)).toEqual(['elsewhere']);
  });

  it('cuts long messages and refuses bad levels, bad n and missing runs', async () => {
    await appendLogs(db, runId, [{ level: 'error', message: 'x'.repeat(MAX_LOG_MESSAGE + 5) }]);
    const [line] = await logsTail(db, runId, 1);
    expect(line.message).toHaveLength(MAX_LOG_MESSAGE);
    expect(line.message.endsWith('…')).toBe(true);
    await expect(appendLogs(db, runId, [{ level: 'fatal' as never, message: 'x' }])).rejects.toThrow('Log entry 0 has level "fatal"; expected one of: debug, info, warn, error');
    await expect(appendLogs(db, 'gone', [{ level: 'info', message: 'x' }])).rejects.toThrow('Run "gone" does not exist');
    await expect(logsTail(db, runId, -1)).rejects.toThrow('logsTail n is -1');
  });
});
