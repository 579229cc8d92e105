/**
 * @file Messages between the tabs of one workspace (a `BroadcastChannel` named
 * `benchtop-runtime:<workspaceId>`): a tab asks the leader to cancel a run or to look at the queue again; the
 * leader shares live progress. Storage stays the source of truth: a lost message delays, never corrupts.
 */
import type { TrainJobProgress } from '../protocol/train-worker';

/** A message on the runtime channel. */
export type RuntimeMessage =
  /** To the leader: cancel this run. */
  | { type: 'cancel'; runId: string }
  /** To the leader: the queue or the settings changed; schedule again. */
  | { type: 'wake' }
  /** From the leader: live progress of a running run. */
  | { type: 'progress'; runId: string; progress: TrainJobProgress };

/** The part of `BroadcastChannel` the runtime uses (a fake in tests). */
export interface RuntimeChannelPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** Opens a channel port by name. */
export type RuntimeChannelFactory = (name: string) => RuntimeChannelPort;

/** Name of the runtime channel of `workspaceId`. */
export function runtimeChannelName(workspaceId: string): string {
  return `benchtop-runtime:${workspaceId}`;
}

/** A `BroadcastChannel`, or a port that goes nowhere where there is none (the only tab is the leader then). */
export function openBroadcastChannel(name: string): RuntimeChannelPort {
  if (typeof BroadcastChannel === 'function') return new BroadcastChannel(name);
  return { postMessage() {}, addEventListener() {}, close() {} };
}

/** `data` as a runtime message, or `undefined` when it is not one (another version of the app, a stray post). */
export function parseRuntimeMessage(data: unknown): RuntimeMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (message.type === 'wake') return { type: 'wake' };
  if (typeof message.runId !== 'string' || message.runId.length === 0 || message.runId.length > 200) return undefined;
  if (message.type === 'cancel') return { type: 'cancel', runId: message.runId };
  const progress = message.progress as { status?: unknown } | null | undefined;
  if (message.type === 'progress' && typeof progress === 'object' && progress !== null && typeof progress.status === 'string') {
    return { type: 'progress', runId: message.runId, progress: progress as TrainJobProgress };
  }
  return undefined;
}
