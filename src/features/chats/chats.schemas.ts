import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';

export const RunStatusSchema = z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED']);

export const ChatSchema = z
  .object({
    id: z.string().meta({ examples: ['chat_5Hq2Tn8Lm1Xc4Vb7Kp9Rw3'] }),
    org_id: z.string(),
    assistant_id: z.string(),
    title: z.string(),
    status: RunStatusSchema.meta({ description: 'Status of the latest assistant reply.' }),
    pinned: z.boolean(),
    messages_count: z.number().int(),
    last_message_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Chat' });

export const MessagePartSchema = z.object({ type: z.literal('text'), text: z.string() }).meta({ id: 'MessagePart' });

export const MessageUsageSchema = z
  .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
  .meta({ id: 'MessageUsage' });

export const MessageSchema = z
  .object({
    id: z.string().meta({ examples: ['msg_8Kd3Lp0Qw2Er5Ty7Ui9Op1'] }),
    chat_id: z.string(),
    role: z.enum(['user', 'assistant']),
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
