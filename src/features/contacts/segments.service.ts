import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { toSegment } from './contact-views.ts';
import type { CreateSegmentInput, Segment, UpdateSegmentInput } from './segments.schemas.ts';
import * as repo from './segments.repo.ts';

export type SegmentsService = ReturnType<typeof createSegmentsService>;

const taken = (name: string) => new AppError('conflict', `a segment named "${name}" already exists`);

/** Unique-index violations (a rename racing another): PostgreSQL's code, under the driver's wrapper. */
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

export function createSegmentsService(deps: { db: Db; events: EventLog }) {
  const { db, events } = deps;

  async function mustFind(orgId: string, id: string) {
    const row = await repo.findSegment(db, orgId, id);
    if (!row) throw notFound('Segment');
    return row;
  }

  return {
    async list(orgId: string, search: string | undefined, q: PageQuery): Promise<Page<Segment>> {
      const [rows, count] = await repo.listSegments(db, orgId, search, q);
      return { items: rows.map(toSegment), count, ...q };
    },

    async get(orgId: string, id: string): Promise<Segment> {
      return toSegment(await mustFind(orgId, id));
    },

    async create(orgId: string, input: CreateSegmentInput, actor: Actor = SYSTEM_ACTOR): Promise<Segment> {
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.insertSegment(tx, { id: newId('segment'), orgId, name: input.name, color: input.color });
        if (!row) throw taken(input.name);
        emit({ type: 'segment.created', orgId, subjectId: row.id, data: { segment_id: row.id, name: row.name } });
        return toSegment({ ...row, contactsCount: 0 });
      });
    },

    async update(orgId: string, id: string, input: UpdateSegmentInput, actor: Actor = SYSTEM_ACTOR): Promise<Segment> {
      try {
        await events.transaction(actor, async (tx, emit) => {
          if (input.name !== undefined) {
            const other = await repo.findSegmentByName(tx, orgId, input.name);
            if (other && other.id !== id) throw taken(input.name);
          }
          if (!(await repo.updateSegment(tx, orgId, id, input))) throw notFound('Segment');
          const changed = Object.keys(input).filter((k) => input[k as keyof UpdateSegmentInput] !== undefined);
          emit({ type: 'segment.updated', orgId, subjectId: id, data: { segment_id: id, changed } });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw taken(input.name!);
        throw err;
      }
      return toSegment(await mustFind(orgId, id));
    },

    /** Deletes the segment; its contacts stay (they only leave it). */
    async remove(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        if (!(await repo.deleteSegment(tx, orgId, id))) throw notFound('Segment');
        emit({ type: 'segment.deleted', orgId, subjectId: id, data: { segment_id: id } });
      });
    },
  };
}
