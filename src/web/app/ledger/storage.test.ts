import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPrefs, writePrefs } from './storage.js';

/** A ledger's personal settings: per user and ledger, and never a crash on what storage holds. */

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

let store: MemoryStorage;
beforeEach(() => {
  store = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = store;
});
afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('ledger settings', () => {
  it('are kept per user and per ledger', () => {
    writePrefs(7, 'cases', {
      hidden: ['areaName'],
      density: 'small',
      filters: [{ name: '紧急', query: 'urgency=urgent' }],
    });
    expect(readPrefs(7, 'cases')).toEqual({
      hidden: ['areaName'],
      density: 'small',
      filters: [{ name: '紧急', query: 'urgency=urgent' }],
    });
    expect(readPrefs(8, 'cases')).toEqual({ hidden: null, density: 'middle', filters: [] });
    expect(readPrefs(7, 'visits')).toEqual({ hidden: null, density: 'middle', filters: [] });
  });

  it('fall back to the defaults on anything malformed, keeping what is sound', () => {
    store.setItem('jy_ledger:1:cases', '{not json');
    expect(readPrefs(1, 'cases')).toEqual({ hidden: null, density: 'middle', filters: [] });
    store.setItem(
      'jy_ledger:1:cases',
      JSON.stringify({
        hidden: ['a', 3],
        density: 'huge',
        filters: [{ name: 'x', query: 'a=1' }, { name: 1 }, null],
      }),
    );
    expect(readPrefs(1, 'cases')).toEqual({
      hidden: ['a'],
      density: 'middle',
      filters: [{ name: 'x', query: 'a=1' }],
    });
  });

  it('last for the page only when storage is refused', () => {
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(() => writePrefs(1, 'cases', { hidden: null, density: 'large', filters: [] })).not.toThrow();
    expect(readPrefs(1, 'cases').density).toBe('middle');
  });
});
