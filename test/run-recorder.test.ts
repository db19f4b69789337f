import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.ts';
import { chats, usageRecords } from '../src/db/schema.ts';
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
});
