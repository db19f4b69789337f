import type { PubSub, Unsubscribe } from '../../infra/pubsub/pubsub.ts';
import type { DbOrTx } from '../../db/client.ts';
import { memberOfUser } from './chat-state.repo.ts';

/** How long a typing signal holds unless renewed: clients send one every few seconds while someone types. */
export const TYPING_TTL_SECONDS = 6;

export interface TypingSignal {
  chat_id: string;
  typing: boolean;
  by: 'member' | 'customer';
  /** The person typing a team reply (null for an API key: "the team"). */
  member: { id: string; name: string } | null;
  expires_in_seconds: number;
}

export type Typing = ReturnType<typeof createTyping>;

/**
 * "Someone is typing": ephemeral signals on the pub-sub port, never written to the event log (they would flood it
 * and mean nothing a second later). One topic per org, so the inbox follows every chat with one subscription and a
 * chat's live stream filters by chat; the Redis adapter will carry them between instances unchanged.
 */
export function createTyping(deps: { db: DbOrTx; pubsub: PubSub }) {
  const topic = (orgId: string) => `typing:${orgId}`;
  return {
    /** A member (or a key: `userId` null) types, or stops typing, a reply in a chat of `orgId`. */
    async team(orgId: string, chatId: string, userId: string | null, typing: boolean): Promise<TypingSignal> {
      const member = userId ? await memberOfUser(deps.db, orgId, userId) : undefined;
      const signal: TypingSignal = {
        chat_id: chatId,
        typing,
        by: 'member',
        member: member ? { id: member.id, name: member.name } : null,
        expires_in_seconds: TYPING_TTL_SECONDS,
      };
      await deps.pubsub.publish(topic(orgId), signal);
      return signal;
    },

    async customer(orgId: string, chatId: string, typing: boolean): Promise<TypingSignal> {
      const signal: TypingSignal = { chat_id: chatId, typing, by: 'customer', member: null, expires_in_seconds: TYPING_TTL_SECONDS };
      await deps.pubsub.publish(topic(orgId), signal);
      return signal;
    },

    follow(orgId: string, onSignal: (s: TypingSignal) => void): Promise<Unsubscribe> {
      return deps.pubsub.subscribe(topic(orgId), (m) => onSignal(m as TypingSignal));
    },
  };
}
