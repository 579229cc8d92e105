import { describe, expect, it } from 'vitest';
import { ISOLATION_RELOAD_KEY, decideIsolationReload, type ReloadGuardStorage } from './isolation';

function memoryStorage(): ReloadGuardStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('decideIsolationReload', () => {
  it('reloads once when controlled but not isolated, then stops', () => {
    const storage = memoryStorage();
    const input = { isolated: false, controlled: true, storage: () => storage, now: () => 42 };
    expect(decideIsolationReload(input)).toBe('reload');
    expect(storage.items.get(ISOLATION_RELOAD_KEY)).toBe('42');
    expect(decideIsolationReload(input)).toBe('already-reloaded');
    expect(decideIsolationReload(input)).toBe('already-reloaded');
  });

  it('clears the mark once isolated, so a later loss gets one more try', () => {
    const storage = memoryStorage();
    storage.setItem(ISOLATION_RELOAD_KEY, '1');
    expect(decideIsolationReload({ isolated: true, controlled: true, storage: () => storage })).toBe('isolated');
    expect(storage.items.size).toBe(0);
    expect(decideIsolationReload({ isolated: false, controlled: true, storage: () => storage })).toBe('reload');
  });

  it('never reloads without a service worker in control', () => {
    const storage = memoryStorage();
    expect(decideIsolationReload({ isolated: false, controlled: false, storage: () => storage })).toBe('not-controlled');
    expect(storage.items.size).toBe(0);
  });

  it('never reloads when the guard cannot be kept', () => {
    const throwing = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    expect(decideIsolationReload({ isolated: false, controlled: true, storage: throwing })).toBe('no-guard');
    expect(decideIsolationReload({ isolated: false, controlled: true, storage: () => undefined })).toBe('no-guard');
    const forgetful: ReloadGuardStorage = { getItem: () => null, setItem: () => {}, removeItem: () => {} };
    expect(decideIsolationReload({ isolated: false, controlled: true, storage: () => forgetful })).toBe('no-guard');
    const full: ReloadGuardStorage = { ...memoryStorage(), setItem: throwing };
    expect(decideIsolationReload({ isolated: false, controlled: true, storage: () => full })).toBe('no-guard');
  });
});
