import type { DbOrTx } from '../../db/client.ts';
import type { ContactChannelRow, ContactRow } from '../../db/schema.ts';
import { iso } from '../../http/common-schemas.ts';
import * as repo from './contacts.repo.ts';
import type { Contact, ContactChannel } from './contacts.schemas.ts';
import type { Segment } from './segments.schemas.ts';

export const toSegment = (row: repo.SegmentWithCount): Segment => ({
  id: row.id,
  org_id: row.orgId,
  name: row.name,
  color: row.color,
  contacts_count: row.contactsCount,
  boards: [],
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const toChannel = (row: ContactChannelRow): ContactChannel => ({
  id: row.id,
  contact_id: row.contactId,
  type: row.type,
  user_id: row.userId,
  name: row.name,
  username: row.username,
  email: row.email,
  phone: row.phone,
  avatar: row.avatar,
  country: row.country,
  language: row.language,
  agent: row.agent,
  ip: row.ip,
  platform_data: row.platformData,
  last_seen_at: iso(row.lastSeenAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** Contacts as the API shows them: each with its channels and segments (two queries for a whole page). */
export async function toContacts(db: DbOrTx, orgId: string, rows: ContactRow[]): Promise<Contact[]> {
  const ids = rows.map((r) => r.id);
  const [channels, memberships] = await Promise.all([repo.channelsOf(db, orgId, ids), repo.segmentsOf(db, orgId, ids)]);
  return rows.map((row) => ({
    id: row.id,
    org_id: row.orgId,
    name: row.name,
    blocked: row.blocked,
    unsubscribed: row.unsubscribed,
    ai_replies_disabled: row.aiRepliesDisabled,
    is_admin: row.isAdmin,
    custom_attributes: row.customAttributes,
    channels: channels.filter((c) => c.contactId === row.id).map(toChannel),
    segments: memberships.filter((m) => m.contactId === row.id).map((m) => toSegment(m.segment)),
    last_seen_at: iso(row.lastSeenAt),
    blocked_at: iso(row.blockedAt),
    unsubscribed_at: iso(row.unsubscribedAt),
    unsubscribe_reason: row.unsubscribeReason,
    unsubscribe_feedback: row.unsubscribeFeedback,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }));
}

export async function toContact(db: DbOrTx, row: ContactRow): Promise<Contact> {
  return (await toContacts(db, row.orgId, [row]))[0]!;
}
