import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';

export const RunStatusSchema = z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED']);

export const MemberRefSchema = z
  .object({ id: z.string().meta({ examples: ['mem_4Tq9Lm2Nx7Tc1Vb8Kp3Rw6'] }), name: z.string(), email: z.string() })
  .meta({ id: 'MemberRef' });

export const HandoverSchema = z.enum(['WAITING', 'ASSIGNED']).meta({
  description: 'Set while the AI is off for this chat: WAITING for a person to pick it up, or ASSIGNED to one.',
});

export const ChatStateSchema = z
  .object({
    state: z.enum(['OPEN', 'SNOOZED', 'CLOSED']).meta({ description: 'CLOSED is resolved; a customer message reopens it.' }),
    snoozed_until: Timestamp.nullable().meta({ description: 'When a SNOOZED chat opens again.' }),
    ai_enabled: z.boolean().meta({ description: 'false while a person handles the chat: the assistant does not answer.' }),
    handover: HandoverSchema.nullable(),
    handover_at: Timestamp.nullable().meta({ description: 'When the chat was last handed to a person.' }),
    assigned_member: MemberRefSchema.nullable(),
    assigned_at: Timestamp.nullable(),
    admin_unseen_count: z.number().int().meta({ description: 'Customer messages the team has not seen.' }),
    user_unseen_count: z.number().int().meta({ description: 'Team replies the customer has not seen.' }),
    follow_up_at: Timestamp.nullable(),
    muted_until: Timestamp.nullable(),
    csat_score: z.number().int().min(1).max(5).nullable(),
    csat_requested_at: Timestamp.nullable().meta({
      description: 'When the customer was last asked to rate the chat (on resolve, with the assistant\'s `enable_auto_csat`); null when never.',
    }),
    resolved_at: Timestamp.nullable(),
  })
  .meta({ id: 'ChatState' });

export const CHAT_CHANNEL_TYPES = ['API', 'WEB', 'CUSTOM'] as const;

export const ChatChannelSchema = z
  .object({
    type: z.enum(CHAT_CHANNEL_TYPES).meta({ description: 'API: the runtime API; WEB: the web widget; CUSTOM: a channel the team plugs in (see the contacts guide).' }),
    id: z.string().nullable().meta({ description: "The contact's channel the chat runs on; null for the runtime API." }),
  })
  .meta({ id: 'ChatChannel', description: 'Where the conversation happens.' });

export const ChatSchema = z
  .object({
    id: z.string().meta({ examples: ['chat_5Hq2Tn8Lm1Xc4Vb7Kp9Rw3'] }),
    org_id: z.string(),
    assistant_id: z.string(),
    contact_id: z.string().nullable().meta({ description: 'The contact the chat is with (custom channels, the web widget); null when unknown.' }),
    channel: ChatChannelSchema,
    title: z.string(),
    status: RunStatusSchema.meta({ description: 'Status of the latest assistant reply.' }),
    pinned: z.boolean(),
    messages_count: z.number().int(),
    last_message_at: Timestamp,
    state: ChatStateSchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Chat' });

const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() }).meta({ id: 'TextPart' });

const ToolCallPartSchema = z
  .object({
    type: z.literal('tool-call'),
    tool_call_id: z.string(),
    tool_name: z.string().meta({ examples: ['transfer_to_human'] }),
    input: z.unknown().meta({ description: 'What the model sent, as JSON (the raw text when it was not JSON). Model output: render it as text.' }),
  })
  .meta({ id: 'ToolCallPart', description: 'A tool the assistant called (in a `tool` message).' });

const ToolResultPartSchema = z
  .object({
    type: z.literal('tool-result'),
    tool_call_id: z.string(),
    tool_name: z.string(),
    output: z.unknown().meta({ description: 'What the model was told: a confirmation, or the error when `is_error`.' }),
    is_error: z.boolean().meta({ description: 'The call was refused (unknown tool, invalid input) or failed; nothing was done.' }),
  })
  .meta({ id: 'ToolResultPart', description: 'The result the assistant was given for a tool call (in a `tool` message).' });

export const MessagePartSchema = z
  .discriminatedUnion('type', [TextPartSchema, ToolCallPartSchema, ToolResultPartSchema])
  .meta({
    id: 'MessagePart',
    description: '`text` in every message but `tool` ones, which hold a `tool-call` and its `tool-result`.',
    discriminator: {
      propertyName: 'type',
      mapping: { text: '#/components/schemas/TextPart', 'tool-call': '#/components/schemas/ToolCallPart', 'tool-result': '#/components/schemas/ToolResultPart' },
    },
  });

export const MessageUsageSchema = z
  .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
  .meta({ id: 'MessageUsage' });

export const MessageSchema = z
  .object({
    id: z.string().meta({ examples: ['msg_8Kd3Lp0Qw2Er5Ty7Ui9Op1'] }),
    chat_id: z.string(),
    role: z.enum(['user', 'assistant', 'event', 'note', 'tool']).meta({
      description:
        'user: the customer; assistant: the AI, or a person of the team (see `author`); event: a change of the chat (assigned, handed to a person, resolved...); note: internal, never shown to the customer; tool: a tool the AI called and its result (internal, like a note).',
    }),
    kind: z.enum(['csat_request']).nullable().meta({
      description:
        'What a message Parley wrote asks of the customer: `csat_request` asks for a rating from 1 to 5 (a widget shows stars; the answer goes to `POST /api/agents/{agentId}/chats/{chat_id}/csat`). null for every other message.',
    }),
    author: z.enum(['customer', 'assistant', 'member', 'team', 'system']).meta({
      description: 'Who wrote it: the customer, the AI assistant, a signed-in member (see `member`), the team through an API key, or Parley.',
    }),
    member: MemberRefSchema.nullable(),
    parts: z.array(MessagePartSchema),
    status: RunStatusSchema,
    model: z.string().nullable(),
    usage: MessageUsageSchema.nullable(),
    latency_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Message' });

export type Chat = z.infer<typeof ChatSchema>;
export type Message = z.infer<typeof MessageSchema>;

export const ChatListQuerySchema = PageQuerySchema.extend({
  assistant_id: z.string().min(1).max(64).optional().meta({ description: 'Only chats with this assistant.' }),
});

export const ChatParams = z.object({ chat_id: idParam('The chat id, as every invoke returns it.', EXAMPLE_IDS.chat) });
export const OrgChatsParams = z.object({ org_id: OrgIdParam });

export const UpdateChatBodySchema = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    pinned: z.boolean().optional(),
  })
  .meta({ id: 'UpdateChat', examples: [{ title: 'Refund for order 1042', pinned: true }] });

/** An instant sent by a client: ISO 8601 with a time zone (`Z` or an offset). */
const DateTimeInput = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-24T09:00:00Z' }).meta({ format: 'date-time' });

export const MessageParams = ChatParams.extend({ message_id: idParam('The message id.', 'msg_8Kd3Lp0Qw2Er5Ty7Ui9Op1') });

export const MessageListQuerySchema = PageQuerySchema.extend({
  from_date: DateTimeInput.optional().meta({ description: 'Only messages created at or after this instant.' }),
});

const Parts = z
  .array(z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(32_000) }))
  .min(1)
  .max(20)
  .meta({ description: 'The text of the message, as parts.' });

export const PostMessageBodySchema = z
  .object({
    message: Parts,
    role: z.enum(['assistant', 'note']).default('assistant').meta({
      description: '`assistant`: a reply to the customer from the team (it takes the chat over: the AI stops answering); `note`: internal, never shown to the customer.',
    }),
  })
  .meta({ id: 'PostMessage', examples: [{ message: [{ type: 'text', text: 'Hi, I am Ana from support. Let me check your order.' }] }] });

export const EditMessageBodySchema = z
  .object({ message: Parts })
  .meta({ id: 'EditMessage', examples: [{ message: [{ type: 'text', text: 'Your order 1042 ships tomorrow.' }] }] });

export const UpdateChatStateBodySchema = z
  .object({
    state: z.enum(['OPEN', 'SNOOZED', 'CLOSED']).optional().meta({ description: 'CLOSED resolves the chat; SNOOZED needs `snoozed_until`.' }),
    snoozed_until: DateTimeInput.optional(),
    ai_enabled: z.boolean().optional().meta({ description: 'false: a person takes over and the AI stops answering; true: hand back to the AI.' }),
    follow_up_at: DateTimeInput.nullable().optional(),
    muted_until: DateTimeInput.nullable().optional().meta({ description: 'null: not muted.' }),
    csat_score: z.number().int().min(1).max(5).nullable().optional(),
  })
  .meta({ id: 'UpdateChatState', examples: [{ state: 'CLOSED' }, { ai_enabled: false }, { state: 'SNOOZED', snoozed_until: '2026-12-24T09:00:00Z' }] });

export const AssignBodySchema = z
  .object({ member_id: z.string().min(1).max(64).nullable().meta({ description: 'The member to assign; null unassigns.' }) })
  .meta({ id: 'AssignChat', examples: [{ member_id: 'mem_4Tq9Lm2Nx7Tc1Vb8Kp3Rw6' }] });

export const UnseenSchema = z
  .object({
    chat_id: z.string(),
    assigned_member_id: z.string().nullable(),
    admin_unseen_count: z.number().int(),
    user_unseen_count: z.number().int(),
  })
  .meta({ id: 'ChatUnseen' });

export const ChatStateInfoSchema = z
  .object({
    newest_chat_id: z.string().nullable().meta({
      description: 'A newer chat with the same contact and assistant (the conversation went on there), or null when this is the newest one or the chat has no contact.',
    }),
  })
  .meta({ id: 'ChatStateInfo' });
export const CustomerRatingBodySchema = z
  .object({ score: z.number().int().min(1).max(5).meta({ description: 'From 1 (poor) to 5 (excellent).' }) })
  .meta({ id: 'CustomerRating', examples: [{ score: 5 }] });

export const CustomerRatingSchema = z.object({ chat_id: z.string(), csat_score: z.number().int().min(1).max(5) }).meta({ id: 'CustomerRatingRecorded' });

export const AgentChatParams = z.object({
  agentId: idParam('The assistant the chat is with.', EXAMPLE_IDS.assistant),
  chat_id: idParam('The chat id, as every invoke returns it.', EXAMPLE_IDS.chat),
});

export type ChatState = z.infer<typeof ChatStateSchema>;
export type UpdateChatStateInput = z.infer<typeof UpdateChatStateBodySchema>;

/** What the customer side sees of a message: never notes or internal lines, never a member's email. */
export const CustomerMessageSchema = z
  .object({
    id: z.string(),
    chat_id: z.string(),
    role: z.enum(['user', 'assistant']),
    author: z.enum(['customer', 'assistant', 'member', 'team', 'system']).meta({ description: 'system: Parley itself (a rating request).' }),
    member: z.object({ id: z.string(), name: z.string() }).nullable().meta({ description: 'The person who wrote a team reply.' }),
    kind: z.enum(['csat_request']).nullable().meta({ description: '`csat_request`: Parley asks the customer to rate the resolved chat from 1 to 5 (show stars).' }),
    parts: z.array(MessagePartSchema),
    status: RunStatusSchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'CustomerMessage' });

/** What the customer side sees of a chat's state. */
export const CustomerChatStateSchema = z
  .object({
    chat_id: z.string(),
    state: z.enum(['OPEN', 'SNOOZED', 'CLOSED']),
    ai_enabled: z.boolean(),
    handover: HandoverSchema.nullable(),
    assigned_member: z.object({ id: z.string(), name: z.string() }).nullable(),
    user_unseen_count: z.number().int(),
    csat_score: z.number().int().min(1).max(5).nullable(),
  })
  .meta({ id: 'CustomerChatState' });

const ChatLogEventSchema = z
  .object({
    type: z.enum(['message.created', 'message.updated', 'message.deleted', 'chat.updated', 'chat.deleted']),
    id: z.string().meta({ description: 'The event id (evt_...).' }),
    cursor: z.string().meta({ description: 'Resume after it with `after` or `Last-Event-ID`.' }),
    created_at: Timestamp,
    data: z.object({
      chat_id: z.string(),
      message: CustomerMessageSchema.optional().meta({ description: 'message.created, message.updated: the message as the customer sees it.' }),
      message_id: z.string().optional().meta({ description: 'message.deleted: the message that is gone.' }),
      state: CustomerChatStateSchema.optional().meta({ description: 'chat.updated: the chat state as the customer sees it.' }),
    }),
  })
  .meta({ id: 'ChatLogEvent', description: 'A recorded change of the chat, with its cursor.' });

export const TypingSignalSchema = z
  .object({
    chat_id: z.string(),
    typing: z.boolean().meta({ description: 'false: stopped typing (a reply was sent or the draft cleared).' }),
    by: z.enum(['member', 'customer']),
    member: z.object({ id: z.string(), name: z.string() }).nullable().meta({ description: 'by member: who types (null when an API key signals for the team).' }),
    expires_in_seconds: z.number().int().meta({ description: 'Treat the signal as over after this long unless another arrives.' }),
  })
  .meta({ id: 'TypingSignal' });

const ChatTypingEventSchema = z
  .object({ type: z.literal('typing'), data: TypingSignalSchema })
  .meta({ id: 'ChatTypingEvent', description: 'Someone of the team is typing a reply. Not recorded: no `id` line, no cursor, never replayed.' });

export const ChatLiveEventSchema = z
  .discriminatedUnion('type', [ChatLogEventSchema, ChatTypingEventSchema])
  .meta({ id: 'ChatLiveEvent', description: "One frame of a chat's customer-side live stream (an SSE `data:` line)." });

export const TypingBodySchema = z
  .object({ typing: z.boolean().default(true).meta({ description: 'true while typing (send again every few seconds); false when stopped.' }) })
  .meta({ id: 'TypingInput', examples: [{ typing: true }] });

export const ChatFollowQuerySchema = z.object({
  after: z.string().min(1).max(100).optional().meta({ description: 'Resume after this cursor (the `id` of the last event seen); `Last-Event-ID` takes precedence.' }),
});

export type CustomerMessage = z.infer<typeof CustomerMessageSchema>;
export type CustomerChatState = z.infer<typeof CustomerChatStateSchema>;
export type ChatLiveEvent = z.infer<typeof ChatLiveEventSchema>;
