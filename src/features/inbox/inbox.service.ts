import { and } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { ParleyEvent } from '../../events/catalog.ts';
import type { EventLog } from '../../events/event-log.ts';
import { isCursor } from '../../events/event-reads.ts';
import type { Unsubscribe } from '../../infra/pubsub/pubsub.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { AppError } from '../../lib/errors.ts';
import { memberOfUser, pageOfChats, textOf, toChat, type Typing, type TypingSignal } from '../chats/index.ts';
import * as repo from './inbox.repo.ts';
import { INBOX_FILTERS, type InboxChat, type InboxFilter, type InboxScope } from './inbox.schemas.ts';

export type InboxService = ReturnType<typeof createInboxService>;

/** Who is looking at the inbox: `mine` means the signed-in member's chats. */
export interface Viewer {
  userId: string | null;
}

/** The event types a live inbox receives: what happens to chats and their messages. */
export const isInboxEvent = (type: string) => type.startsWith('chat.') || type.startsWith('message.');

/** What a live inbox client receives: a recorded event with its cursor, or an unrecorded typing signal. */
export type InboxFrame =
  | { type: string; id: string; cursor: string; created_at: string; data: Record<string, unknown> }
  | { type: 'typing'; data: TypingSignal };

const logFrame = (e: ParleyEvent): InboxFrame => ({ type: e.type, id: e.id, cursor: e.cursor, created_at: e.created_at, data: e.data as Record<string, unknown> });

export function createInboxService(deps: { db: Db; events: EventLog; typing: Typing; settle: () => Promise<void> }) {
  const { db } = deps;
  const memberIdOf = async (orgId: string, viewer: Viewer) => (viewer.userId ? ((await memberOfUser(db, orgId, viewer.userId))?.id ?? null) : null);

  return {
    async list(orgId: string, q: PageQuery & InboxScope & { filter: InboxFilter }, viewer: Viewer): Promise<Page<InboxChat>> {
      if (q.filter === 'mine' && !viewer.userId) throw new AppError('bad_request', 'filter "mine" needs a signed-in member (an API key has no chats of its own)');
      await deps.settle();
      const where = and(repo.scopeWhere(orgId, q), repo.filterWhere(q.filter, await memberIdOf(orgId, viewer)));
      const [rows, count] = await pageOfChats(db, where, q);
      const last = await repo.lastMessages(db, orgId, rows.map((r) => r.id));
      const people = await repo.contactSummaries(db, orgId, [...new Set(rows.flatMap((r) => (r.contactId ? [r.contactId] : [])))]);
      const items = rows.map((row) => {
        const m = last.get(row.id);
        return {
          ...toChat(row),
          contact: row.contactId && people.has(row.contactId) ? { id: row.contactId, ...people.get(row.contactId)! } : null,
          last_message: m
            ? { id: m.id, role: m.role as 'user' | 'assistant' | 'note', text: textOf(m.parts).slice(0, 280), created_at: m.createdAt.toISOString() }
            : null,
        };
      });
      return { items, count, page: q.page, take: q.take };
    },

    /**
     * Follows the org's inbox events live, from `after` (a cursor a client saw last) when given: replayed from
     * the event log, then live, with nothing missed and nothing twice. Returns the function that stops it.
     */
    async follow(orgId: string, after: string | undefined, onFrame: (f: InboxFrame) => void): Promise<Unsubscribe> {
      if (after !== undefined && !isCursor(after)) throw new AppError('bad_request', 'Last-Event-ID (or after) is not a cursor of this stream');
      const stopLog = await deps.events.subscribe({ orgId, after }, (e) => {
        if (isInboxEvent(e.type)) onFrame(logFrame(e));
      });
      const stopTyping = await deps.typing.follow(orgId, (s) => onFrame({ type: 'typing', data: s }));
      return async () => {
        await Promise.all([stopLog(), stopTyping()]);
      };
    },

    async counts(orgId: string, scope: InboxScope, viewer: Viewer): Promise<Record<InboxFilter, number>> {
      await deps.settle();
      return repo.countByFilter(db, orgId, scope, await memberIdOf(orgId, viewer), INBOX_FILTERS);
    },
  };
}
