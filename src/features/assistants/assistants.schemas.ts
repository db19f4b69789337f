import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, Timestamp, WebUrl } from '../../http/common-schemas.ts';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const Language = z
  .string()
  .regex(/^(auto|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$/, 'must be "auto" or a language tag such as "en" or "pt-BR"')
  .meta({ description: '`auto` answers in the language of the customer; otherwise a BCP 47 tag.', examples: ['auto'] });

const Model = z
  .string()
  .regex(/^[a-z0-9-]+\/\S+$/, 'must be "provider/model", for example "openai/gpt-4o-mini" or "builtin/extractive"')
  .max(200)
  .meta({ description: 'Model as `provider/model`.', examples: ['builtin/extractive'] });

const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris"')
  .meta({ examples: ['Europe/Paris'] });

export const KnowledgeScopeSchema = z.enum(['all', 'global', 'assistant']).meta({
  description: 'Which knowledge the assistant answers from: `all` (global and its own), `global` (org-wide only) or `assistant` (its own only).',
});

export const ConversationSchema = z
  .object({
    thread_mode: z.enum(['new', 'continue']).optional(),
    enable_memories: z.boolean().optional().meta({
      description: "Summarise each chat every 10 messages (its memories), with the assistant's model; the latest summary stands in for turns too old to fit the model's context.",
    }),
    enable_transfer_to_human_tool: z.boolean().optional(),
    welcome_banner: z.string().max(1024).optional(),
    suggested_messages: z.array(z.string().min(1).max(256)).max(10).optional(),
    auto_intro_message: z.string().max(2048).optional(),
    enable_end_conversation_tool: z.boolean().optional(),
    enable_block_contact_tool: z.boolean().optional(),
    enable_auto_resolve: z.boolean().optional().meta({
      description: 'Resolve open chats nobody has touched for `auto_resolve_after_minutes` (never one waiting for a person, or whose customer is waiting for a reply; see the inbox guide).',
    }),
    auto_resolve_after_minutes: z.number().int().min(5).max(43_200).optional().meta({
      description: 'Inactivity after which auto-resolve closes a chat, in minutes (5 to 43200, 30 days); default 1440 (one day).',
    }),
    enable_auto_follow_ups: z.boolean().optional(),
    enable_auto_csat: z.boolean().optional().meta({
      description: 'When a chat is resolved (by a member, the API or auto-resolve), ask the customer to rate it from 1 to 5 (a `csat_request` message).',
    }),
    enable_private_chats: z.boolean().optional(),
    enable_update_contact_tool: z.boolean().optional(),
    enable_ai_replies: z.boolean().optional(),
    assignee_member_ids: z
      .array(z.string().min(1).max(64))
      .max(100)
      .optional()
      .meta({
        description:
          "Members who take this assistant's handovers (ADMIN, MANAGER or AGENT of its organization). Empty: every ACTIVE member who works conversations. A handover goes to the least busy ACTIVE one.",
      }),
    handover_when_unanswered: z
      .boolean()
      .optional()
      .meta({ description: 'When the assistant has no answer, hand the chat to a person at once (as if the customer had asked for one).' }),
  })
  .meta({ id: 'ConversationConfig' });

/** A web origin as a browser sends it: scheme, host and port, nothing else. */
const WebOrigin = z
  .string()
  .max(300)
  .refine((v) => {
    if (v === '*') return true;
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
    } catch {
      return false;
    }
  }, 'must be an origin such as "https://www.example.com" (scheme, host and port only, no path or trailing slash) or "*"');

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a color such as "#1f6feb"');

export const WidgetConfigSchema = z
  .object({
    enabled: z.boolean().optional().meta({ description: 'The web widget answers visitors only when true.' }),
    allowed_origins: z
      .array(WebOrigin)
      .max(50)
      .optional()
      .meta({
        description:
          'The sites that may embed the widget, as origins (`https://www.example.com`). `*` allows any site (and clients that send no Origin). Parley\'s own demo page is always allowed.',
        examples: [['https://www.example.com']],
      }),
    require_identity: z
      .boolean()
      .optional()
      .meta({ description: 'Only visitors whose site vouches for them (`user_id` with its `user_hash`, an HMAC-SHA256 keyed with the secret key) may chat.' }),
    appearance: z.enum(['auto', 'light', 'dark']).optional(),
    button_background_color: Color.optional(),
    button_color: Color.optional(),
    position: z.enum(['bottom-right', 'bottom-left']).optional(),
  })
  .meta({ id: 'WidgetConfig', description: 'The web widget: whether it is on, where it may be embedded, identity verification and its look.' });

export const AssistantConfigInputSchema = z
  .object({
    instructions: z.string().max(32_000).optional().meta({ examples: ['You are the support assistant of Acme Dental.'] }),
    language: Language.optional(),
    model: Model.nullable().optional().meta({ description: 'null uses the instance default model.' }),
    timezone: TimeZone.optional(),
    knowledge_scope: KnowledgeScopeSchema.optional(),
    conversation: ConversationSchema.optional(),
    widget: WidgetConfigSchema.optional(),
  })
  .meta({ id: 'AssistantConfigPatch', description: 'On update, given fields are merged into the stored config.' });

export const AssistantConfigSchema = z
  .object({
    instructions: z.string(),
    language: z.string(),
    model: z.string(),
    timezone: z.string(),
    knowledge_scope: KnowledgeScopeSchema,
    conversation: ConversationSchema.required(),
    widget: WidgetConfigSchema.required(),
  })
  .meta({ id: 'AssistantConfig' });

/** Items of lists this version always sends empty; objects, so clients get a real item type. */
const Reserved = z.looseObject({});

export const AssistantSchema = z
  .object({
    id: z.string().meta({ examples: ['ast_2Yq8Lm4Nx7Tc1Vb9Kp3Rw5'] }),
    org_id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    deleted: z.boolean(),
    secret_key: z.string().nullable().meta({ description: 'Secret used to sign end-user session hashes; null unless generated.' }),
    avatar_url: z.string().nullable(),
    config: AssistantConfigSchema,
    integrations: z.array(Reserved).meta({ description: 'Reserved; always empty in this version.' }),
    actions: z.array(Reserved).meta({ description: 'Reserved; always empty in this version.' }),
    boards: z.array(Reserved).meta({ description: 'Reserved; always empty in this version.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Assistant' });

export type Assistant = z.infer<typeof AssistantSchema>;
export type AssistantConfig = z.infer<typeof AssistantConfigSchema>;

const Name = z.string().trim().min(1).max(1024).meta({ examples: ['Support assistant'] });

export const CreateAssistantBodySchema = z
  .object({
    name: Name,
    enabled: z.boolean().default(true),
    avatar_url: WebUrl.nullable().optional(),
    generate_secret_key: z.boolean().default(false),
    config: AssistantConfigInputSchema.optional(),
  })
  .meta({
    id: 'CreateAssistant',
    examples: [
      {
        name: 'Support assistant',
        config: { instructions: 'You are the support assistant of Acme Dental.', language: 'auto', model: 'builtin/extractive', timezone: 'Europe/Paris' },
      },
    ],
  });

export const UpdateAssistantBodySchema = z
  .object({
    name: Name.optional(),
    enabled: z.boolean().optional(),
    avatar_url: WebUrl.nullable().optional(),
    generate_secret_key: z.boolean().optional().meta({ description: 'true issues a new secret_key (the old one stops working).' }),
    config: AssistantConfigInputSchema.optional(),
  })
  .meta({ id: 'UpdateAssistant', examples: [{ enabled: false, config: { instructions: 'Answer in two sentences at most.' } }] });

export type CreateAssistantInput = z.infer<typeof CreateAssistantBodySchema>;
export type UpdateAssistantInput = z.infer<typeof UpdateAssistantBodySchema>;

export const AssistantParams = z.object({
  org_id: OrgIdParam,
  assistant_id: idParam('The assistant id.', EXAMPLE_IDS.assistant),
});
