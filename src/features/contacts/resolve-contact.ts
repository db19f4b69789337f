import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { contactChannels, type ContactChannelType } from '../../db/schema.ts';
import type { Emit } from '../../events/event-log.ts';
import { badRequest } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { insertChannel, insertContact } from './contacts.repo.ts';

/** Who wrote, as a channel knows them. Details left undefined keep what is stored. */
export interface ChannelIdentity {
  orgId: string;
  type: ContactChannelType;
  /** The identity inside the channel (a widget visitor id, the caller's user id, a phone number); 1 to 256 characters. */
  userId: string;
  name?: string;
  email?: string;
  phone?: string;
  language?: string;
  agent?: string;
  ip?: string;
  /** When the person wrote (default: now). */
  at?: Date;
}

export interface ResolvedContact {
  contactId: string;
  channelId: string;
  /** True when this call created the contact (and its channel). */
  created: boolean;
  name: string | null;
  blocked: boolean;
  unsubscribed: boolean;
  aiRepliesDisabled: boolean;
}

interface TouchedRow {
  channel_id: string;
  channel_changed: boolean;
  contact_id: string;
  name: string | null;
  blocked: boolean;
  unsubscribed: boolean;
  ai_replies_disabled: boolean;
  contact_changed: boolean;
}

const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;

/**
 * The known channel's contact, with last seen moved to `at` and the details given stored, in one statement.
 * The channel is marked changed by setting updated_at to `at` only when a detail really differs, and `old`
 * (every part of one statement sees the same snapshot) holds the contact's name before it, so the same
 * statement tells the caller whether an event is due. The contact's name is filled from the channel only
 * while the contact has none (a name the team set is kept).
 */
async function touch(db: DbOrTx, who: ChannelIdentity, at: string): Promise<TouchedRow | undefined> {
  const v = (x: string | undefined) => x ?? null;
  const [name, email, phone, language, agent, ip] = [who.name, who.email, who.phone, who.language, who.agent, who.ip].map(v);
  const differs = sql`(coalesce(${name}::text, name) is distinct from name or coalesce(${email}::text, email) is distinct from email
    or coalesce(${phone}::text, phone) is distinct from phone or coalesce(${language}::text, language) is distinct from language)`;
  const res = await db.execute(sql`
    with ch as (
      update contact_channels set
        last_seen_at = ${at}::timestamptz,
        name = coalesce(${name}::text, name), email = coalesce(${email}::text, email), phone = coalesce(${phone}::text, phone),
        language = coalesce(${language}::text, language), agent = coalesce(${agent}::text, agent), ip = coalesce(${ip}::text, ip),
        updated_at = case when ${differs} then ${at}::timestamptz else updated_at end
      where org_id = ${who.orgId} and type = ${who.type} and user_id = ${who.userId}
      returning id, contact_id, updated_at = ${at}::timestamptz as changed
    ), old as (
      select c.id, c.name from contacts c join ch on c.id = ch.contact_id
    ), ct as (
      update contacts c set
        last_seen_at = greatest(c.last_seen_at, ${at}::timestamptz),
        name = coalesce(c.name, ${name}::text),
        updated_at = case when (c.name is null and ${name}::text is not null) or ch.changed then ${at}::timestamptz else c.updated_at end
      from ch where c.id = ch.contact_id
      returning c.id, c.name, c.blocked, c.unsubscribed, c.ai_replies_disabled
    )
    select ch.id as channel_id, ch.changed as channel_changed, ct.id as contact_id, ct.name, ct.blocked, ct.unsubscribed,
      ct.ai_replies_disabled, (old.name is null and ${name}::text is not null) as contact_changed
    from ch join ct on ct.id = ch.contact_id join old on old.id = ct.id`);
  return rowsOf<TouchedRow>(res)[0];
}

/**
 * Finds or creates the contact of a channel identity `(org, type, user_id)`: the contact of anyone who writes
 * through a channel. Runs in the caller's transaction (`db` may be one); `emit` records `contact.created`, or
 * `contact.updated` when details given changed the contact or its channel (last seen alone is no event).
 *
 * Race-safe: the unique index on the identity decides. A call that loses the race to create the same identity
 * (its channel insert conflicts) removes the contact it had just made and takes the winner's, so concurrent
 * calls for one identity always yield one contact. The known-identity path is one statement.
 */
export async function resolveContactByChannel(db: DbOrTx, who: ChannelIdentity, emit?: Emit): Promise<ResolvedContact> {
  if (!who.userId || who.userId.length > 256) throw badRequest('user_id: must be 1 to 256 characters');
  const at = (who.at ?? new Date()).toISOString();
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await touch(db, who, at);
    if (found) {
      const changed = [...(found.contact_changed ? ['name'] : []), ...(found.channel_changed ? ['channels'] : [])];
      if (changed.length) emit?.({ type: 'contact.updated', orgId: who.orgId, subjectId: found.contact_id, data: { contact_id: found.contact_id, changed } });
      return {
        contactId: found.contact_id,
        channelId: found.channel_id,
        created: false,
        name: found.name,
        blocked: found.blocked,
        unsubscribed: found.unsubscribed,
        aiRepliesDisabled: found.ai_replies_disabled,
      };
    }
    const seen = new Date(at);
    const contact = await insertContact(db, { id: newId('contact'), orgId: who.orgId, name: who.name ?? null, lastSeenAt: seen });
    const channel = await insertChannel(db, {
      id: newId('contactChannel'),
      orgId: who.orgId,
      contactId: contact.id,
      type: who.type,
      userId: who.userId,
      name: who.name ?? null,
      email: who.email ?? null,
      phone: who.phone ?? null,
      language: who.language ?? null,
      agent: who.agent ?? null,
      ip: who.ip ?? null,
      lastSeenAt: seen,
    });
    if (!channel) {
      // Another call created this identity meanwhile (committed, since the insert waited for it): take its contact.
      await db.execute(sql`delete from contacts where id = ${contact.id}`);
      continue;
    }
    emit?.({
      type: 'contact.created',
      orgId: who.orgId,
      subjectId: contact.id,
      data: { contact_id: contact.id, channel_id: channel.id, channel_type: channel.type },
    });
    return { contactId: contact.id, channelId: channel.id, created: true, name: contact.name, blocked: false, unsubscribed: false, aiRepliesDisabled: false };
  }
  // Only if the identity is created and deleted again between each of our reads.
  throw new Error(`could not resolve the contact of ${who.type} ${who.userId}: the identity keeps changing`);
}

/** The contact (and channel) behind a channel identity, without creating or touching anything; undefined when none. */
export async function findContactByChannel(db: DbOrTx, orgId: string, type: ContactChannelType, userId: string): Promise<{ contactId: string; channelId: string } | undefined> {
  const [row] = await db
    .select({ contactId: contactChannels.contactId, channelId: contactChannels.id })
    .from(contactChannels)
    .where(and(eq(contactChannels.orgId, orgId), eq(contactChannels.type, type), eq(contactChannels.userId, userId)))
    .limit(1);
  return row;
}
