import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../db/client.ts';
import { rowsFor, type RowsInsert, writeRows } from '../db/insert-many.ts';
import { events } from '../db/schema.ts';
import type { PubSub, Unsubscribe } from '../infra/pubsub/pubsub.ts';
import { newSortableId, sortableIdFloor } from '../lib/ids.ts';
import type { Actor } from './actor.ts';
import type { EventInput, EventType, ParleyEvent } from './catalog.ts';
import { comparePositions, horizon, nextTxid, parseCursor, type Position, readAfter, toEvent } from './event-reads.ts';

/** What a cache-keeping handler needs of an event (local commits have no cursor yet). */
export type EventFacts = Pick<ParleyEvent, 'type' | 'org_id' | 'subject_id' | 'data'>;

/** Records an event in the caller's transaction (written when the transaction's work is done). */
export type Emit = (event: EventInput) => void;

const TOPIC = 'events';
const BATCH = 500;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The event log: the outbox writer and the dispatcher that publishes committed events.
 *
 * Writers record events in the transaction of their change (`transaction`, or `rows` inside the
 * group commit), so an event exists exactly when its change does. The dispatcher reads the log in
 * (txid, id) order below the oldest running transaction's id (an event that commits late cannot
 * land behind what was read) and publishes each event once to the pub-sub port's `events` topic,
 * from which subscribers receive them in log order: at least once, in order, with a cursor.
 * Every instance tails the shared log, so a change made on one reaches the caches of all.
 *
 * `onChange` handlers keep derived state (caches) right. They run as soon as this instance commits
 * a change (so the next request sees it) and again when the event arrives through the log, which
 * is how changes of other instances reach them: they must be idempotent.
 */
export function createEventLog(deps: {
  db: Db;
  pubsub: PubSub;
  logger: Logger;
  /** How often the log is read for other instances' events (this instance's commits are read at once). */
  pollMs?: number;
  /** Events older than this are pruned (hourly). */
  retentionMs: number;
}) {
  const { db, logger } = deps;
  const pollMs = deps.pollMs ?? 1_000;
  const changeHandlers = new Map<EventType, Array<(e: EventFacts) => void>>();
  const withinHandlers = new Map<EventType, Array<(tx: Tx, e: EventFacts, emit: Emit) => Promise<void>>>();
  let position: Position = { txid: 0n, id: '' };
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> | null = null;
  let again = false;
  let running = false;
  let unsubscribe: Unsubscribe | null = null;
  let lastPruneAt = Date.now();
  /** Consumers of the whole log (live views, webhooks); while there are none, only the types with handlers are read. */
  let subscribers = 0;
  const wanted = () => (subscribers > 0 ? undefined : [...changeHandlers.keys()]);

  const rowOf = (actor: Actor, e: EventInput, now: number): typeof events.$inferInsert => ({
    id: newSortableId('event', now),
    orgId: e.orgId,
    type: e.type,
    subjectId: e.subjectId,
    actorType: actor.type,
    actorId: actor.id,
    data: e.data as Record<string, unknown>,
    createdAt: new Date(now),
  });

  function applyChange(e: EventFacts): void {
    for (const handler of changeHandlers.get(e.type) ?? []) {
      try {
        handler(e);
      } catch (err) {
        logger.error({ err, type: e.type }, 'events: a change handler failed');
      }
    }
  }

  /** Reads and publishes every committed event after `position`; concurrent calls share one read. */
  function dispatch(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        const below = await horizon(db);
        const types = wanted();
        if (types?.length === 0) {
          position = { txid: below, id: '' };
          continue;
        }
        for (;;) {
          const rows = await readAfter(db, position, { limit: BATCH, until: { txid: below, id: '' }, types });
          for (const row of rows) {
            await deps.pubsub.publish(TOPIC, toEvent(row));
            position = { txid: BigInt(row.txid), id: row.id };
          }
          // Everything below the horizon is read (rows of other types too): continue from there.
          if (rows.length < BATCH) {
            position = { txid: below, id: '' };
            break;
          }
        }
      } while (again);
    })()
      .catch((err: unknown) => logger.warn({ err }, 'events: could not read the event log; will retry'))
      .finally(() => {
        reading = null;
      });
    return reading;
  }

  function schedule(ms: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms).unref();
  }

  async function tick(): Promise<void> {
    await dispatch();
    if (Date.now() - lastPruneAt > PRUNE_EVERY_MS) {
      lastPruneAt = Date.now();
      await prune().catch((err: unknown) => logger.warn({ err }, 'events: could not prune old events'));
    }
    schedule(pollMs);
  }

  async function prune(): Promise<void> {
    // Ids sort by time: the first id of the cut-off millisecond bounds what goes.
    const before = sortableIdFloor('event', Date.now() - deps.retentionMs);
    // In slices, so a long-idle log does not hold one huge delete.
    for (;;) {
      const res = await db.execute(
        sql`delete from events where id in (select id from events where id < ${before} order by id limit 10000)`,
      );
      if (((res as { rowCount?: number; affectedRows?: number }).rowCount ?? (res as { affectedRows?: number }).affectedRows ?? 0) < 10000) return;
    }
  }

  /**
   * After this instance committed events: its caches first (the reply must see the change), then,
   * when someone follows the log, the log is read at once. Otherwise the next poll reads it, and
   * the hot path (a runtime call's events) costs no read at all.
   */
  function committed(inputs: EventInput[]): void {
    for (const e of inputs) applyChange({ type: e.type, org_id: e.orgId, subject_id: e.subjectId, data: e.data });
    if (running && subscribers > 0) void dispatch();
  }

  return {
    /**
     * Runs `fn` in a transaction; the events it emits are written in that transaction, after its
     * own work. Nothing is published when it rolls back. `on` is the database to run it on (a background
     * job's: `Database.backgroundDb`).
     */
    async transaction<T>(actor: Actor, fn: (tx: Tx, emit: Emit) => Promise<T>, on: Db = db): Promise<T> {
      const emitted: EventInput[] = [];
      const result = await on.transaction(async (tx) => {
        const emit: Emit = (e) => void emitted.push(e);
        const value = await fn(tx, emit);
        // Handlers may emit events of their own, which are handled in turn.
        for (let i = 0; i < emitted.length; i++) {
          const e = emitted[i]!;
          for (const handler of withinHandlers.get(e.type) ?? []) {
            await handler(tx, { type: e.type, org_id: e.orgId, subject_id: e.subjectId, data: e.data }, emit);
          }
        }
        const now = Date.now();
        if (emitted.length) await writeRows(tx, [rowsFor(events, emitted.map((e) => rowOf(actor, e, now)))]);
        return value;
      });
      if (emitted.length) committed(emitted);
      return result;
    },

    /** The rows of events for a statement that writes them with its change (the runtime's group commit). */
    rows(entries: Array<{ actor: Actor; event: EventInput }>): RowsInsert {
      const now = Date.now();
      return rowsFor(events, entries.map(({ actor, event }) => rowOf(actor, event, now)));
    },

    /** Tells the log that events written with `rows` are committed. */
    committed,

    /** Keeps derived state right: `handler` runs for each event of these types (see above). */
    onChange(types: EventType[], handler: (e: EventFacts) => void): void {
      for (const t of types) changeHandlers.set(t, [...(changeHandlers.get(t) ?? []), handler]);
    },

    /**
     * Makes the consequences of an event part of the change itself: `handler` runs inside the
     * transaction that emits an event of these types (say, an assistant's own knowledge is removed
     * with the assistant), so both commit or neither does. Only for `transaction`'s events.
     */
    within(types: EventType[], handler: (tx: Tx, e: EventFacts, emit: Emit) => Promise<void>): void {
      for (const t of types) withinHandlers.set(t, [...(withinHandlers.get(t) ?? []), handler]);
    },

    /**
     * Delivers committed events in log order to `handler`: those after `after` (a cursor from an
     * earlier event; omit it to start with new events), then new ones as they commit. Events of
     * one org only when `orgId` is given. A consumer that reconnects with its last cursor misses
     * nothing and sees nothing twice.
     */
    async subscribe(
      opts: { after?: string; orgId?: string },
      handler: (e: ParleyEvent) => void | Promise<void>,
    ): Promise<Unsubscribe> {
      let last: Position | null = opts.after === undefined ? null : parseCursor(opts.after);
      let replaying = last !== null;
      const held: ParleyEvent[] = [];
      const deliver = async (e: ParleyEvent) => {
        const at = parseCursor(e.cursor);
        if (last && comparePositions(at, last) <= 0) return;
        last = at;
        await handler(e);
      };
      const unsubscribe = await deps.pubsub.subscribe(TOPIC, async (message) => {
        const e = message as ParleyEvent;
        if (opts.orgId && e.org_id !== opts.orgId) return;
        if (replaying) held.push(e);
        else await deliver(e);
      });
      subscribers++;
      const stop = async () => {
        subscribers--;
        await unsubscribe();
      };
      // Live events are held while the log is read from the cursor up to where the dispatcher is
      // (it reads every type from now on): the two overlap, never leave a gap.
      await dispatch();
      while (replaying) {
        const rows = await readAfter(db, last!, { limit: BATCH, orgId: opts.orgId, until: position });
        for (const row of rows) await deliver(toEvent(row));
        if (rows.length < BATCH) {
          replaying = false;
          for (const e of held.splice(0)) await deliver(e);
        }
      }
      return stop;
    },

    /** Starts publishing from the end of the log (earlier events are read through `subscribe`'s cursor). */
    async start(): Promise<void> {
      position = { txid: await horizon(db), id: '' };
      unsubscribe = await deps.pubsub.subscribe(TOPIC, (message) => applyChange(message as ParleyEvent));
      running = true;
      schedule(pollMs);
    },

    /**
     * Publishes every event committed before the call; resolves when done (tests). The log is read below the oldest
     * running transaction of the whole cluster (see `horizon`), so a transaction still running elsewhere (another
     * database of the same server counts) holds it back: this waits for those to end, at most `maxWaitMs`.
     */
    async flush(maxWaitMs = 5_000): Promise<void> {
      const target = await nextTxid(db);
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        await dispatch();
        if (position.txid >= target || Date.now() >= deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    /** Deletes events past the retention period (run hourly by the poll loop). */
    prune,

    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await reading;
      await unsubscribe?.();
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
