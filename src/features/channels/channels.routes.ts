import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { ChatSchema, MessageSchema } from '../chats/index.ts';
import type { ChannelsService } from './channels.service.ts';
import { ContactChannelChatParams, ContactChatParams, ContactMessageBodySchema, OpenChannelChatBodySchema } from './channels.schemas.ts';

const tags = ['Contacts'];
const textOf = (parts: Array<{ text: string }>) => parts.map((p) => p.text).join('\n');

export function channelsRoutes(channels: ChannelsService): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts/:contact_id/channels/:channel_id/chats',
      operationId: 'openContactChannelChat',
      summary: 'Open a chat on a custom channel',
      description:
        'A contact starts a conversation through your own transport (a CUSTOM channel): their message is stored and the assistant answers (unless they ask for a person). The reply reaches your transport through webhooks (`message.created`). Answers the new chat.',
      tags,
      auth: { permission: 'contacts:write' },
      params: ContactChannelChatParams,
      body: OpenChannelChatBodySchema,
      responses: { 200: ChatSchema },
      errors: [403, 502],
      handler: async ({ orgId, principal, params, body }) =>
        channels.openChat(orgId, principal, params.contact_id, params.channel_id, { assistantId: body.assistant_id, title: body.title, text: textOf(body.message) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts/:contact_id/chats/:chat_id/messages',
      operationId: 'postContactMessage',
      summary: 'Send a message as a contact',
      description:
        'A contact writes in one of their chats through your transport. The message is stored; the assistant answers it unless a person handles the chat (then the team sees it in the inbox). A closed chat reopens. Answers the stored message.',
      tags,
      auth: { permission: 'contacts:write' },
      params: ContactChatParams,
      body: ContactMessageBodySchema,
      responses: { 200: MessageSchema },
      errors: [403, 502],
      handler: async ({ orgId, principal, params, body }) =>
        channels.postAsContact(orgId, principal, params.contact_id, params.chat_id, { text: textOf(body.message), channelId: body.channel_id }),
    }),
  ];
}
