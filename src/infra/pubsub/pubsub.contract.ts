import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PubSub } from './pubsub.ts';

/** What every PubSub adapter must do; each adapter's test file runs this suite against it. */
export function pubSubContract(name: string, make: () => Promise<PubSub>): void {
  describe(`pub-sub contract: ${name}`, () => {
    let bus: PubSub;
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      await bus.close();
    });

    const collector = () => {
      const got: unknown[] = [];
      let wake = () => {};
      return {
        got,
        handler: (m: unknown) => {
          got.push(m);
          wake();
        },
        async until(n: number, timeoutMs = 5_000) {
          const deadline = Date.now() + timeoutMs;
          while (got.length < n) {
            if (Date.now() > deadline) throw new Error(`got ${got.length} of ${n} messages`);
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 20);
            });
          }
        },
      };
    };

    it('delivers to every subscriber of a topic, in publish order, and nothing of other topics', async () => {
      const a = collector();
      const b = collector();
      const other = collector();
      await bus.subscribe('t1', a.handler);
      await bus.subscribe('t1', b.handler);
      await bus.subscribe('t2', other.handler);
      for (let i = 0; i < 50; i++) await bus.publish('t1', { n: i });
      await a.until(50);
      await b.until(50);
      const expected = Array.from({ length: 50 }, (_, i) => ({ n: i }));
      expect(a.got).toEqual(expected);
      expect(b.got).toEqual(expected);
      await bus.publish('t2', { only: 'two' });
      await other.until(1);
      expect(other.got).toEqual([{ only: 'two' }]);
      expect(a.got).toHaveLength(50);
    });

    it('hands subscribers JSON copies, not the publisher\'s object', async () => {
      const a = collector();
      await bus.subscribe('t', a.handler);
      const message = { nested: { list: [1, 'two', null] }, when: '2026-01-01T00:00:00.000Z' };
      await bus.publish('t', message);
      await a.until(1);
      expect(a.got[0]).toEqual(message);
      expect(a.got[0]).not.toBe(message);
    });

    it('stops delivering after unsubscribe, and a failing handler harms no one else', async () => {
      const a = collector();
      const b = collector();
      const unsubscribe = await bus.subscribe('t', a.handler);
      await bus.subscribe('t', () => {
        throw new Error('boom');
      });
      await bus.subscribe('t', b.handler);
      await bus.publish('t', 1);
      await a.until(1);
      await unsubscribe();
      await bus.publish('t', 2);
      await b.until(2);
      expect(b.got).toEqual([1, 2]);
      expect(a.got).toEqual([1]);
    });

    it('does not block the publisher on a slow subscriber', async () => {
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      const slow = collector();
      await bus.subscribe('t', async (m) => {
        await gate;
        slow.handler(m);
      });
      await bus.publish('t', 'a');
      await bus.publish('t', 'b');
      expect(slow.got).toEqual([]);
      release();
      await slow.until(2);
      expect(slow.got).toEqual(['a', 'b']);
    });
  });
}
