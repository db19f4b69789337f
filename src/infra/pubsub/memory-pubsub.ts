import type { Logger } from 'pino';
import type { PubSub } from './pubsub.ts';

/**
 * In-process pub-sub: each subscriber has its own queue, drained in order, so a slow or failing
 * handler neither blocks the publisher nor reorders what another subscriber sees. Messages are
 * copied through JSON, as they would be through Redis, so no subscriber can change another's.
 */
export function createMemoryPubSub(opts: { logger?: Logger } = {}): PubSub {
  const topics = new Map<string, Set<Subscriber>>();
  let closed = false;

  interface Subscriber {
    handler: (message: unknown) => void | Promise<void>;
    queue: string[];
    draining: boolean;
  }

  async function drain(sub: Subscriber, topic: string): Promise<void> {
    sub.draining = true;
    while (sub.queue.length > 0) {
      const text = sub.queue.shift()!;
      try {
        await sub.handler(JSON.parse(text));
      } catch (err) {
        opts.logger?.error({ err, topic }, 'pub-sub: a subscriber failed on a message');
      }
    }
    sub.draining = false;
  }

  return {
    async publish(topic, message) {
      if (closed) throw new Error('pub-sub is closed');
      const subs = topics.get(topic);
      if (!subs || subs.size === 0) return;
      const text = JSON.stringify(message);
      for (const sub of subs) {
        sub.queue.push(text);
        if (!sub.draining) void drain(sub, topic);
      }
    },
    async subscribe(topic, handler) {
      if (closed) throw new Error('pub-sub is closed');
      const sub: Subscriber = { handler, queue: [], draining: false };
      let subs = topics.get(topic);
      if (!subs) topics.set(topic, (subs = new Set()));
      subs.add(sub);
      return async () => {
        subs.delete(sub);
        if (subs.size === 0 && topics.get(topic) === subs) topics.delete(topic);
      };
    },
    async close() {
      closed = true;
      topics.clear();
    },
  };
}
