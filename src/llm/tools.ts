import type {
  JSONSchema7,
  JSONValue,
  LanguageModelV2FunctionTool,
  LanguageModelV2Message,
  LanguageModelV2ToolResultOutput,
} from '@ai-sdk/provider';
import { z } from 'zod';

/**
 * A tool the model may call while it answers: a name, a description the model reads, a zod schema its input
 * must pass, and `execute`. Parley's built-in conversation tools (features/runtime/builtin-tools.ts) are the
 * first; Actions (HTTP tools) and MCP servers' tools are meant to plug in through this same shape, in the
 * same `tools` array of a ModelCall. What `execute` returns is sent to the model (a string as text, anything
 * else as JSON), so it must be JSON-serialisable and must not hold secrets.
 */
export interface ModelTool<I = any> {
  name: string;
  description: string;
  inputSchema: z.ZodType<I>;
  execute(input: I, ctx: ToolContext): Promise<unknown>;
}

export interface ToolContext {
  toolCallId: string;
  abortSignal: AbortSignal;
}

/** One tool call of a reply: what the model sent and the result it was given (an error when `isError`). */
export interface ToolCallRecord {
  toolCallId: string;
  toolName: string;
  /** The model's input, parsed from JSON (the raw text when it was not JSON). */
  input: unknown;
  output: unknown;
  isError: boolean;
}

/** A failure whose message is meant for the model ("no such order"); any other error reaches it as "the tool failed". */
export class ToolError extends Error {}

/** Model calls per reply, tool rounds included (as the AI SDK's `stepCountIs`). */
export const DEFAULT_MAX_STEPS = 4;
/** Calls past this many in one step are answered with an error and not run. */
export const MAX_CALLS_PER_STEP = 8;

/** A tool call as providers report it: the input is the model's JSON text. */
export interface RawToolCall {
  toolCallId: string;
  toolName: string;
  input: string;
}

// The JSON schema of a tool's input is derived once per zod schema (tools are usually module constants).
const jsonSchemas = new WeakMap<z.ZodType, JSONSchema7>();

/** The tool as the provider interface declares it (`LanguageModelV2FunctionTool`). */
export function providerTool(tool: ModelTool): LanguageModelV2FunctionTool {
  let schema = jsonSchemas.get(tool.inputSchema);
  if (!schema) {
    const { $schema: _, ...json } = z.toJSONSchema(tool.inputSchema, { target: 'draft-7', io: 'input' });
    schema = json as JSONSchema7;
    jsonSchemas.set(tool.inputSchema, schema);
  }
  return { type: 'function', name: tool.name, description: tool.description, inputSchema: schema };
}

/**
 * Runs one call. The model's input is hostile: it is parsed and validated with the tool's schema, and an
 * unknown tool, bad JSON, an invalid input or a failing tool all become an error result the model reads
 * (and may correct), never an exception. Only an abort propagates.
 */
export async function runToolCall(tools: ReadonlyMap<string, ModelTool>, call: RawToolCall, signal: AbortSignal): Promise<ToolCallRecord> {
  const record = (input: unknown, output: unknown, isError: boolean): ToolCallRecord => ({ toolCallId: call.toolCallId, toolName: call.toolName, input, output, isError });
  let input: unknown;
  try {
    input = call.input.trim() === '' ? {} : JSON.parse(call.input);
  } catch {
    return record(call.input, 'Error: the input is not valid JSON.', true);
  }
  const tool = tools.get(call.toolName);
  if (!tool) {
    return record(input, `Error: there is no tool named ${JSON.stringify(call.toolName.slice(0, 64))}. Tools: ${[...tools.keys()].join(', ')}.`, true);
  }
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) return record(input, `Error: invalid input.\n${z.prettifyError(parsed.error)}`, true);
  try {
    const output = await tool.execute(parsed.data, { toolCallId: call.toolCallId, abortSignal: signal });
    return record(input, output ?? null, false);
  } catch (err) {
    if (signal.aborted) throw err;
    return record(input, err instanceof ToolError ? `Error: ${err.message}` : 'Error: the tool failed.', true);
  }
}

/** Runs a step's calls in order (a tool may depend on an earlier one); those past the cap are refused. */
export async function runToolCalls(tools: ReadonlyMap<string, ModelTool>, calls: RawToolCall[], signal: AbortSignal): Promise<ToolCallRecord[]> {
  const records: ToolCallRecord[] = [];
  for (const [i, call] of calls.entries()) {
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    records.push(
      i < MAX_CALLS_PER_STEP
        ? await runToolCall(tools, call, signal)
        : { toolCallId: call.toolCallId, toolName: call.toolName, input: call.input, output: `Error: too many tool calls at once (at most ${MAX_CALLS_PER_STEP}); not run.`, isError: true },
    );
  }
  return records;
}

/** The assistant's tool-call turn and the tool results, appended to the provider prompt for the next step. */
export function toolTurn(text: string, records: ToolCallRecord[]): LanguageModelV2Message[] {
  return [
    {
      role: 'assistant',
      content: [
        ...(text ? [{ type: 'text' as const, text }] : []),
        ...records.map((r) => ({ type: 'tool-call' as const, toolCallId: r.toolCallId, toolName: r.toolName, input: r.input })),
      ],
    },
    { role: 'tool', content: records.map((r) => ({ type: 'tool-result' as const, toolCallId: r.toolCallId, toolName: r.toolName, output: resultOutput(r) })) },
  ];
}

function resultOutput(r: ToolCallRecord): LanguageModelV2ToolResultOutput {
  if (r.isError) return { type: 'error-text', value: String(r.output) };
  return typeof r.output === 'string' ? { type: 'text', value: r.output } : { type: 'json', value: r.output as JSONValue };
}
