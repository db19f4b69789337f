/**
 * The pub-sub port: messages on named topics, delivered to every subscriber of the topic.
 *
 * The in-process adapter serves one Parley process; the Redis adapter (with scale-out) carries
 * the same calls between instances, so messages must be JSON values and handlers must not rely
 * on receiving the publisher's object. Per topic, a subscriber receives messages in the order
 * they were published by one publisher. A throwing handler affects neither the publisher nor
 * other subscribers.
 */
export interface PubSub {
  publish(topic: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is live: messages published after that reach `handler`. */
  subscribe(topic: string, handler: (message: unknown) => void | Promise<void>): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;
