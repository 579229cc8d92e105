import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetStorage } from '../test/storage-fixtures';
import { QUOTA_WARNING_RATIO, isQuotaError, requestPersistence, storageEstimate, wasPersistenceRequested } from './storage-health';

beforeEach(resetStorage);
afterEach(() => vi.unstubAllGlobals());

describe('isQuotaError', () => {
  it('recognises a quota error in its disguises', () => {
    const dom = new DOMException('Quota exceeded', 'QuotaExceededError');
    expect(isQuotaError(dom)).toBe(true);
    expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted', dom))).toBe(true);
    expect(isQuotaError(Object.assign(new Error('aborted'), { name: 'AbortError', inner: { name: 'QuotaExceededError' } }))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new Error('x', { cause: dom }))).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: [new Error('ok'), dom] })).toBe(true);
  });

  it('does not cry wolf', () => {
    expect(isQuotaError(new Error('Constraint failed'))).toBe(false);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });
});

describe('storageEstimate', () => {
  it('reports usage, quota and whether it is nearly full', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 85, quota: 100 }) } });
    expect(await storageEstimate()).toEqual({ usage: 85, quota: 100, ratio: 0.85, nearlyFull: true });
    expect(QUOTA_WARNING_RATIO).toBe(0.8);
  });

  it('tolerates an absent or failing Storage API', async () => {
    vi.stubGlobal('navigator', {});
    expect(await storageEstimate()).toEqual({ nearlyFull: false });
    vi.stubGlobal('navigator', { storage: { estimate: () => Promise.reject(new Error('no')) } });
    expect(await storageEstimate()).toEqual({ nearlyFull: false });
  });
});

describe('requestPersistence', () => {
  it('asks once and remembers it asked', async () => {
    const persist = vi.fn(async () => false);
    vi.stubGlobal('navigator', { storage: { persist, persisted: async () => false } });
    expect(await requestPersistence()).toEqual({ persisted: false, supported: true });
    expect(await requestPersistence()).toEqual({ persisted: false, supported: true });
    expect(persist).toHaveBeenCalledTimes(1);
    expect(await wasPersistenceRequested()).toBe(true);
  });

  it('reports unsupported without the Storage API', async () => {
    vi.stubGlobal('navigator', {});
    expect(await requestPersistence()).toEqual({ persisted: false, supported: false });
    expect(await wasPersistenceRequested()).toBe(false);
  });
});
