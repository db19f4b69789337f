import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chats, contacts, messages, type MessageRow } from '../../db/schema.ts';
import type { InboxFilter, InboxScope } from './inbox.schemas.ts';

/** The org's chats, narrowed to an assistant, a channel or a contact when asked. */
export const scopeWhere = (orgId: string, scope: InboxScope): SQL | undefined =>
  and(
    eq(chats.orgId, orgId),
    scope.assistantId ? eq(chats.assistantId, scope.assistantId) : undefined,
    scope.channel ? eq(chats.channel, scope.channel) : undefined,
    scope.contactId ? eq(chats.contactId, scope.contactId) : undefined,
  );

/** What each inbox filter means, as a condition on chats (`memberId`: the signed-in member, for `mine`). */
export function filterWhere(filter: InboxFilter, memberId: string | null): SQL | undefined {
  switch (filter) {
    case 'all':
      return undefined;
    case 'unread':
      return sql`${chats.adminUnseenCount} > 0 and ${chats.state} <> 'CLOSED'`;
    case 'unresolved':
      return sql`${chats.state} <> 'CLOSED'`;
    case 'resolved':
      return eq(chats.state, 'CLOSED');
    case 'waiting':
      return and(eq(chats.aiEnabled, false), isNull(chats.assignedMemberId), sql`${chats.state} <> 'CLOSED'`);
    case 'mine':
      return memberId ? and(eq(chats.assignedMemberId, memberId), sql`${chats.state} <> 'CLOSED'`) : sql`false`;
    case 'unassigned':
      return and(isNull(chats.assignedMemberId), eq(chats.state, 'OPEN'));
    case 'snoozed':
      return eq(chats.state, 'SNOOZED');
  }
}

/** Every filter's count in one pass over the org's chats. */
export async function countByFilter(db: DbOrTx, orgId: string, scope: InboxScope, memberId: string | null, filters: readonly InboxFilter[]) {
  const columns = Object.fromEntries(
    filters.map((f) => {
      const where = filterWhere(f, memberId);
      return [f, where ? sql<number>`(count(*) filter (where ${where}))::int` : sql<number>`count(*)::int`];
    }),
  );
  const [row] = await db
    .select(columns)
    .from(chats)
    .where(scopeWhere(orgId, scope));
  return row as Record<InboxFilter, number>;
}

/** The latest message of each chat that a person reads in a list (not event lines), one query for a page. */
export async function lastMessages(db: DbOrTx, orgId: string, chatIds: string[]): Promise<Map<string, MessageRow>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([messages.chatId])
    .from(messages)
    .where(and(eq(messages.orgId, orgId), inArray(messages.chatId, chatIds), sql`${messages.role} not in ('event', 'tool')`))
    .orderBy(messages.chatId, sql`${messages.createdAt} desc`, sql`${messages.id} desc`);
  return new Map(rows.map((r) => [r.chatId, r]));
}

export interface ContactSummary {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * The first of a contact's channels that has this column set (the contacts API lists channels oldest first). Spelt
 * out: Drizzle writes a column of the selected table unqualified, which inside this subquery would be the channel's.
 */
const firstChannel = (column: 'email' | 'phone') =>
  sql<string | null>`(select ch.${sql.identifier(column)} from contact_channels ch where ch.org_id = contacts.org_id and ch.contact_id = contacts.id and ch.${sql.identifier(column)} is not null order by ch.created_at, ch.id limit 1)`;

/** Who a page's chats are with (name, and an email or a phone to show when there is no name), one query. */
export async function contactSummaries(db: DbOrTx, orgId: string, contactIds: string[]): Promise<Map<string, ContactSummary>> {
  if (contactIds.length === 0) return new Map();
  const rows = await db
    .select({ id: contacts.id, name: contacts.name, email: firstChannel('email'), phone: firstChannel('phone') })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), inArray(contacts.id, contactIds)));
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}
