import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/client.ts';
import type { PlannerStats } from '../../db/planner-stats.ts';
import type { Actor } from '../../events/actor.ts';
import type { EventInput } from '../../events/catalog.ts';
import type { EventLog } from '../../events/event-log.ts';
import { chats, type ContactChannelType, messages, type RunStatus, type TokenUsage } from '../../db/schema.ts';
import { rowsFor, type RowsInsert, writeRows } from '../../db/insert-many.ts';
import { newId } from '../../lib/ids.ts';
import { cleanDeep, cleanText, isStorable } from '../../lib/text.ts';
import * as repo from './chats.repo.ts';
import { addToMessageCount } from './chat-state.repo.ts';

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

/** Where a chat happens: the runtime API, the web widget, or a contact's custom channel (with its id). */
export interface ChatChannel {
  type: ContactChannelType;
  id: string | null;
}

export interface RunStart {
  orgId: string;
  assistantId: string;
  /** null when a signed-in member invoked. */
  apiKeyId: string | null;
  /** Who made the call, as the event log records it. */
  actor: Actor;
  /** Continue this chat; a new chat (holding `history`) when absent. */
  chatId?: string;
  /** The continued chat was closed or snoozed: the customer writing reopens it. */
  reopen?: boolean;
  /** The contact a new chat is with. */
  contactId?: string;
  /** Where a new chat happens (the runtime API when absent) and the contact's channel it runs on. */
  channel?: ChatChannel;
  history: Turn[];
  message: string;
  model: string;
}

export interface RunOutcome {
  text: string;
  status: RunStatus;
  usage: TokenUsage;
  latencyMs: number;
  error?: string;
  /** The tool calls of the reply: each is stored as a `tool` message before the reply. */
  tools?: ToolActivity[];
}

/** One tool call of a reply and the result the model was given. */
export interface ToolActivity {
  toolCallId: string;
  toolName: string;
  input: unknown;
  output: unknown;
  isError: boolean;
}

export interface RunRef {
  orgId: string;
  /** The key that made the call, as the event log records it. */
  actor: Actor;
  chatId: string;
  assistantMessageId: string;
  isNewChat: boolean;
  /** The model that answers (tool messages carry it too). */
  model: string;
  /** When the run began (ms): the customer's message carries this time, everything of the reply comes after it. */
  startedAt: number;
}

/** What another feature (usage) records with the end of runs: its rows go in the same statement. */
export interface FinishExtras<E> {
  rows(entries: E[]): RowsInsert;
  /** A run's end is queued; it is not in the database yet (budgets still count it). */
  queued(entry: E): void;
  /** These entries are written, or given up on: no longer pending. */
  settled(entries: E[]): void;
}

interface Pending<E> {
  ref: RunRef;
  start?: { input: RunStart; at: number; due: number };
  finish?: { outcome: RunOutcome; at: number; extra: E; due: number };
  /** Failed writes so far; the run is tried again later (the database may be back) up to MAX_TRIES. */
  tries?: number;
}

/** A run that cannot be written after this many tries (a minute or so of backoff) is logged and dropped. */
const MAX_TRIES = 6;
const RETRY_BASE_MS = 500;

const titleOf = (text: string) => (text.length > 80 ? `${text.slice(0, 77).trimEnd()}...` : text);

/**
 * Records runtime calls (chat, messages, usage) off the request path, with group commit.
 *
 * `begin` and `finish` only queue work; one writer drains the queue in a single transaction per
 * batch, so calls share one commit (a finished run waits up to `lingerMs` for company) instead of
 * paying two each, and no write sits between a request and its reply. A run's start is held
 * back for `startDelayMs`: a quick call (the common case) is then written once, complete, while a
 * long one (a slow model, a long stream) shows up as RUNNING while it runs. Reads that must see
 * recent runs call `settle()`; shutdown calls `close()`. A replica that dies outright loses at
 * most the batch being written; a RUNNING row it leaves is marked FAILED at the next boot.
 */
export function createRunRecorder<E>(deps: {
  db: Db;
  logger: Logger;
  /** The batch's events (chat.created, message.created...) are written in its statement. */
  events: EventLog;
  extras: FinishExtras<E>;
  /** Written on every message, so the replies of an instance that died can be found (see instance-registry). */
  instanceId: string;
  startDelayMs?: number;
  /** How long a finished run may wait for others to share its commit. */
  lingerMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
  /** Told what each batch wrote (the embedded engine analyzes tables that grew; see db/planner-stats.ts). */
  plannerStats?: Pick<PlannerStats, 'wrote'>;
}) {
  const { db, logger, instanceId } = deps;
  const startDelayMs = deps.startDelayMs ?? 100;
  const lingerMs = deps.lingerMs ?? 50;
  const maxBatch = deps.maxBatch ?? 256;
  const pending = new Map<string, Pending<E>>();
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;

  /** When the armed timer fires (Infinity when none is armed). */
  let timerDue = Infinity;

  /**
   * Arms the writer for the earliest due item. `added` is the due time of an item just queued: when the armed timer
   * comes first, nothing changes, so a call neither walks the queue nor replaces the timer (it did both on every
   * begin and finish: a walk of up to a batch of items and a new timer each time).
   */
  function schedule(added?: number): void {
    if (writing || immediate) return;
    let due: number;
    if (pending.size >= maxBatch) due = 0;
    else if (added !== undefined && timer) {
      if (added >= timerDue) return;
      due = added;
    } else {
      due = Infinity;
      for (const p of pending.values()) due = Math.min(due, p.finish?.due ?? Infinity, p.start?.due ?? Infinity);
    }
    if (due === Infinity) return;
    if (timer) clearTimeout(timer);
    timer = null;
    timerDue = Infinity;
    if (due <= Date.now()) immediate = setImmediate(() => void flush(false));
    else {
      timerDue = due;
      timer = setTimeout(() => void flush(false), due - Date.now()).unref();
    }
  }

  /** Writes every due item (or everything with `all`); batches never overlap. */
  async function flush(all: boolean): Promise<void> {
    immediate = null;
    if (timer) clearTimeout(timer);
    timer = null;
    timerDue = Infinity;
    while (writing) await writing;
    const now = Date.now();
    const batch: Pending<E>[] = [];
    const full = pending.size >= maxBatch;
    for (const [id, p] of pending) {
      // The first finished run to reach its linger takes every finished run along: that is the batch.
      if (all || full || p.finish || (p.start && p.start.due <= now)) {
        batch.push(p);
        pending.delete(id);
      }
    }
    if (batch.length === 0) return;
    writing = write(batch).finally(() => {
      writing = null;
      schedule();
    });
    await writing;
  }

  async function write(batch: Pending<E>[]): Promise<void> {
    try {
      await writeBatch(batch);
      settled(batch);
    } catch (err) {
      // One bad run (say, its chat was deleted meanwhile) must not cost the others their records.
      if (batch.length > 1) {
        for (const p of batch) await write([p]);
        return;
      }
      await salvage(batch[0]!, err);
    }
  }

  /** A run that cannot be written whole: its usage is kept (metering first), or the run is tried again later. */
  async function salvage(p: Pending<E>, err: unknown): Promise<void> {
    const chatId = p.ref.chatId;
    if (p.finish) {
      const usageOnly = await writeRows(db, [deps.extras.rows([p.finish.extra])]).then(() => true, () => false);
      if (usageOnly) {
        logger.error({ err, chat_id: chatId }, 'could not record a runtime call; its usage was recorded without its messages');
        return settled([p]);
      }
    }
    p.tries = (p.tries ?? 0) + 1;
    if (p.tries >= MAX_TRIES) {
      logger.error({ err, chat_id: chatId, tries: p.tries }, 'could not record a runtime call; giving up');
      return settled([p]);
    }
    logger.warn({ err, chat_id: chatId, tries: p.tries }, 'could not record a runtime call; will retry');
    const due = Date.now() + RETRY_BASE_MS * 2 ** (p.tries - 1);
    if (p.start) p.start.due = due;
    if (p.finish) p.finish.due = due;
    // finish() may have queued the run's end meanwhile: merge, never overwrite.
    const queued = pending.get(p.ref.assistantMessageId);
    if (queued) {
      queued.start ??= p.start;
      queued.finish ??= p.finish;
      queued.tries = p.tries;
    } else pending.set(p.ref.assistantMessageId, p);
  }

  function settled(batch: Pending<E>[]): void {
    const done = batch.flatMap((p) => (p.finish ? [p.finish.extra] : []));
    if (done.length) deps.extras.settled(done);
  }

  /**
   * One statement inserts the batch's new chats, messages and usage records (the common case: calls
   * that were quick enough to be written once, complete); runs written earlier as RUNNING are
   * updated in the same transaction.
   */
  async function writeBatch(batch: Pending<E>[]): Promise<void> {
    const newChats: Array<typeof chats.$inferInsert> = [];
    const rows: Array<typeof messages.$inferInsert> = [];
    const extras: E[] = [];
    const updates: Array<(tx: Tx) => Promise<void>> = [];
    const happened: Array<{ actor: Actor; event: EventInput }> = [];
    for (const { ref, start, finish } of batch) {
      const record = (event: EventInput) => happened.push({ actor: ref.actor, event });
      if (finish) extras.push(finish.extra);
      if (!start) {
        if (finish) {
          // Tool calls of a reply written RUNNING earlier go before it: the reply moves to its end time, and that is
          // late enough for the calls to sit between the customer's message and the reply even when the run ended
          // within a millisecond or two of its start.
          const replyAt = Math.max(finish.at, ref.startedAt + 2 + (finish.outcome.tools?.length ?? 0));
          const tools = (finish.outcome.tools ?? []).map((t, i, all) => toolRow(ref, t, new Date(replyAt - all.length + i), instanceId));
          rows.push(...tools);
          for (const m of tools) record({ type: 'message.created', orgId: ref.orgId, subjectId: m.id, data: { chat_id: ref.chatId, message_id: m.id, role: 'tool', status: m.status } });
          record({
            type: 'message.updated',
            orgId: ref.orgId,
            subjectId: ref.assistantMessageId,
            data: { chat_id: ref.chatId, message_id: ref.assistantMessageId, status: finish.outcome.status },
          });
          updates.push(async (tx) => {
            await repo.updateMessage(tx, ref.orgId, ref.assistantMessageId, {
              parts: [{ type: 'text', text: finish.outcome.text }],
              ...outcomeColumns(finish.outcome),
              ...(tools.length && { createdAt: new Date(replyAt) }),
            });
            await repo.updateChat(tx, ref.orgId, ref.chatId, { status: finish.outcome.status, lastMessageAt: new Date(tools.length ? replyAt : finish.at) });
            if (tools.length) await addToMessageCount(tx, ref.orgId, ref.chatId, tools.length);
          });
        }
        continue;
      }
      const { input } = start;
      const earlier = ref.isNewChat ? input.history : [];
      // Strictly increasing timestamps keep the order of messages written in one statement.
      const at = (i: number) => new Date(start.at - earlier.length + i);
      const turns = [...earlier, { role: 'user' as const, content: input.message }];
      turns.forEach((t, i) => rows.push(messageRow(ref, t.role, t.content, 'COMPLETED', at(i), null, instanceId)));
      const tools = finish?.outcome.tools ?? [];
      tools.forEach((t, i) => rows.push(toolRow(ref, t, at(turns.length + i), instanceId)));
      const reply = messageRow(ref, 'assistant', finish?.outcome.text ?? '', finish?.outcome.status ?? 'RUNNING', at(turns.length + tools.length), input.model, instanceId, ref.assistantMessageId);
      // Every message row carries the same keys (see rowsFor): the outcome's columns are null until it ends.
      Object.assign(reply, finish ? outcomeColumns(finish.outcome) : { usage: null, latencyMs: null, error: null });
      if (finish) reply.updatedAt = new Date(finish.at);
      rows.push(reply);
      const status = finish?.outcome.status ?? 'RUNNING';
      const lastMessageAt = new Date(finish?.at ?? start.at);
      if (ref.isNewChat) {
        record({ type: 'chat.created', orgId: ref.orgId, subjectId: ref.chatId, data: { chat_id: ref.chatId, assistant_id: input.assistantId } });
      }
      // This run's rows: its turns, its tool calls, then the reply.
      for (const m of rows.slice(-(turns.length + tools.length + 1))) {
        record({ type: 'message.created', orgId: ref.orgId, subjectId: m.id, data: { chat_id: ref.chatId, message_id: m.id, role: m.role, status: m.status } });
      }
      if (ref.isNewChat) {
        newChats.push({
          id: ref.chatId,
          orgId: ref.orgId,
          assistantId: input.assistantId,
          apiKeyId: input.apiKeyId,
          title: titleOf(input.history.find((t) => t.role === 'user')?.content ?? input.message),
          status,
          messagesCount: turns.length + tools.length + 1,
          adminUnseenCount: 1,
          contactId: input.contactId ?? null,
          channel: input.channel?.type ?? 'API',
          contactChannelId: input.channel?.id ?? null,
          lastMessageAt,
          createdAt: new Date(start.at),
        });
      } else {
        const reopen = input.reopen === true;
        if (reopen) {
          // Written before the customer's message, so the thread reads: reopened, then what they wrote.
          rows.push(eventMessage(ref, 'Reopened: the customer wrote again', new Date(start.at - 1), instanceId));
          record({ type: 'message.created', orgId: ref.orgId, subjectId: rows.at(-1)!.id!, data: { chat_id: ref.chatId, message_id: rows.at(-1)!.id!, role: 'event', status: 'COMPLETED' } });
          record({ type: 'chat.updated', orgId: ref.orgId, subjectId: ref.chatId, data: { chat_id: ref.chatId, changed: ['state'], state: 'OPEN' } });
        }
        updates.push(async (tx) => {
          await tx
            .update(chats)
            .set({
              status,
              messagesCount: sql`${chats.messagesCount} + ${(reopen ? 3 : 2) + tools.length}`,
              adminUnseenCount: sql`${chats.adminUnseenCount} + 1`,
              lastMessageAt,
              updatedAt: new Date(),
              ...(reopen && { state: 'OPEN' as const, snoozedUntil: null, resolvedAt: null }),
            })
            .where(eq(chats.id, ref.chatId));
        });
      }
    }
    const inserts = [rowsFor(chats, newChats), rowsFor(messages, rows), deps.extras.rows(extras), deps.events.rows(happened)];
    if (updates.length === 0) await writeRows(db, inserts);
    else {
      await db.transaction(async (tx) => {
        await writeRows(tx, inserts);
        for (const update of updates) await update(tx);
      });
    }
    deps.events.committed(happened.map((h) => h.event));
    deps.plannerStats?.wrote('chats', newChats.length + updates.length);
    deps.plannerStats?.wrote('messages', rows.length);
    deps.plannerStats?.wrote('events', happened.length);
  }

  return {
    /** Queues the start of a run and returns its ids at once (the chat id goes out before anything is written). */
    begin(input: RunStart): RunRef {
      const at = Date.now();
      const ref: RunRef = {
        orgId: input.orgId,
        actor: input.actor,
        chatId: input.chatId ?? newId('chat'),
        assistantMessageId: newId('message'),
        isNewChat: !input.chatId,
        model: input.model,
        startedAt: at,
      };
      pending.set(ref.assistantMessageId, { ref, start: { input, at, due: at + startDelayMs } });
      schedule(at + startDelayMs);
      return ref;
    },

    /** Queues how a run ended, with the extra rows (usage) that go in the same transaction. */
    finish(ref: RunRef, outcome: RunOutcome, extra: E): void {
      const p = pending.get(ref.assistantMessageId) ?? { ref };
      const at = Date.now();
      // Model output and upstream errors are outside text: cleaned of what PostgreSQL cannot store.
      const clean =
        isStorable(outcome.text) && (outcome.error === undefined || isStorable(outcome.error))
          ? outcome
          : { ...outcome, text: cleanText(outcome.text), error: outcome.error === undefined ? undefined : cleanText(outcome.error) };
      p.finish = { outcome: clean, at, extra, due: at + lingerMs };
      deps.extras.queued(extra);
      pending.set(ref.assistantMessageId, p);
      schedule(p.finish.due);
    },

    /** Resolves once every run queued so far is written (reads that must see them call this). */
    async settle(): Promise<void> {
      if (pending.size > 0) await flush(true);
      else if (writing) await writing;
    },

    /** Writes what is queued; called on shutdown. */
    async close(): Promise<void> {
      while (pending.size > 0 || writing) await flush(true);
    },
  };
}

function messageRow(ref: RunRef, role: 'user' | 'assistant', text: string, status: RunStatus, at: Date, model: string | null, instanceId: string, id?: string) {
  return {
    instanceId,
    id: id ?? newId('message'),
    chatId: ref.chatId,
    orgId: ref.orgId,
    role,
    parts: [{ type: 'text' as const, text }],
    status,
    model,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * A tool call and its result, as one `tool` message (internal, like a note: never a turn of the history, never
 * shown to the customer). Model output is outside text: cleaned of what PostgreSQL cannot store.
 */
function toolRow(ref: RunRef, t: ToolActivity, at: Date, instanceId: string) {
  return {
    ...messageRow(ref, 'assistant', '', 'COMPLETED', at, ref.model, instanceId),
    role: 'tool' as const,
    parts: [
      { type: 'tool-call' as const, tool_call_id: cleanText(t.toolCallId), tool_name: cleanText(t.toolName), input: cleanDeep(t.input) },
      { type: 'tool-result' as const, tool_call_id: cleanText(t.toolCallId), tool_name: cleanText(t.toolName), output: cleanDeep(t.output), is_error: t.isError },
    ],
  };
}

function eventMessage(ref: RunRef, text: string, at: Date, instanceId: string) {
  return { ...messageRow(ref, 'user', text, 'COMPLETED', at, null, instanceId), role: 'event' as const };
}

function outcomeColumns(o: RunOutcome) {
  return { status: o.status, usage: o.usage, latencyMs: o.latencyMs, error: o.error ?? null };
}

export type RunRecorder<E> = ReturnType<typeof createRunRecorder<E>>;
