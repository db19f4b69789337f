import type { Db } from '../../db/client.ts';
import type { Page } from '../../lib/pagination.ts';
import * as repo from './audit.repo.ts';
import type { AuditEntry, AuditQuery } from './audit.schemas.ts';

export type AuditService = ReturnType<typeof createAuditService>;

/** `knowledge.item.updated` is about a `knowledge_item`; `api_key.revoked` about an `api_key`. */
const subjectType = (type: string) => type.slice(0, type.lastIndexOf('.')).replaceAll('.', '_');

/** The audit log: the event log of an org, read as who did what, when. */
export function createAuditService(deps: { db: Db; settle: () => Promise<void> }) {
  return {
    async list(orgId: string, q: AuditQuery): Promise<Page<AuditEntry>> {
      // Runtime calls answered before this request are in the log (their events ride the run recorder's commit).
      await deps.settle();
      const filter = { actorId: q.actor_id, type: q.type, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined };
      const [rows, count] = await repo.listEntries(deps.db, orgId, filter, q);
      const items = rows.map(
        (r): AuditEntry => ({
          id: r.id,
          type: r.type,
          actor: { type: r.actorType, id: r.actorId, name: r.actorName },
          subject: { type: subjectType(r.type), id: r.subjectId },
          data: r.data,
          created_at: r.createdAt.toISOString(),
        }),
      );
      return { items, count, page: q.page, take: q.take };
    },
  };
}
