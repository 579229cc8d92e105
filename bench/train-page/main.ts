/**
 * @file Bench page for bench/train.mjs: runs each task in a fresh Web Worker (one TF.js backend per worker) and
 * counts the live-metric messages the lab loop posts back, as the app's page would receive them.
 */
import type { BenchReply, BenchTask } from './train.worker';

/** Runs `task` in a fresh worker; rejects after `timeoutMs` (the worker is terminated either way). */
async function runTask(task: BenchTask, timeoutMs: number): Promise<BenchReply & { progressMessages: number }> {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: `bench-train-${task.backend}` });
  let progressMessages = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const reply = await new Promise<BenchReply>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      worker.onmessage = (e: MessageEvent<BenchReply | { type: 'progress' }>) => {
        if (e.data.type === 'progress') progressMessages++;
        else resolve(e.data);
      };
      worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      worker.postMessage(task);
    });
    return { ...reply, progressMessages };
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

Object.assign(window, { runTask, benchReady: true });
