import { asc, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../src/db/client.ts';
import { chats, messages, usageRecords } from '../src/db/schema.ts';
import { createRunRecorder, type RunRecorder } from '../src/features/chats/index.ts';
import { createEventLog } from '../src/events/event-log.ts';
import { createUsageMeter, createUsageService, type UsageEntry, type UsageService } from '../src/features/usage/index.ts';
import { createMemoryCacheStore } from '../src/infra/cache/memory-cache.ts';
import { createMemoryPubSub } from '../src/infra/pubsub/memory-pubsub.ts';
import { freshDatabase } from './harness.ts';

/** The run recorder on a real database: what happens to a batch when one of its runs cannot be written. */
describe('run recorder', () => {
  let database: Database;
  let usage: UsageService;
  let recorder: RunRecorder<UsageEntry>;
  const orgId = 'org_recorder';
  const assistantId = 'ast_recorder';

  beforeAll(async () => {
    database = await freshDatabase();
    const { db } = database;
    await db.execute(sql`insert into orgs (id, name, monthly_token_budget) values (${orgId}, 'Recorder', 1000)`);
    await db.execute(sql`insert into assistants (id, org_id, name) values (${assistantId}, ${orgId}, 'Bot')`);
    const logger = pino({ level: 'silent' });
    const meter = createUsageMeter({ db, caches: createMemoryCacheStore() });
    const events = createEventLog({ db, pubsub: createMemoryPubSub(), logger, retentionMs: 86_400_000 });
    recorder = createRunRecorder<UsageEntry>({ db, logger, events, extras: meter.runExtras, instanceId: 'inst_test', lingerMs: 20 });
    usage = createUsageService({ db, meter, budgetOf: async () => 1000, settle: () => recorder.settle() });
  });
  afterAll(async () => {
    await recorder?.close();
    await database?.close();
  });

  function run(assistant: string, message: string, tokens: number) {
    const ref = recorder.begin({ orgId, assistantId: assistant, apiKeyId: 'apk_x', actor: { type: 'api_key', id: 'apk_x' }, history: [], message, model: 'builtin/extractive' });
    recorder.finish(
      ref,
      { text: `re: ${message}`, status: 'COMPLETED', usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens }, latencyMs: 1 },
      { orgId, assistantId: assistant, apiKeyId: 'apk_x', chatId: ref.chatId, model: 'builtin/extractive', promptTokens: tokens, completionTokens: 0, latencyMs: 1, at: new Date(), outcome: 'ok' },
    );
    return ref;
  }

  it('writes the other runs of a batch when one cannot be written, and still meters that one', async () => {
    const good = [run(assistantId, 'first', 10), run(assistantId, 'second', 20)];
    // Its assistant does not exist: the chat row breaks a foreign key, so the batch statement fails.
    const bad = run('ast_gone', 'third', 30);
    // Not written yet, but already counted against the budget.
    expect(await usage.remainingBudget(orgId)).toEqual({ budget: 1000, used: 60 });
    await recorder.settle();

    const { db } = database;
    const written = await db.select({ id: chats.id, status: chats.status }).from(chats).where(eq(chats.orgId, orgId));
    expect(written.map((c) => c.id).sort()).toEqual(good.map((r) => r.chatId).sort());
    expect(written.every((c) => c.status === 'COMPLETED')).toBe(true);
    const metered = await db.select({ chatId: usageRecords.chatId, tokens: usageRecords.totalTokens }).from(usageRecords).where(eq(usageRecords.orgId, orgId));
    expect(metered.map((u) => [u.chatId, u.tokens]).sort()).toEqual(
      [[good[0]!.chatId, 10], [good[1]!.chatId, 20], [bad.chatId, 30]].sort(),
    );
    // Written now: counted once, from the database.
    expect(await usage.remainingBudget(orgId)).toEqual({ budget: 1000, used: 60 });
  });

  it("stores a reply's tool calls as `tool` messages before it, whether its start was written early (RUNNING) or with its end", async () => {
    const { db } = database;
    const tools = [
      { toolCallId: 'call_1', toolName: 'end_conversation', input: {}, output: 'Done.', isError: false },
      { toolCallId: 'call_2', toolName: 'nope', input: 'not json\u0000', output: 'Error: no such tool.', isError: true },
    ];
    const finish = (ref: ReturnType<typeof recorder.begin>) =>
      recorder.finish(
        ref,
        { text: 'Bye!', status: 'COMPLETED', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }, latencyMs: 1, tools },
        { orgId, assistantId, apiKeyId: 'apk_x', chatId: ref.chatId, model: 'openai/gpt-4o-mini', promptTokens: 5, completionTokens: 2, latencyMs: 1, at: new Date(), outcome: 'ok' },
      );
    const begin = (message: string) =>
      recorder.begin({ orgId, assistantId, apiKeyId: 'apk_x', actor: { type: 'api_key', id: 'apk_x' }, history: [], message, model: 'openai/gpt-4o-mini' });
    const refs: Array<ReturnType<typeof recorder.begin>> = [];

    // The clock stands still (only Date; timers run): a run that ends in the millisecond it began, the case where
    // the calls once got times before the customer's message.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const quick = begin('quick');
      finish(quick);
      const slow = begin('slow');
      await recorder.settle(); // its start is written now, its reply RUNNING
      finish(slow);
      await recorder.settle();
      refs.push(quick, slow);
    } finally {
      vi.useRealTimers();
    }

    for (const ref of refs) {
      const rows = await db.select().from(messages).where(eq(messages.chatId, ref.chatId)).orderBy(asc(messages.createdAt), asc(messages.id));
      expect(rows.map((m) => m.role)).toEqual(['user', 'tool', 'tool', 'assistant']);
      expect(rows[1]!.parts).toEqual([
        { type: 'tool-call', tool_call_id: 'call_1', tool_name: 'end_conversation', input: {} },
        { type: 'tool-result', tool_call_id: 'call_1', tool_name: 'end_conversation', output: 'Done.', is_error: false },
      ]);
      // Model output is cleaned of what PostgreSQL cannot store.
      expect(rows[2]!.parts[0]).toMatchObject({ input: 'not json' });
      expect(rows[3]).toMatchObject({ status: 'COMPLETED', model: 'openai/gpt-4o-mini' });
      const [chat] = await db.select().from(chats).where(eq(chats.id, ref.chatId));
      expect(chat!.messagesCount).toBe(4);
    }
  });
});
