import type { Schemas } from '../api/client';

interface Person {
  id: string;
  name: string | null;
  email?: string | null;
  phone?: string | null;
}

/**
 * How the dashboard names someone the org talks to, the same in the inbox, its thread and the contacts: their name,
 * else an email or a phone, else "Visitor" and the end of their contact id, so two anonymous visitors of the widget
 * can be told apart (their channel's user id, `visitor:vis_...`, is Parley's, not theirs).
 */
export const personLabel = (p: Person): string => p.name || p.email || p.phone || `Visitor ${p.id.slice(-4)}`;

/** A contact as the contacts API returns it, named as `personLabel` does (its first email or phone among its channels). */
export const contactLabel = (c: Schemas['Contact']): string =>
  personLabel({ id: c.id, name: c.name, email: c.channels.find((ch) => ch.email)?.email, phone: c.channels.find((ch) => ch.phone)?.phone });
