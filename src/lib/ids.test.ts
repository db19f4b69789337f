import { describe, expect, it } from 'vitest';
import { newId, newSortableId, randomBase62, sortableIdFloor } from './ids.ts';

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

describe('random ids', () => {
  it('are the prefix and 22 base62 characters, distinct, every character in use', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('chat'));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^chat_[0-9A-Za-z]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(ids.join('').slice(0, 200_000).replace(/chat_/g, ''));
    expect(seen.size).toBe(62);
    expect(randomBase62(32)).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(randomBase62(100)).toHaveLength(135); // longer than the scratch buffer
  });
});
