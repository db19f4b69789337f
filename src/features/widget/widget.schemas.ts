import { z } from 'zod';
import { EXAMPLE_IDS, idParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';
import { CustomerChatStateSchema, CustomerMessageSchema } from '../chats/index.ts';

const Optional = (max: number, description: string) => z.string().trim().min(1).max(max).optional().meta({ description });

export const WidgetSessionBodySchema = z
  .object({
    assistant_id: idParam('The assistant whose widget this is.', EXAMPLE_IDS.assistant),
    visitor_token: z.string().min(1).max(2000).optional().meta({ description: 'The token this browser already holds: the same visitor (and their chats) goes on, with a renewed token.' }),
    user_id: Optional(256, "The site's own id for a signed-in user; needs `user_hash`."),
    user_hash: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters: the HMAC-SHA256 of user_id keyed with the assistant\'s secret key')
      .optional()
      .meta({ description: "HMAC-SHA256 (hex) of `user_id`, keyed with the assistant's `secret_key`, computed by the site's server." }),
    user_name: Optional(200, 'Shown to the team.'),
    user_email: z.email().max(320).optional().meta({ description: 'Shown to the team.' }),
  })
  .meta({
    id: 'WidgetSessionRequest',
    examples: [{ assistant_id: 'ast_2Yq8Lm4Nx7Tc1Vb9Kp3Rw5' }, { assistant_id: 'ast_2Yq8Lm4Nx7Tc1Vb9Kp3Rw5', user_id: 'user-42', user_hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', user_name: 'Ada' }],
  });

export const WidgetAssistantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    avatar_url: z.string().nullable(),
    language: z.string(),
    welcome_banner: z.string(),
    suggested_messages: z.array(z.string()),
    auto_intro_message: z.string(),
    enable_auto_csat: z.boolean(),
    appearance: z.enum(['auto', 'light', 'dark']),
    button_background_color: z.string(),
    button_color: z.string(),
    position: z.enum(['bottom-right', 'bottom-left']),
  })
  .meta({ id: 'WidgetAssistant', description: 'What the widget shows of its assistant.' });

export const WidgetSessionSchema = z
  .object({
    visitor_token: z.string().meta({ description: 'Send as `Authorization: Bearer` to the other widget endpoints; keep it (the widget keeps it in localStorage) to find the chats again.' }),
    visitor_id: z.string(),
    user_id: z.string().nullable().meta({ description: 'The verified user id, or null for an anonymous visitor.' }),
    expires_at: Timestamp,
    assistant: WidgetAssistantSchema,
  })
  .meta({ id: 'WidgetSession' });

export const WidgetChatSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    state: CustomerChatStateSchema,
    last_message: CustomerMessageSchema.nullable(),
    last_message_at: Timestamp,
    created_at: Timestamp,
  })
  .meta({ id: 'WidgetChat' });

export const WidgetChatParams = z.object({ chat_id: idParam('One of the visitor\'s chats.', EXAMPLE_IDS.chat) });

export const WidgetPageQuerySchema = PageQuerySchema;

export const WidgetMessageBodySchema = z
  .object({
    chat_id: z.string().min(1).max(64).optional().meta({ description: "Continue this chat of the visitor's; a new chat when absent." }),
    message: z
      .string({ error: (iss) => (iss.input === undefined || iss.input === null ? 'message is required' : 'message must be a string') })
      .trim()
      .min(1, { error: 'message is required' })
      .max(4000, { error: 'message must be at most 4000 characters' }),
  })
  .meta({ id: 'WidgetMessageRequest', examples: [{ message: 'When do you open on Sunday?' }, { chat_id: 'chat_5Hq2Tn8Lm1Xc4Vb7Kp9Rw3', message: 'Thanks!' }] });

export const WidgetRateBodySchema = z.object({ score: z.number().int().min(1).max(5).meta({ description: 'How the visitor rates the resolved conversation, 1 to 5.' }) }).meta({ id: 'WidgetRating', examples: [{ score: 5 }] });

export const WidgetFollowQuerySchema = z.object({
  after: z.string().min(1).max(100).optional().meta({ description: 'Resume after this cursor; `Last-Event-ID` takes precedence.' }),
});

export type WidgetSessionInput = z.infer<typeof WidgetSessionBodySchema>;
export type WidgetSession = z.infer<typeof WidgetSessionSchema>;
