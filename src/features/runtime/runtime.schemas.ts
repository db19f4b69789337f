import { z } from 'zod';

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
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Continue a stored chat: its messages are the history. Returned by every call.' }),
  })
  .meta({ id: 'InvokeRequest' });

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

export const AgentParams = z.object({ agentId: z.string().min(1).max(64).meta({ description: 'The assistant id (ast_...).' }) });

export const STREAM_DESCRIPTION = [
  'Server-Sent Events: each event is one `data: <json>` line and a blank line; every event is `{type, content, data}`.',
  '- `metadata` (first): content "", data `{agent_id, chat_id}`',
  '- `token`: content = a chunk of the reply, data null',
  '- `tool_event`: content "", data `{type: tool_start|tool_result|tool_error, tool_name, arguments, ...}`',
  '- `done` (last on success): content "", data `{response, usage, chat_id, sources}`',
  '- `error` (last on failure after the stream started): content = description, data null',
  'The concatenated `token` contents equal `done.data.response`.',
].join('\n');
