import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { type RowsInsert, rowsFor } from '../../db/insert-many.ts';
import { usageRecords } from '../../db/schema.ts';

/** Usage rows to write with other inserts (see `writeRows`). */
export function usageRows(rows: Array<typeof usageRecords.$inferInsert>): RowsInsert {
  return rowsFor(usageRecords, rows);
}

export async function tokensSince(db: DbOrTx, orgId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<string>`coalesce(sum(${usageRecords.totalTokens}), 0)` })
    .from(usageRecords)
    .where(and(eq(usageRecords.orgId, orgId), gte(usageRecords.createdAt, since)));
  return Number(row?.n ?? 0);
}

export type GroupBy = 'day' | 'assistant' | 'model';

export interface UsageGroupRow {
  key: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export async function summarize(db: DbOrTx, orgId: string, from: Date, to: Date, groupBy: GroupBy): Promise<UsageGroupRow[]> {
  const key =
    groupBy === 'day'
      ? sql<string>`to_char(date_trunc('day', ${usageRecords.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`
      : groupBy === 'assistant'
        ? sql<string>`${usageRecords.assistantId}`
        : sql<string>`${usageRecords.model}`;
  const rows = await db
    .select({
      key,
      requests: sql<string>`count(*)`,
      errors: sql<string>`count(*) filter (where ${usageRecords.outcome} <> 'ok')`,
      prompt_tokens: sql<string>`sum(${usageRecords.promptTokens})`,
      completion_tokens: sql<string>`sum(${usageRecords.completionTokens})`,
      total_tokens: sql<string>`sum(${usageRecords.totalTokens})`,
    })
    .from(usageRecords)
    .where(and(eq(usageRecords.orgId, orgId), gte(usageRecords.createdAt, from), lt(usageRecords.createdAt, to)))
    .groupBy(key)
    .orderBy(key);
  // PostgreSQL returns bigint aggregates as strings.
  return rows.map((r) => ({
    key: String(r.key),
    requests: Number(r.requests),
    errors: Number(r.errors),
    prompt_tokens: Number(r.prompt_tokens),
    completion_tokens: Number(r.completion_tokens),
    total_tokens: Number(r.total_tokens),
  }));
}
