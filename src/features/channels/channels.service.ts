import type { Principal } from '../../http/principal.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Chat, ChatsService, Message } from '../chats/index.ts';
import type { ContactsService } from '../contacts/index.ts';
import type { RuntimeService } from '../runtime/index.ts';

export type ChannelsService = ReturnType<typeof createChannelsService>;

/**
 * Custom channels: a team's own transport (WhatsApp through their provider, SMS, email...) writes as a contact
 * through these calls; the assistant (or a person) answers in the chat, and the replies leave through webhooks
 * (`message.created`). The assistant's turn runs as a runtime call would, attributed to the contact.
 */
export function createChannelsService(deps: { contacts: ContactsService; chats: ChatsService; runtime: RuntimeService; settle: () => Promise<void> }) {
  /** The contact, which must not be blocked, and (when given) its CUSTOM channel. */
  async function writer(orgId: string, contactId: string, channelId: string | undefined) {
    const contact = await deps.contacts.get(orgId, contactId);
    if (channelId !== undefined) {
      const channel = contact.channels.find((c) => c.id === channelId);
      if (!channel) throw notFound('Channel');
      if (channel.type !== 'CUSTOM') throw new AppError('bad_request', `only CUSTOM channels take messages through this API (this one is ${channel.type})`);
    }
    if (contact.blocked) throw new AppError('forbidden', 'this contact is blocked: unblock it to take its messages');
    return contact;
  }

  /** Runs the contact's turn: stored, then answered by the assistant unless a person handles the chat. */
  async function turn(principal: Principal, assistantId: string, contactId: string, text: string, chatId?: string, channelId?: string) {
    const channel = channelId ? { type: 'CUSTOM' as const, id: channelId } : undefined;
    const prepared = await deps.runtime.prepare(principal, assistantId, { message: text, chat_id: chatId }, { contactId, channel });
    const controller = new AbortController();
    return deps.runtime.invoke(prepared, controller.signal, () => false);
  }

  return {
    async openChat(orgId: string, principal: Principal, contactId: string, channelId: string, input: { assistantId: string; title?: string; text: string }): Promise<Chat> {
      await writer(orgId, contactId, channelId);
      const reply = await turn(principal, input.assistantId, contactId, input.text, undefined, channelId);
      await deps.settle();
      const chat = await deps.chats.get(orgId, reply.chat_id);
      return input.title ? deps.chats.update(orgId, chat.id, { title: input.title }) : chat;
    },

    async postAsContact(orgId: string, principal: Principal, contactId: string, chatId: string, input: { text: string; channelId?: string }): Promise<Message> {
      await writer(orgId, contactId, input.channelId);
      const chat = await deps.chats.get(orgId, chatId);
      if (chat.contact_id !== contactId || chat.org_id !== orgId) throw notFound('Chat');
      await turn(principal, chat.assistant_id, contactId, input.text, chatId);
      await deps.settle();
      const written = await deps.chats.lastCustomerMessage(orgId, chatId);
      if (!written) throw new AppError('internal', 'the message was not stored');
      return written;
    },
  };
}
