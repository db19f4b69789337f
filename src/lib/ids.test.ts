import { describe, expect, it } from 'vitest';
import { newSortableId, sortableIdFloor } from './ids.ts';

describe('sortable ids', () => {
  it('sort by time, and by creation order within one millisecond', () => {
    const now = Date.UTC(2026, 11, 5, 23, 0, 0);
    const ids = [newSortableId('event', now), newSortableId('event', now), newSortableId('event', now), newSortableId('event', now + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toMatch(/^evt_[0-9A-Za-z]{23}$/);
    // A clock that steps back never breaks the order of this process's ids.
    const later = newSortableId('event', now - 5_000);
    expect(later > ids[3]!).toBe(true);
  });

  it('bounds ids by time with sortableIdFloor', () => {
    const t = Date.UTC(2030, 0, 1);
    const before = newSortableId('event', Date.UTC(2029, 11, 31));
    expect(before < sortableIdFloor('event', t)).toBe(true);
    expect(sortableIdFloor('event', t) < sortableIdFloor('event', t + 1)).toBe(true);
  });
});
