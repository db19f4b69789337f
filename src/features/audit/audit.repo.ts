import { and, count, desc, eq, gte, like, lt, not, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { apiKeys, events, type EventRow, users } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

export interface AuditFilter {
  actorId?: string;
  /** An exact type, or a family as `prefix.*`. */
  type?: string;
  from?: Date;
  to?: Date;
}

/**
 * Fields of a chat that move as people read and write in it (the messages themselves are `message.*` events): a
 * `chat.updated` that changed only these records no decision anyone made (opening a chat in the inbox sets its unseen
 * count to 0), and the inbox writes one per read. Left out of the log unless asked for by type, like messages.
 */
const CHAT_BOOKKEEPING_FIELDS = ['admin_unseen_count', 'user_unseen_count', 'last_message_at'] as const;
const bookkeeping = JSON.stringify(CHAT_BOOKKEEPING_FIELDS);

function conditions(orgId: string, f: AuditFilter): SQL {
  const where: Array<SQL | undefined> = [eq(events.orgId, orgId)];
  if (f.actorId) where.push(eq(events.actorId, f.actorId));
  if (f.type?.endsWith('.*')) where.push(like(events.type, `${f.type.slice(0, -1)}%`));
  else if (f.type) where.push(eq(events.type, f.type));
  else {
    where.push(not(like(events.type, 'message.%')));
    // `<@`: every field in `changed` is one of these (jsonb array containment).
    where.push(sql`not (${events.type} = 'chat.updated' and ${events.data} -> 'changed' <@ ${bookkeeping}::jsonb)`);
  }
  if (f.from) where.push(gte(events.createdAt, f.from));
  if (f.to) where.push(lt(events.createdAt, f.to));
  return and(...where)!;
}

/** Newest first (event ids sort by time), with the acting key's or member's name. */
export async function listEntries(
  db: DbOrTx,
  orgId: string,
  f: AuditFilter,
  q: PageQuery,
): Promise<[Array<EventRow & { actorName: string | null }>, number]> {
  const where = conditions(orgId, f);
  const [rows, [total]] = await Promise.all([
    db
      .select({ event: events, keyName: apiKeys.name, userName: users.name })
      .from(events)
      .leftJoin(apiKeys, and(eq(events.actorType, 'api_key'), eq(apiKeys.id, events.actorId)))
      .leftJoin(users, and(eq(events.actorType, 'member'), eq(users.id, events.actorId)))
      .where(where)
      .orderBy(desc(events.id))
      .limit(q.take)
      .offset(pageOffset(q)),
    db.select({ n: count() }).from(events).where(where),
  ]);
  return [rows.map((r) => ({ ...r.event, actorName: r.keyName ?? r.userName })), total?.n ?? 0];
}
