import type { RowsInsert } from '../../db/insert-many.ts';
import type { Db } from '../../db/client.ts';
import { badRequest } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import * as repo from './usage.repo.ts';
import type { UsageSummary } from './usage.schemas.ts';

export type UsageService = ReturnType<typeof createUsageService>;

export interface UsageEntry {
  orgId: string;
  assistantId: string;
  apiKeyId: string | null;
  chatId: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** When the call ended; the record is written a moment later, but counts for this instant. */
  at: Date;
  outcome: 'ok' | 'error' | 'canceled';
}

const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

/** Month-to-date spend is re-read at most this often per org while a budget is set. */
const SPENT_TTL_MS = 1_000;

/** Usage records of these calls, for the run recorder's group commit. */
function usageRowsOf(entries: UsageEntry[]): RowsInsert {
  return repo.usageRows(
    entries.map((e) => ({
      id: newId('usage'),
      orgId: e.orgId,
      assistantId: e.assistantId,
      apiKeyId: e.apiKeyId,
      chatId: e.chatId,
      model: e.model,
      promptTokens: e.promptTokens,
      completionTokens: e.completionTokens,
      totalTokens: e.promptTokens + e.completionTokens,
      latencyMs: e.latencyMs,
      outcome: e.outcome,
      createdAt: e.at,
    })),
  );
}

/**
 * Month-to-date spend per org, as budgets read it: written records (re-read at most every second,
 * and after each write of this instance) plus calls still waiting to be written. Its `runExtras`
 * are the run recorder's hooks: usage records go in the statement that closes the runs (a call is
 * never recorded twice or half), and calls still waiting for it count against budgets.
 */
export function createUsageMeter(deps: { db: Db; caches: CacheStore }) {
  const spent = deps.caches.cache<number>('usage-month-spend', { ttlMs: SPENT_TTL_MS });
  /** Tokens of calls that ended but whose records are not written yet, per org: budgets count them. */
  const unwritten = new Map<string, number>();
  const tokensOf = (e: UsageEntry) => e.promptTokens + e.completionTokens;
  return {
    runExtras: {
      rows: usageRowsOf,
      queued(e: UsageEntry): void {
        unwritten.set(e.orgId, (unwritten.get(e.orgId) ?? 0) + tokensOf(e));
      },
      settled(entries: UsageEntry[]): void {
        const orgs = new Set<string>();
        for (const e of entries) {
          const left = (unwritten.get(e.orgId) ?? 0) - tokensOf(e);
          if (left > 0) unwritten.set(e.orgId, left);
          else unwritten.delete(e.orgId);
          orgs.add(e.orgId);
        }
        // The written rows are in the database now: the next check reads them there (not twice).
        // Once per org of the batch: each delete also voids the cache's loads in flight.
        for (const orgId of orgs) spent.delete(orgId);
      },
    },

    async used(orgId: string): Promise<number> {
      const written = await spent.getOrLoad(orgId, () => repo.tokensSince(deps.db, orgId, monthStart(new Date())));
      return written + (unwritten.get(orgId) ?? 0);
    },
  };
}

export type UsageMeter = ReturnType<typeof createUsageMeter>;

export function createUsageService(deps: {
  db: Db;
  meter: UsageMeter;
  budgetOf: (orgId: string) => Promise<number | null>;
  /** Waits for runtime calls still being recorded (see the chats feature's run recorder). */
  settle: () => Promise<void>;
}) {
  const { db } = deps;
  return {

    /**
     * Budget left this month, or null when the org has none: written records (re-read at most
     * every second, and after each write of this instance) plus calls still being written.
     * Calls that run at the same moment may each pass the check before either ends, so a budget
     * can be overshot by the calls in flight when it runs out, never by calls that already ended.
     */
    async remainingBudget(orgId: string): Promise<{ budget: number; used: number } | null> {
      const budget = await deps.budgetOf(orgId);
      if (budget === null) return null;
      return { budget, used: await deps.meter.used(orgId) };
    },

    async summary(orgId: string, q: { from?: string; to?: string; group_by: repo.GroupBy }): Promise<UsageSummary> {
      // Calls answered before this request are counted: wait for their records, then take "now".
      await deps.settle();
      const to = q.to ? new Date(q.to) : new Date();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw badRequest('from: must be before to');
      const [groups, budget, monthUsed] = await Promise.all([
        repo.summarize(db, orgId, from, to, q.group_by),
        deps.budgetOf(orgId),
        repo.tokensSince(db, orgId, monthStart(new Date())),
      ]);
      const totals = { requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      for (const g of groups) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += g[k];
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        group_by: q.group_by,
        totals,
        groups,
        monthly_token_budget: budget,
        month_to_date_tokens: monthUsed,
      };
    },
  };
}
