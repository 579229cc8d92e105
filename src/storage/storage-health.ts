/**
 * @file Quota and persistence: recognising a full disk in any of its disguises, how much space is
 * used, and asking the browser not to evict the lab.
 */
import { getMetaDb } from './connections';
import { MetaSettingKey, readSetting, writeSetting } from './meta-db';

/** Usage above this share of the quota deserves a warning. */
export const QUOTA_WARNING_RATIO = 0.8;

/** Names browsers and Dexie give a quota failure (Firefox's legacy one included). */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * True when `err` is a storage quota failure: a DOMException `QuotaExceededError` (or legacy code 22),
 * Dexie's `QuotaExceededError`, or a Dexie `AbortError`/`BulkError` wrapping one (`inner`, `cause`,
 * `failures`), or an error whose message mentions the quota.
 */
export function isQuotaError(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; message?: unknown; code?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (typeof e.name === 'string' && QUOTA_NAMES.has(e.name)) return true;
  if (e.code === 22 && e.name !== 'AbortError') return true;
  if (typeof e.message === 'string' && /quota/i.test(e.message)) return true;
  if (isQuotaError(e.inner, depth + 1) || isQuotaError(e.cause, depth + 1)) return true;
  const failures = e.failures;
  if (Array.isArray(failures)) return failures.some((f) => isQuotaError(f, depth + 1));
  if (failures && typeof failures === 'object') return Object.values(failures).some((f) => isQuotaError(f, depth + 1));
  return false;
}

/** Storage use of this origin; fields are absent where the browser does not say. */
export interface StorageEstimateResult {
  /** Bytes used. */
  usage?: number;
  /** Bytes available to this origin in all. */
  quota?: number;
  /** `usage / quota`, when both are known and the quota is positive. */
  ratio?: number;
  /** True when `ratio >= QUOTA_WARNING_RATIO`. */
  nearlyFull: boolean;
}

/** `navigator.storage.estimate()`, tolerant of its absence (old browsers, Node) and of its failure. */
export async function storageEstimate(): Promise<StorageEstimateResult> {
  let estimate: StorageEstimate | undefined;
  try {
    estimate = await globalThis.navigator?.storage?.estimate?.();
  } catch {
    estimate = undefined;
  }
  const usage = estimate?.usage;
  const quota = estimate?.quota;
  const ratio = usage !== undefined && quota !== undefined && quota > 0 ? usage / quota : undefined;
  return {
    ...(usage === undefined ? {} : { usage }),
    ...(quota === undefined ? {} : { quota }),
    ...(ratio === undefined ? {} : { ratio }),
    nearlyFull: ratio !== undefined && ratio >= QUOTA_WARNING_RATIO,
  };
}

/** What a persistence request found. */
export interface PersistenceResult {
  /** True when the browser will not evict this origin's storage under pressure. */
  persisted: boolean;
  /** False where the Storage API is unavailable. */
  supported: boolean;
}

/**
 * Asks the browser to keep this origin's storage (`navigator.storage.persist()`), once: the
 * request is remembered in the meta database and not repeated (browsers may prompt the user).
 * Later calls report `navigator.storage.persisted()`.
 */
export async function requestPersistence(): Promise<PersistenceResult> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist || !storage.persisted) return { persisted: false, supported: false };
  if (await storage.persisted()) return { persisted: true, supported: true };
  const settings = getMetaDb().settings;
  if (await readSetting<boolean>(settings, MetaSettingKey.persistenceRequested)) return { persisted: false, supported: true };
  await writeSetting(settings, MetaSettingKey.persistenceRequested, true);
  return { persisted: await storage.persist(), supported: true };
}

/** True once `requestPersistence` has asked the browser. */
export async function wasPersistenceRequested(): Promise<boolean> {
  return (await readSetting<boolean>(getMetaDb().settings, MetaSettingKey.persistenceRequested)) === true;
}
