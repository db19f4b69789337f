import type { Db, DbOrTx } from '../../db/client.ts';
import type { ContactChannelRow, ContactRow, CustomAttributes } from '../../db/schema.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import { AppError, badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { toChannel, toContact, toContacts, toSegment } from './contact-views.ts';
import { CONTACT_FIELDS } from './contact-fields.ts';
import * as repo from './contacts.repo.ts';
import {
  type Contact,
  type ContactChannel,
  type ContactListQuery,
  type CreateChannelInput,
  type CreateContactInput,
  CUSTOM_ATTRIBUTE_LIMITS,
  type Field,
  type UpdateChannelInput,
  type UpdateContactInput,
} from './contacts.schemas.ts';
import type { Segment } from './segments.schemas.ts';
import * as segmentsRepo from './segments.repo.ts';
import { type ChannelIdentity, resolveContactByChannel, type ResolvedContact } from './resolve-contact.ts';

export type ContactsService = ReturnType<typeof createContactsService>;

const tooManyAttributes = (n: number) =>
  badRequest(`custom_attributes: at most ${CUSTOM_ATTRIBUTE_LIMITS.keys} keys (the contact would have ${n})`);

/** Custom attributes after a merge patch: null removes a key. */
function patchAttributes(current: CustomAttributes, patch: Record<string, string | number | boolean | null>): CustomAttributes {
  const next: CustomAttributes = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** A flag's new value and the time it was last set: kept while it stays set, cleared when unset. */
function flag(current: boolean, since: Date | null, next: boolean | undefined, now: Date): [boolean, Date | null] {
  if (next === undefined || next === current) return [current, since];
  return [next, next ? now : null];
}

const recency = (c: ContactChannelRow) => (c.lastSeenAt ?? c.createdAt).getTime();

/**
 * `settle` flushes the run recorder's pending group commit: a chat recorded after its contact was merged away or
 * deleted would point at a contact that no longer exists, so those two wait for what is already answered.
 */
export function createContactsService(deps: { db: Db; events: EventLog; settle: () => Promise<void> }) {
  const { db, events } = deps;

  async function mustFind(tx: DbOrTx, orgId: string, id: string): Promise<ContactRow> {
    const row = await repo.findContact(tx, orgId, id);
    if (!row) throw notFound('Contact');
    return row;
  }

  async function insertChannel(tx: DbOrTx, orgId: string, contactId: string, input: CreateChannelInput): Promise<ContactChannelRow> {
    const userId = input.user_id ?? input.email ?? input.phone!;
    const row = await repo.insertChannel(tx, {
      id: newId('contactChannel'),
      orgId,
      contactId,
      type: input.type,
      userId,
      name: input.name ?? null,
      username: input.username ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      avatar: input.avatar ?? null,
      language: input.language ?? null,
    });
    if (row) return row;
    const owner = await repo.findChannelByIdentity(tx, orgId, input.type, userId);
    throw new AppError('conflict', `the ${input.type} channel with user_id "${userId}" already belongs to contact ${owner?.contactId ?? 'another contact'}`);
  }

  return {
    async create(orgId: string, input: CreateContactInput, actor: Actor = SYSTEM_ACTOR): Promise<Contact> {
      return events.transaction(actor, async (tx, emit) => {
        const segmentIds = [...new Set(input.segment_ids ?? [])];
        const known = await segmentsRepo.existingSegmentIds(tx, orgId, segmentIds);
        const missing = segmentIds.findIndex((id) => !known.has(id));
        if (missing >= 0) throw badRequest(`segment_ids[${missing}]: no such segment in this organization`);
        const now = new Date();
        const contact = await repo.insertContact(tx, {
          id: newId('contact'),
          orgId,
          name: input.name ?? null,
          blocked: input.blocked ?? false,
          blockedAt: input.blocked ? now : null,
          unsubscribed: input.unsubscribed ?? false,
          unsubscribedAt: input.unsubscribed ? now : null,
          aiRepliesDisabled: input.ai_replies_disabled ?? false,
          customAttributes: input.custom_attributes ?? {},
        });
        const channel = input.channel ? await insertChannel(tx, orgId, contact.id, input.channel) : undefined;
        await repo.addMemberships(tx, orgId, contact.id, segmentIds);
        emit({
          type: 'contact.created',
          orgId,
          subjectId: contact.id,
          data: { contact_id: contact.id, channel_id: channel?.id ?? null, channel_type: channel?.type ?? null },
        });
        return toContact(tx, contact);
      });
    },

    async list(orgId: string, query: ContactListQuery): Promise<Page<Contact>> {
      if (query.segment_id && !(await segmentsRepo.findSegment(db, orgId, query.segment_id))) {
        throw badRequest('segment_id: no such segment in this organization');
      }
      const filter = { search: query.search, status: query.status, email: query.email, userId: query.user_id, segmentId: query.segment_id };
      const q = { page: query.page, take: query.take };
      const [rows, count] = await repo.listContacts(db, orgId, filter, q);
      return { items: await toContacts(db, orgId, rows), count, ...q };
    },

    async get(orgId: string, id: string): Promise<Contact> {
      return toContact(db, await mustFind(db, orgId, id));
    },

    async update(orgId: string, id: string, input: UpdateContactInput, actor: Actor = SYSTEM_ACTOR): Promise<Contact> {
      return events.transaction(actor, async (tx, emit) => {
        const [current] = await repo.lockContacts(tx, orgId, [id]);
        if (!current) throw notFound('Contact');
        const now = new Date();
        const [blocked, blockedAt] = flag(current.blocked, current.blockedAt, input.blocked, now);
        const [unsubscribed, unsubscribedAt] = flag(current.unsubscribed, current.unsubscribedAt, input.unsubscribed, now);
        const attributes = input.custom_attributes ? patchAttributes(current.customAttributes, input.custom_attributes) : undefined;
        if (attributes && Object.keys(attributes).length > CUSTOM_ATTRIBUTE_LIMITS.keys) throw tooManyAttributes(Object.keys(attributes).length);
        const row = await repo.updateContact(tx, orgId, id, {
          ...(input.name !== undefined && { name: input.name }),
          blocked,
          blockedAt,
          unsubscribed,
          unsubscribedAt,
          ...(input.ai_replies_disabled !== undefined && { aiRepliesDisabled: input.ai_replies_disabled }),
          ...(attributes && { customAttributes: attributes }),
        });
        const changed = Object.keys(input).filter((k) => input[k as keyof UpdateContactInput] !== undefined);
        emit({ type: 'contact.updated', orgId, subjectId: id, data: { contact_id: id, changed } });
        return toContact(tx, row!);
      });
    },

    /**
     * Details the person gave in a conversation (the assistant's `update_contact` tool): the name goes on the
     * contact, email and phone on its most recently active channel (the fields of a contact's channels are
     * where Parley keeps them). Values already held are not written again; `contact.updated` names what changed.
     */
    async saveDetails(orgId: string, id: string, details: { name?: string; email?: string; phone?: string }, actor: Actor = SYSTEM_ACTOR): Promise<string[]> {
      return events.transaction(actor, async (tx, emit) => {
        const [current] = await repo.lockContacts(tx, orgId, [id]);
        if (!current) throw notFound('Contact');
        const changed: string[] = [];
        if (details.name !== undefined && details.name !== current.name) changed.push('name');
        const channel = (await repo.channelsOf(tx, orgId, [id])).sort((a, b) => recency(b) - recency(a))[0];
        const patch = {
          ...(details.email !== undefined && channel && channel.email !== details.email && { email: details.email }),
          ...(details.phone !== undefined && channel && channel.phone !== details.phone && { phone: details.phone }),
        };
        if (Object.keys(patch).length) {
          await repo.updateChannel(tx, orgId, channel!.id, patch);
          changed.push('channels');
        }
        if (changed.length === 0) return changed;
        await repo.updateContact(tx, orgId, id, changed.includes('name') ? { name: details.name! } : {});
        emit({ type: 'contact.updated', orgId, subjectId: id, data: { contact_id: id, changed } });
        return changed;
      });
    },

    /** Deletes the contact with its channels and memberships; its chats stay, with no contact (contact_id null). */
    async remove(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await deps.settle();
      await events.transaction(actor, async (tx, emit) => {
        await repo.lockChannelsOf(tx, orgId, [id]);
        if (!(await repo.deleteContact(tx, orgId, id))) throw notFound('Contact');
        emit({ type: 'contact.deleted', orgId, subjectId: id, data: { contact_id: id } });
      });
    },

    async addChannel(orgId: string, contactId: string, input: CreateChannelInput, actor: Actor = SYSTEM_ACTOR): Promise<ContactChannel> {
      return events.transaction(actor, async (tx, emit) => {
        await mustFind(tx, orgId, contactId);
        const row = await insertChannel(tx, orgId, contactId, input);
        await repo.updateContact(tx, orgId, contactId, {});
        emit({ type: 'contact.updated', orgId, subjectId: contactId, data: { contact_id: contactId, changed: ['channels'] } });
        return toChannel(row);
      });
    },

    /** Only CUSTOM channels: the others are kept up to date by their own transport (the widget, the runtime API). */
    async updateChannel(orgId: string, contactId: string, channelId: string, input: UpdateChannelInput, actor: Actor = SYSTEM_ACTOR): Promise<ContactChannel> {
      return events.transaction(actor, async (tx, emit) => {
        const channel = await repo.findChannel(tx, orgId, contactId, channelId);
        if (!channel) throw notFound('Channel');
        if (channel.type !== 'CUSTOM') throw badRequest(`only CUSTOM channels can be edited; this is a ${channel.type} channel, kept up to date by its transport`);
        const row = await repo.updateChannel(tx, orgId, channelId, input);
        await repo.updateContact(tx, orgId, contactId, {});
        emit({ type: 'contact.updated', orgId, subjectId: contactId, data: { contact_id: contactId, changed: ['channels'] } });
        return toChannel(row!);
      });
    },

    fields(q: PageQuery): Page<Field> {
      const start = (q.page - 1) * q.take;
      return { items: CONTACT_FIELDS.slice(start, start + q.take), count: CONTACT_FIELDS.length, ...q };
    },

    /**
     * Merges `fromId` into `id` in one transaction: channels, segment memberships and chats move to `id`, then
     * `fromId` is deleted. The surviving contact's own values win; the other's fill what it lacks (name, custom
     * attributes), and the safety flags (blocked, unsubscribed, AI replies disabled) stay set if either had them.
     */
    async merge(orgId: string, id: string, fromId: string, actor: Actor = SYSTEM_ACTOR): Promise<Contact> {
      await deps.settle();
      return events.transaction(actor, async (tx, emit) => {
        await repo.lockChannelsOf(tx, orgId, [id, fromId]);
        const rows = await repo.lockContacts(tx, orgId, [id, fromId]);
        const into = rows.find((r) => r.id === id);
        const from = rows.find((r) => r.id === fromId);
        if (!into) throw notFound('Contact');
        if (id === fromId) throw badRequest('from_contact_id: a contact cannot be merged into itself');
        if (!from) throw badRequest('from_contact_id: no such contact in this organization');
        const attributes = { ...from.customAttributes, ...into.customAttributes };
        const keys = Object.keys(attributes).length;
        if (keys > CUSTOM_ATTRIBUTE_LIMITS.keys) {
          throw new AppError('conflict', `the merged contact would have ${keys} custom attributes (at most ${CUSTOM_ATTRIBUTE_LIMITS.keys}): remove some first`);
        }
        const moved = await repo.moveContactRecords(tx, orgId, fromId, id);
        const earliest = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));
        const latest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
        const row = await repo.updateContact(tx, orgId, id, {
          name: into.name ?? from.name,
          blocked: into.blocked || from.blocked,
          blockedAt: into.blocked || from.blocked ? earliest(into.blockedAt, from.blockedAt) : null,
          unsubscribed: into.unsubscribed || from.unsubscribed,
          unsubscribedAt: into.unsubscribed || from.unsubscribed ? earliest(into.unsubscribedAt, from.unsubscribedAt) : null,
          unsubscribeReason: into.unsubscribeReason ?? from.unsubscribeReason,
          unsubscribeFeedback: into.unsubscribeFeedback ?? from.unsubscribeFeedback,
          aiRepliesDisabled: into.aiRepliesDisabled || from.aiRepliesDisabled,
          customAttributes: attributes,
          lastSeenAt: latest(into.lastSeenAt, from.lastSeenAt),
        });
        await repo.deleteContact(tx, orgId, fromId);
        emit({
          type: 'contact.merged',
          orgId,
          subjectId: id,
          data: { contact_id: id, from_contact_id: fromId, channels_moved: moved.channels, chats_moved: moved.chats },
        });
        return toContact(tx, row!);
      });
    },

    async segmentsOf(orgId: string, contactId: string, q: PageQuery): Promise<Page<Segment>> {
      await mustFind(db, orgId, contactId);
      const [rows, count] = await segmentsRepo.listSegmentsOfContact(db, orgId, contactId, q);
      return { items: rows.map(toSegment), count, ...q };
    },

    /** Puts the contact in the segment (nothing changes, and no event, when it already is). */
    async addToSegment(orgId: string, contactId: string, segmentId: string, actor: Actor = SYSTEM_ACTOR): Promise<Contact> {
      return events.transaction(actor, async (tx, emit) => {
        let contact = await mustFind(tx, orgId, contactId);
        if (!(await segmentsRepo.findSegment(tx, orgId, segmentId))) throw notFound('Segment');
        if ((await repo.addMemberships(tx, orgId, contactId, [segmentId])).length) {
          contact = (await repo.updateContact(tx, orgId, contactId, {}))!;
          emit({ type: 'contact.updated', orgId, subjectId: contactId, data: { contact_id: contactId, changed: ['segments'] } });
        }
        return toContact(tx, contact);
      });
    },

    async removeFromSegment(orgId: string, contactId: string, segmentId: string, actor: Actor = SYSTEM_ACTOR): Promise<Contact> {
      return events.transaction(actor, async (tx, emit) => {
        let contact = await mustFind(tx, orgId, contactId);
        if (!(await segmentsRepo.findSegment(tx, orgId, segmentId))) throw notFound('Segment');
        if (await repo.removeMembership(tx, orgId, contactId, segmentId)) {
          contact = (await repo.updateContact(tx, orgId, contactId, {}))!;
          emit({ type: 'contact.updated', orgId, subjectId: contactId, data: { contact_id: contactId, changed: ['segments'] } });
        }
        return toContact(tx, contact);
      });
    },

    /** `resolveContactByChannel` in a transaction of its own, for callers that have none. */
    async resolve(who: ChannelIdentity, actor: Actor = SYSTEM_ACTOR): Promise<ResolvedContact> {
      return events.transaction(actor, (tx, emit) => resolveContactByChannel(tx, who, emit));
    },
  };
}
