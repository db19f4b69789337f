import { z } from 'zod';
import { EXAMPLE_IDS, idParam } from '../../http/common-schemas.ts';

const MAX_MESSAGE_CHARS = 100_000;

export const HistoryItemSchema = z
  .object({
    role: z.enum(['user', 'assistant'], { error: 'must be "user" or "assistant"' }),
    content: z.string({ error: 'must be a string' }).max(MAX_MESSAGE_CHARS, { error: `must be at most ${MAX_MESSAGE_CHARS} characters` }),
  })
  .meta({ id: 'HistoryItem' });

export const InvokeBodySchema = z
  .object({
    message: z
      .string({ error: (iss) => (iss.input === undefined || iss.input === null ? 'message is required' : 'message must be a string') })
      .trim()
      .min(1, { error: 'message is required' })
      .max(MAX_MESSAGE_CHARS, { error: `message must be at most ${MAX_MESSAGE_CHARS} characters` })
      .meta({ description: "The user's new message.", examples: ['What is the capital of France?'] }),
    history: z
      .array(HistoryItemSchema, { error: 'must be an array of {role, content}' })
      .max(500, { error: 'must hold at most 500 items' })
      .optional()
      .meta({ description: 'Earlier turns, oldest first. Not allowed together with chat_id.' }),
    chat_id: z
      .string({ error: 'must be a string' })
      .min(1, { error: 'must not be empty' })
      .max(64, { error: 'must be at most 64 characters' })
      .optional()
      .meta({ description: 'Continue a stored chat: its messages are the history. Returned by every call.' }),
  })
  .meta({
    id: 'InvokeRequest',
    examples: [
      {
        message: 'And on Saturdays?',
        history: [
          { role: 'user', content: 'When are you open?' },
          { role: 'assistant', content: 'Monday to Friday, 9:00 to 18:00.' },
        ],
      },
    ],
  });

export type InvokeBody = z.infer<typeof InvokeBodySchema>;

export const UsageSchema = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .meta({ id: 'TokenUsage' });

export const SourceSchema = z
  .object({ knowledge_id: z.string(), title: z.string(), url: z.string().nullable(), snippet: z.string() })
  .meta({ id: 'Source' });

export const InvokeResponseSchema = z
  .object({
    response: z.string().meta({ description: "The agent's complete reply." }),
    usage: UsageSchema,
    chat_id: z.string().meta({ description: 'The stored chat; pass it back to continue.' }),
    sources: z.array(SourceSchema).meta({ description: 'Knowledge passages the reply was grounded on.' }),
    handover: z
      .object({
        state: z.enum(['WAITING', 'ASSIGNED']),
        assigned_member: z.object({ id: z.string(), name: z.string() }).nullable(),
      })
      .optional()
      .meta({
        description:
          'Present when a person handles the chat (or the customer just asked for one): the model was not called, usage is zero, and `response` is "" (or the notice that a person will answer). Also present when the model handed the chat over with its `transfer_to_human` tool: `response` and `usage` are then the model\'s. WAITING: nobody is assigned yet.',
      }),
  })
  .meta({
    id: 'InvokeResponse',
    examples: [
      {
        response: 'The capital of France is Paris.',
        usage: { prompt_tokens: 8, completion_tokens: 7, total_tokens: 15 },
        chat_id: 'chat_5Hq2Tn8Lm1Xc4Vb7Kp9Rw3',
        sources: [],
      },
    ],
  });

const StreamMetadataEventSchema = z
  .object({
    type: z.literal('metadata'),
    content: z.literal(''),
    data: z.object({ agent_id: z.string(), chat_id: z.string().meta({ description: 'The stored chat; pass it back to continue.' }) }),
  })
  .meta({
    id: 'StreamMetadataEvent',
    description: 'Always the first event.',
    examples: [{ type: 'metadata', content: '', data: { agent_id: EXAMPLE_IDS.assistant, chat_id: EXAMPLE_IDS.chat } }],
  });

const StreamTokenEventSchema = z
  .object({ type: z.literal('token'), content: z.string().meta({ description: 'The next chunk of the reply.' }), data: z.null() })
  .meta({ id: 'StreamTokenEvent', examples: [{ type: 'token', content: 'The capital', data: null }] });

const StreamDoneEventSchema = z
  .object({ type: z.literal('done'), content: z.literal(''), data: InvokeResponseSchema })
  .meta({ id: 'StreamDoneEvent', description: 'Last on success; `data` is what the non-streaming invoke answers.' });

const StreamErrorEventSchema = z
  .object({ type: z.literal('error'), content: z.string().meta({ description: 'What went wrong.' }), data: z.null() })
  .meta({
    id: 'StreamErrorEvent',
    description: 'Last when generation fails after the stream started (before that, errors are JSON with their status).',
    examples: [{ type: 'error', content: 'the model provider failed: upstream returned 503', data: null }],
  });

/** The JSON of one event's `data:` line; the service yields exactly these. */
export const StreamEventSchema = z
  .discriminatedUnion('type', [StreamMetadataEventSchema, StreamTokenEventSchema, StreamDoneEventSchema, StreamErrorEventSchema])
  .meta({
    id: 'StreamEvent',
    description: 'One Server-Sent Event: the JSON after `data: `, followed by a blank line.',
    // OpenAPI's discriminator lets generated clients narrow on `type` (JSON Schema's oneOf alone does not say which field decides).
    discriminator: {
      propertyName: 'type',
      mapping: {
        metadata: '#/components/schemas/StreamMetadataEvent',
        token: '#/components/schemas/StreamTokenEvent',
        done: '#/components/schemas/StreamDoneEvent',
        error: '#/components/schemas/StreamErrorEvent',
      },
    },
  });

export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const AgentParams = z.object({ agentId: idParam('The assistant id (ast_...).', EXAMPLE_IDS.assistant) });

export const STREAM_DESCRIPTION = [
  'Server-Sent Events: each event is one `data: <json>` line and a blank line; every event is `{type, content, data}`.',
  '- `metadata` (first): content "", data `{agent_id, chat_id}`',
  '- `token`: content = a chunk of the reply, data null',
  '- `tool_event`: reserved, not sent by this version: the built-in tools\' calls are internal (they show in the chat\'s thread as `tool` messages); a reply that used tools streams the text of each model step, separated by a blank line',
  '- `done` (last on success): content "", data `{response, usage, chat_id, sources}`, plus `handover` when the chat went to a person',
  '- `error` (last on failure after the stream started): content = description, data null',
  'The concatenated `token` contents equal `done.data.response`.',
].join('\n');
