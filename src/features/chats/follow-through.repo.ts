import { and, asc, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chats, type ChatRow, messages } from '../../db/schema.ts';

/** The role of the chat's latest conversational message (the customer's or a reply): who is waiting on whom. */
const lastSpeaker = sql`(select m.role from ${messages} m where m.chat_id = ${chats.id} and m.role in ('user', 'assistant')
  order by m.created_at desc, m.id desc limit 1)`;

/**
 * Open chats of an assistant that auto-resolve may close, oldest activity first, locked (another instance's sweep
 * skips them). Nothing happened in them since `cutoff` (no message, no change of state), and none is one a support
 * lead would object to closing: waiting for a person nobody took (`ai_enabled` off, unassigned), ending with the
 * customer's message (they are owed a reply), or with a follow-up still ahead.
 */
export async function inactiveOpenChats(db: DbOrTx, assistantId: string, cutoff: Date, now: Date, limit: number): Promise<ChatRow[]> {
  return db
    .select()
    .from(chats)
    .where(
      and(
        eq(chats.assistantId, assistantId),
        eq(chats.state, 'OPEN'),
        lt(chats.lastMessageAt, cutoff),
        lt(chats.updatedAt, cutoff),
        or(eq(chats.aiEnabled, true), isNotNull(chats.assignedMemberId)),
        or(isNull(chats.followUpAt), lte(chats.followUpAt, now)),
        sql`coalesce(${lastSpeaker}, 'assistant') <> 'user'`,
      ),
    )
    .orderBy(asc(chats.lastMessageAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Snoozed chats whose time has come, locked. */
export async function dueSnoozedChats(db: DbOrTx, now: Date, limit: number): Promise<ChatRow[]> {
  return db
    .select()
    .from(chats)
    .where(and(eq(chats.state, 'SNOOZED'), lte(chats.snoozedUntil, now)))
    .orderBy(asc(chats.snoozedUntil))
    .limit(limit)
    .for('update', { skipLocked: true });
}
