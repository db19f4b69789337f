import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { EventFacts, EventLog } from '../../events/event-log.ts';
import type { Cache, CacheStore } from '../../infra/cache/cache.ts';
import { createRetriever } from './retrieval.ts';

/** The retriever's per-org facts (has chunks, chunk count, stem counts) and which events drop them. */
describe("the retriever's cached facts", () => {
  function setup() {
    const dropped: string[] = [];
    const handlers: Array<(e: EventFacts) => void> = [];
    const caches: CacheStore = {
      cache: <V>(name: string) =>
        ({ getOrLoad: (_k: string, load: () => Promise<V>) => load(), delete: (k: string) => void dropped.push(`${name} ${k}`), clear: () => {} }) as Cache<V>,
    };
    const events = { onChange: (_types: string[], handler: (e: EventFacts) => void) => void handlers.push(handler) } as unknown as EventLog;
    createRetriever({ db: {} as Db, events, caches, cacheTtlMs: 10_000 });
    const emit = (type: EventFacts['type'], data: Record<string, unknown>) => {
      dropped.length = 0;
      for (const h of handlers) h({ type, org_id: 'org_1', subject_id: 'knowledge_1', data } as EventFacts);
      return [...dropped].sort();
    };
    return { emit };
  }
  const all = ['knowledge-chunk-count org_1', 'knowledge-has-chunks org_1', 'knowledge-term-counts org_1'];

  it('keeps them when an item only starts processing (nothing about its chunks changed yet)', () => {
    expect(setup().emit('knowledge.item.updated', { content_id: 'knowledge_1', changed: ['status'], status: 'PROCESSING' })).toEqual([]);
  });

  it("drops them when an item's chunks, text or title change, when it ends processing, and when it is deleted", () => {
    const { emit } = setup();
    expect(emit('knowledge.item.updated', { content_id: 'knowledge_1', changed: ['chunks'] })).toEqual(all);
    expect(emit('knowledge.item.updated', { content_id: 'knowledge_1', changed: ['text'], status: 'PENDING' })).toEqual(all);
    expect(emit('knowledge.item.updated', { content_id: 'knowledge_1', changed: ['title'] })).toEqual(all);
    // A website's re-sync deletes the pages no longer found just before it says it is processed.
    expect(emit('knowledge.item.updated', { content_id: 'knowledge_1', changed: ['status'], status: 'PROCESSED' })).toEqual(all);
    expect(emit('knowledge.item.deleted', { content_id: 'knowledge_1' })).toEqual(all);
  });
});
