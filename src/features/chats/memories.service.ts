import { textOf } from './chat-views.ts';
import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import { ensureConsumer, lockConsumer, saveConsumer } from '../../events/event-consumers.ts';
import type { EventLog } from '../../events/event-log.ts';
import { comparePositions, horizon, readAfter } from '../../events/event-reads.ts';
import type { ChatMemoryRow, MessageRow } from '../../db/schema.ts';
import type { ResolvedModel } from '../../llm/registry.ts';
import { generate } from '../../llm/run-model.ts';
import { countTokens, countPromptTokens } from '../../llm/tokens.ts';
import { parseSummary, SUMMARY_SYSTEM, summaryRequest, type TranscriptLine } from '../../llm/summary-prompt.ts';
import { notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import type { ChatJobQueue } from './chats.jobs.ts';
import * as chatsRepo from './chats.repo.ts';
import * as repo from './memories.repo.ts';
import type { ChatMemory } from './memories.schemas.ts';

/** A memory every this many conversational messages. */
export const MEMORY_EVERY = 10;
const CONSUMER = 'chat-memories';
const EVENTS_PER_READ = 1_000;
const READS_PER_SCAN = 10;
const SUMMARY_MAX_TOKENS = 800;

export interface SummarizeJob {
  org_id: string;
  chat_id: string;
  message_count: number;
}

/** One memory job per chat and count: enqueued twice, it runs once. */
export const memoryJobKey = (chatId: string, count: number) => `memories:${chatId}:${count}`;

export type MemoriesService = ReturnType<typeof createMemoriesService>;

const toMemory = (row: ChatMemoryRow): ChatMemory => ({
  id: row.id,
  chat_id: row.chatId,
  summary: row.summary,
  key_points: row.keyPoints,
  message_count: row.messageCount,
  model: row.model,
  summarized_at: row.summarizedAt.toISOString(),
  created_at: row.createdAt.toISOString(),
});

const speakerOf = (m: MessageRow): TranscriptLine['speaker'] => (m.role === 'user' ? 'Customer' : m.model === null ? 'Agent' : 'Assistant');

/**
 * Chat memories (rolling summaries): every 10 conversational messages of a chat whose assistant has
 * `enable_memories`, the assistant's model summarises the conversation so far (the previous summary rolled forward
 * with the new messages). A scan, run by a recurring job, consumes `message.created` from the event log (a
 * position of its own, as the webhook fan-out has) and enqueues one summarise job per chat and count, in the
 * transaction that advances its position: the runtime's hot path writes nothing more for memories.
 */
export function createMemoriesService(deps: {
  db: Db;
  events: EventLog;
  /** Live assistants with `enable_memories` on. */
  memoryAssistants: () => Promise<Array<{ id: string; orgId: string }>>;
  /** An assistant's model and whether its memories are on; undefined when it is gone. */
  assistantOf: (orgId: string, assistantId: string) => Promise<{ model: string; enableMemories: boolean } | undefined>;
  modelFor: (orgId: string, ref: string) => Promise<ResolvedModel>;
  llm: { maxRetries: number; retryBaseMs: number };
  /** The queue (built after this service: its handlers call it). */
  queue: () => ChatJobQueue;
}) {
  const { db, events } = deps;

  async function chatOf(orgId: string, chatId: string) {
    const chat = await chatsRepo.findChat(db, chatId);
    if (!chat || chat.orgId !== orgId) throw notFound('Chat');
    return chat;
  }

  return {
    async list(orgId: string, chatId: string, q: PageQuery): Promise<Page<ChatMemory>> {
      await chatOf(orgId, chatId);
      const [rows, count] = await repo.listMemories(db, orgId, chatId, q);
      return { items: rows.map(toMemory), count, ...q };
    },

    /** Deletes one memory or all of a chat's. What they covered is not summarised again (see `memorized_count`). */
    async remove(orgId: string, chatId: string, memoryId: string | undefined, actor: Actor): Promise<number> {
      await chatOf(orgId, chatId);
      return events.transaction(actor, async (tx, emit) => {
        const ids = await repo.deleteMemories(tx, orgId, chatId, memoryId);
        if (memoryId !== undefined && ids.length === 0) throw notFound('Memory');
        for (const id of ids) emit({ type: 'chat.memory.deleted', orgId, subjectId: id, data: { chat_id: chatId, memory_id: id } });
        return ids.length;
      });
    },

    /** Reads the messages written since the last scan and enqueues the summaries they make due. */
    async scan(signal: AbortSignal): Promise<number> {
      let enqueued = 0;
      for (let i = 0; i < READS_PER_SCAN && !signal.aborted; i++) {
        // Read before the transaction: the embedded database has one connection.
        const assistants = await deps.memoryAssistants();
        const step = await db.transaction(async (tx) => {
          const at = await lockConsumer(tx, CONSUMER);
          if (!at) {
            // First scan: from the start of the log, so messages written before it are counted too.
            await ensureConsumer(tx, CONSUMER, { txid: 0n, id: '' });
            return { more: true, enqueued: 0 };
          }
          const end = { txid: await horizon(tx), id: '' };
          if (assistants.length === 0) {
            if (comparePositions(end, at) > 0) await saveConsumer(tx, CONSUMER, end);
            return { more: false, enqueued: 0 };
          }
          const rows = await readAfter(tx, at, { limit: EVENTS_PER_READ, until: end, types: ['message.created'] });
          const chatIds = [
            ...new Set(rows.filter((r) => r.data.role === 'user' || r.data.role === 'assistant').map((r) => String(r.data.chat_id))),
          ];
          const due = await repo.chatsDueMemory(tx, chatIds, assistants.map((a) => a.id));
          for (const chat of due) {
            const count = chat.memorized + Math.floor((chat.total - chat.memorized) / MEMORY_EVERY) * MEMORY_EVERY;
            const job = { org_id: chat.orgId, chat_id: chat.id, message_count: count };
            await deps.queue().enqueue(tx, 'chats.memories.summarize', job, { dedupeKey: memoryJobKey(chat.id, count) });
          }
          const last = rows.at(-1);
          const more = rows.length === EVENTS_PER_READ;
          const next = more && last ? { txid: BigInt(last.txid), id: last.id } : end;
          if (comparePositions(next, at) > 0) await saveConsumer(tx, CONSUMER, next);
          return { more, enqueued: due.length };
        });
        enqueued += step.enqueued;
        if (!step.more) break;
      }
      return enqueued;
    },

    /**
     * Writes the memory covering the chat's first `message_count` conversational messages, from the previous
     * memory and the messages after what is summarised. Idempotent: a chat summarised that far already is left.
     */
    async summarize(job: SummarizeJob, signal: AbortSignal): Promise<void> {
      const chat = await chatsRepo.findChat(db, job.chat_id);
      if (!chat || chat.orgId !== job.org_id || chat.memorizedCount >= job.message_count) return;
      const assistant = await deps.assistantOf(chat.orgId, chat.assistantId);
      if (!assistant?.enableMemories) return;
      const from = chat.memorizedCount;
      const slice = await repo.conversationSlice(db, chat.orgId, chat.id, from, job.message_count - from);
      if (slice.length < job.message_count - from) return; // messages were deleted since the scan
      const previous = await repo.latestMemory(db, chat.orgId, chat.id);
      const model = await deps.modelFor(chat.orgId, assistant.model);
      const lines = slice.map((m) => ({ speaker: speakerOf(m), text: textOf(m.parts) })).filter((l) => l.text.trim());
      const request = summaryRequest(previous?.summary, lines);
      const started = Date.now();
      const result = await generate({
        model: model.model,
        system: SUMMARY_SYSTEM,
        messages: [{ role: 'user', content: request }],
        maxOutputTokens: SUMMARY_MAX_TOKENS,
        abortSignal: signal,
        retry: { maxRetries: deps.llm.maxRetries, baseMs: deps.llm.retryBaseMs, maxDelayMs: Math.max(deps.llm.retryBaseMs, 8_000) },
      });
      const summary = parseSummary(result.text);
      if (!summary) throw new Error('the model answered no summary');
      await events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        if (!(await repo.advanceMemorized(tx, chat.orgId, chat.id, from, job.message_count))) return;
        // Counted like a runtime call's: the provider's figures, else the same estimate.
        const prompt = result.usage.promptTokens ?? countPromptTokens([{ role: 'system', content: SUMMARY_SYSTEM }, { role: 'user', content: request }]);
        const completion = result.usage.completionTokens ?? countTokens(result.text);
        await repo.insertSummaryUsage(tx, {
          id: newId('usage'),
          orgId: chat.orgId,
          assistantId: chat.assistantId,
          chatId: chat.id,
          model: model.ref,
          promptTokens: prompt,
          completionTokens: completion,
          totalTokens: prompt + completion,
          latencyMs: Date.now() - started,
          outcome: 'ok',
        });
        const id = newId('chatMemory');
        await repo.insertMemory(tx, {
          id,
          orgId: chat.orgId,
          chatId: chat.id,
          summary: summary.summary,
          keyPoints: summary.key_points,
          messageCount: job.message_count,
          model: model.ref,
          summarizedAt: slice.at(-1)!.createdAt,
        });
        emit({ type: 'chat.memory.created', orgId: chat.orgId, subjectId: id, data: { chat_id: chat.id, memory_id: id, message_count: job.message_count } });
      });
    },
  };
}
