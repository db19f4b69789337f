import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingStore, typingLine } from './typing';

const signal = (over: Partial<Parameters<TypingStore['signal']>[0]> = {}) => ({
  chat_id: 'chat_1',
  typing: true,
  by: 'customer' as const,
  member: null,
  expires_in_seconds: 6,
  ...over,
});

describe('typing signals in the inbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows who types until they stop, write, or the signal lapses', () => {
    const store = new TypingStore(() => 'mem_me');
    let changes = 0;
    store.subscribe(() => changes++);
    store.signal(signal());
    expect(typingLine(store.of('chat_1')!)).toBe('Visitor is typing…');
    store.signal(signal({ by: 'member', member: { id: 'mem_bo', name: 'Bo' } }));
    expect(typingLine(store.of('chat_1')!)).toBe('Visitor and Bo are typing…');
    expect(typingLine(store.of('chat_1')!, 'Ada')).toBe('Ada and Bo are typing…');
    store.wrote('chat_1', 'customer');
    expect(typingLine(store.of('chat_1')!)).toBe('Bo is typing…');
    store.signal(signal({ by: 'member', member: { id: 'mem_bo', name: 'Bo' }, typing: false }));
    expect(store.of('chat_1')).toBeUndefined();

    store.signal(signal({ chat_id: 'chat_2' }));
    vi.advanceTimersByTime(5_900);
    expect(store.of('chat_2')).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(store.of('chat_2')).toBeUndefined();
    expect(changes).toBeGreaterThanOrEqual(5);
  });

  it('never tells a member that they are typing themselves, and a repeated signal extends one entry', () => {
    const store = new TypingStore(() => 'mem_me');
    store.signal(signal({ by: 'member', member: { id: 'mem_me', name: 'Me' } }));
    expect(store.of('chat_1')).toBeUndefined();
    store.signal(signal());
    vi.advanceTimersByTime(4_000);
    store.signal(signal());
    vi.advanceTimersByTime(4_000);
    expect(store.of('chat_1')).toHaveLength(1);
    expect(typingLine([])).toBeNull();
  });
});
