import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';
import type { RunStatus, TokenUsage } from '../../db/schema.ts';
import { actorOf, type Caller, reachesSubOrgs } from '../../http/principal.ts';
import { AppError } from '../../lib/errors.ts';
import { type ModelRegistry, type OrgCredential, parseModelRef, type ResolvedModel } from '../../llm/registry.ts';
import { generate, stream, type StreamEvent as ModelStreamEvent, upstreamError, type ModelCall, type ModelUsage, type ToolCallRecord } from '../../llm/run-model.ts';
import { countPromptTokens, countTokens } from '../../llm/tokens.ts';
import type { AssistantsService } from '../assistants/index.ts';
import { asksForHuman, type ChatChannel, type ChatStateService, type ChatsService, type ChatView, type Handover, handoverNotice, type RunRecorder, type RunRef } from '../chats/index.ts';
import type { ContactsService } from '../contacts/index.ts';
import type { OrgsService } from '../orgs/index.ts';
import type { UsageEntry, UsageService } from '../usage/index.ts';
import { applyIntents, conversationTools, hasIntents, type ToolIntents } from './builtin-tools.ts';
import { buildSystemPrompt, fitHistory, searchQueryFor, type Passage, type Turn } from './prompt.ts';
import type { InvokeBody, StreamEvent } from './runtime.schemas.ts';

export const AGENT_NOT_FOUND = 'Agent not found';

const ZERO_USAGE: TokenUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/** Budgets are per calendar month in UTC. */
function secondsToNextMonth(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/**
 * Knowledge hook: passages relevant to the message (the knowledge feature plugs in here). `expansionWeight`: how much
 * the query's synonyms and translations count (see features/knowledge/retrieval.ts).
 */
export type KnowledgeRetriever = (input: {
  orgId: string;
  assistantId: string;
  scope: string;
  query: string;
  history: Turn[];
  expansionWeight?: number;
}) => Promise<Passage[]>;

export interface RuntimeDeps {
  assistants: AssistantsService;
  orgs: OrgsService;
  chats: ChatsService;
  chatState: ChatStateService;
  contacts: ContactsService;
  recorder: RunRecorder<UsageEntry>;
  usage: UsageService;
  models: ModelRegistry;
  credentialFor: (orgId: string, provider: string) => Promise<OrgCredential | undefined>;
  retrieve: KnowledgeRetriever;
  llm: Config['llm'];
  logger: Logger;
}

export interface Prepared {
  agentId: string;
  orgId: string;
  principal: Caller;
  model: ResolvedModel;
  system: string;
  call: Omit<ModelCall, 'abortSignal'>;
  promptText: Array<{ role: string; content: string }>;
  sources: Array<{ knowledge_id: string; title: string; url: string | null; snippet: string }>;
  history: Turn[];
  message: string;
  chatId?: string;
  /** The continued chat, as loaded with its history. */
  chat?: ChatView;
  /** The contact a new chat is with (a custom channel's writer). */
  contactId?: string;
  /** Where a new chat happens (the runtime API when absent). */
  channel?: ChatChannel;
  /** Hand the chat to a person when the model says it has no answer (`conversation.handover_when_unanswered`). */
  handoverWhenUnanswered?: boolean;
  /** Set when no model is called: a person handles the chat, or the customer just asked for one. */
  handover?: { mode: 'ai_off' } | { mode: 'requested'; notice: string };
  /** Built-in conversation tools offered to the model (in `call.tools`): what they decided, applied after the run. */
  tools?: { intents: ToolIntents; language: string };
  startedAt: number;
}

/** What the stream sends is the documented contract (StreamEventSchema), checked here at compile time. */
export type StreamOutEvent = StreamEvent;

export type RuntimeService = ReturnType<typeof createRuntimeService>;

export function createRuntimeService(deps: RuntimeDeps) {
  function usageOf(p: Prepared, text: string, reported: ModelUsage | undefined): TokenUsage {
    // Providers that report nothing (or a cancelled stream) are counted with the tokenizer.
    const prompt = reported?.promptTokens ?? countPromptTokens(p.promptText);
    const completion = reported?.completionTokens ?? countTokens(text);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  /** A run that ended early: a provider that produced nothing is not counted as having served the prompt. */
  function unfinishedUsage(p: Prepared, text: string): TokenUsage {
    return text ? usageOf(p, text, undefined) : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  }

  /** Queues the end of a run with its usage; written after the reply (see the run recorder). */
  function record(p: Prepared, run: RunRef, text: string, status: RunStatus, usage: TokenUsage, error?: string, tools?: ToolCallRecord[]): void {
    const latencyMs = Date.now() - p.startedAt;
    deps.recorder.finish(run, { text, status, usage, latencyMs, error, tools }, {
      orgId: p.orgId,
      assistantId: p.agentId,
      apiKeyId: p.principal.kind === 'api_key' ? p.principal.keyId : null,
      chatId: run.chatId,
      model: p.model.ref,
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      latencyMs,
      outcome: status === 'COMPLETED' ? 'ok' : status === 'CANCELED' ? 'canceled' : 'error',
      at: new Date(),
    });
  }

  const startRun = (p: Prepared) =>
    deps.recorder.begin({
      orgId: p.orgId,
      assistantId: p.agentId,
      apiKeyId: p.principal.kind === 'api_key' ? p.principal.keyId : null,
      actor: actorOf(p.principal),
      chatId: p.chatId,
      contactId: p.contactId,
      channel: p.channel,
      reopen: p.chat !== undefined && p.chat.state !== 'OPEN',
      history: p.history,
      message: p.message,
      model: p.model.ref,
    });

  /** Stores the customer's message (and the notice, when they asked for a person) without calling the model. */
  async function handOver(p: Prepared): Promise<{ chatId: string; text: string; handover: Handover }> {
    const actor = actorOf(p.principal);
    if (p.handover!.mode === 'ai_off') {
      return { chatId: p.chat!.id, text: '', handover: await deps.chatState.customerWrote(p.chat!, p.message, actor) };
    }
    const notice = p.handover!.notice;
    const { chatId, handover } = await deps.chatState.customerAskedForHuman({
      orgId: p.orgId,
      assistantId: p.agentId,
      apiKeyId: p.principal.kind === 'api_key' ? p.principal.keyId : null,
      chat: p.chat,
      contactId: p.contactId,
      channel: p.channel,
      history: p.chat ? [] : p.history,
      message: p.message,
      notice,
      model: p.model.ref,
      actor,
    });
    return { chatId, text: notice, handover };
  }

  /** The reply is recorded first (the chat may be new), then the chat goes to a person. */
  async function handOverAfterReply(p: Prepared, run: RunRef): Promise<Handover> {
    await deps.recorder.settle();
    return deps.chatState.handOverAfterReply(p.orgId, run.chatId, 'Handed to a person: the assistant had no answer', actorOf(p.principal));
  }

  // ---- Built-in conversation tools (builtin-tools.ts): only runs that offered them reach these. ----

  /** A transfer the model made without a word to the customer still tells them, as the phrase check does. */
  const replyAfterTools = (p: Prepared, text: string) =>
    p.tools?.intents.transfer && text.trim() === '' ? handoverNotice(p.message, p.tools.language) : text;

  /** Applies what the tools decided once the completed run is stored; a transfer answers with its handover. */
  const applyToolIntents = (p: Prepared, run: RunRef) =>
    applyIntents(
      { settle: deps.recorder.settle, chatState: deps.chatState, contacts: deps.contacts, logger: deps.logger },
      { orgId: p.orgId, chatId: run.chatId, contactId: p.contactId ?? p.chat?.contactId ?? undefined, actor: actorOf(p.principal) },
      p.tools!.intents,
    );

  const statusOnError = (signal: AbortSignal, clientGone: () => boolean): RunStatus => (clientGone() && signal.aborted ? 'CANCELED' : 'FAILED');

  return {
    /** Everything that can fail before generation: answered as plain JSON errors. */
    async prepare(principal: Caller, agentId: string, body: InvokeBody, opts: { contactId?: string; channel?: ChatChannel } = {}): Promise<Prepared> {
      const startedAt = Date.now();
      if ((principal.kind === 'api_key' || principal.kind === 'visitor') && principal.assistantId && principal.assistantId !== agentId) {
        throw new AppError('not_found', AGENT_NOT_FOUND);
      }
      const assistant = await deps.assistants.findAnywhere(agentId);
      if (!assistant) throw new AppError('not_found', AGENT_NOT_FOUND);
      // Members reach sub-orgs' assistants only as ADMINs of their org (as a parent org's key does).
      if (!reachesSubOrgs(principal) && assistant.orgId !== principal.orgId) throw new AppError('not_found', AGENT_NOT_FOUND);
      await deps.orgs.resolveReach(principal.orgId, assistant.orgId).catch(() => {
        throw new AppError('not_found', AGENT_NOT_FOUND);
      });
      if (!assistant.enabled) throw new AppError('forbidden', 'Agent is disabled');
      if (body.chat_id && body.history) throw new AppError('bad_request', 'send either chat_id or history, not both');

      const budget = await deps.usage.remainingBudget(assistant.orgId);
      if (budget && budget.used >= budget.budget) {
        throw new AppError(
          'rate_limited',
          `monthly token budget exhausted for this organization (${budget.used} of ${budget.budget} tokens used); it resets on the 1st (UTC)`,
          { 'Retry-After': String(secondsToNextMonth(new Date())) },
        );
      }
      const config = deps.assistants.effectiveConfig(assistant.config);
      const { provider } = parseModelRef(config.model);
      const credential = provider === 'builtin' ? undefined : await deps.credentialFor(assistant.orgId, provider);
      const model = await deps.models.resolve(config.model, credential);

      const continued = body.chat_id ? await deps.chats.historyOf(assistant.orgId, assistant.id, body.chat_id, 200) : undefined;
      const history = continued ? continued.turns : (body.history ?? []);
      const base = { agentId: assistant.id, orgId: assistant.orgId, principal, model, history, message: body.message, chatId: body.chat_id, chat: continued?.chat, contactId: opts.contactId, channel: opts.channel, startedAt };
      // A person handles the chat, or the customer asks for one: no model call (see docs/inbox.md).
      const wantsPerson =
        (provider === 'builtin' || config.conversation.enable_transfer_to_human_tool) && config.conversation.enable_ai_replies !== false && asksForHuman(body.message);
      if ((continued && !continued.chat.aiEnabled) || wantsPerson) {
        const handover = continued && !continued.chat.aiEnabled ? { mode: 'ai_off' as const } : { mode: 'requested' as const, notice: handoverNotice(body.message, config.language) };
        return { ...base, system: '', call: { model: model.model, system: '', messages: [], maxOutputTokens: 0, retry: { maxRetries: 0, baseMs: 0, maxDelayMs: 0 } }, promptText: [], sources: [], handover };
      }
      const passages = await deps.retrieve({
        orgId: assistant.orgId,
        assistantId: assistant.id,
        scope: config.knowledge_scope,
        query: searchQueryFor(body.message, history),
        // The built-in model only reads what search brings: its synonyms and translations count in full.
        expansionWeight: provider === 'builtin' ? 1 : undefined,
        history,
      });
      // Only the built-in model says so itself; vendor models do it through the transfer tool.
      const handoverWhenUnanswered = config.conversation.handover_when_unanswered && provider === 'builtin';
      // Built-in tools for models with tool calling, per the assistant's flags (none: the plain call).
      const offered = provider === 'builtin' ? undefined : conversationTools(config.conversation, Boolean(opts.contactId ?? continued?.chat.contactId));
      const system = buildSystemPrompt({
        instructions: config.instructions,
        language: config.language,
        timezone: config.timezone,
        now: new Date(),
        passages,
        handoverWhenUnanswered,
        tools: offered !== undefined,
      });
      const fitted = fitHistory({
        system,
        history,
        message: body.message,
        contextWindow: model.contextWindow,
        maxOutputTokens: deps.llm.maxOutputTokens,
        memory: continued?.memory,
      });
      return {
        agentId: assistant.id,
        orgId: assistant.orgId,
        principal,
        model,
        system,
        call: {
          model: model.model,
          system,
          messages: fitted.messages,
          maxOutputTokens: fitted.maxOutputTokens,
          retry: { maxRetries: deps.llm.maxRetries, baseMs: deps.llm.retryBaseMs, maxDelayMs: Math.max(deps.llm.retryBaseMs, 8_000) },
          tools: offered?.tools,
        },
        tools: offered && { intents: offered.intents, language: config.language },
        promptText: [{ role: 'system', content: system }, ...fitted.messages.map((m) => ({ role: m.role, content: String(m.content) }))],
        sources: passages.map((p) => ({ knowledge_id: p.knowledgeId, title: p.title, url: p.url, snippet: p.text.slice(0, 240) })),
        history,
        message: body.message,
        chatId: body.chat_id,
        chat: continued?.chat,
        contactId: opts.contactId,
        channel: opts.channel,
        handoverWhenUnanswered,
        startedAt,
      };
    },

    async invoke(p: Prepared, signal: AbortSignal, clientGone: () => boolean) {
      if (p.handover) {
        const h = await handOver(p);
        return { response: h.text, usage: ZERO_USAGE, chat_id: h.chatId, sources: [], handover: h.handover };
      }
      const run = startRun(p);
      try {
        const result = await generate({ ...p.call, abortSignal: signal });
        const text = p.tools ? replyAfterTools(p, result.text) : result.text;
        const usage = usageOf(p, text, result.usage);
        record(p, run, text, 'COMPLETED', usage, undefined, result.toolCalls);
        const handover =
          p.tools && hasIntents(p.tools.intents) ? await applyToolIntents(p, run) : result.unanswered && p.handoverWhenUnanswered ? await handOverAfterReply(p, run) : undefined;
        // A reply that says it has no answer cites nothing: listing the passages it did not use would mislead.
        return { response: text, usage, chat_id: run.chatId, sources: result.unanswered ? [] : p.sources, ...(handover && { handover }) };
      } catch (err) {
        const status = statusOnError(signal, clientGone);
        record(p, run, '', status, unfinishedUsage(p, ''), status === 'FAILED' ? upstreamError(err, signal).message : 'client disconnected');
        // The caller left: nobody reads this reply, and it is not the provider's failure.
        if (status === 'CANCELED') throw new AppError('bad_request', 'client disconnected');
        if (!(err instanceof AppError)) deps.logger.warn({ err, agent_id: p.agentId }, 'model call failed');
        throw upstreamError(err, signal);
      }
    },

    /** Yields the SSE events; records the run in `finally`, so a disconnect still keeps what was produced. */
    async *stream(p: Prepared, signal: AbortSignal, clientGone: () => boolean): AsyncGenerator<StreamOutEvent> {
      if (p.handover) {
        const h = await handOver(p);
        yield { type: 'metadata', content: '', data: { agent_id: p.agentId, chat_id: h.chatId } };
        if (h.text) yield { type: 'token', content: h.text, data: null };
        yield { type: 'done', content: '', data: { response: h.text, usage: ZERO_USAGE, chat_id: h.chatId, sources: [], handover: h.handover } };
        return;
      }
      const run = startRun(p);
      let text = '';
      let reported: ModelUsage | undefined;
      let unanswered = false;
      let recorded = false;
      let status: RunStatus = 'RUNNING';
      let error: string | undefined;
      let tokens: AsyncGenerator<ModelStreamEvent> | undefined;
      let toolCalls: ToolCallRecord[] | undefined;
      try {
        tokens = stream({ ...p.call, abortSignal: signal });
        // Started before the metadata event goes out (its request follows it onto the wire; see sendEventStream).
        const firstToken = tokens.next();
        firstToken.catch(() => {}); // awaited below; a failure is handled there
        yield { type: 'metadata', content: '', data: { agent_id: p.agentId, chat_id: run.chatId } };
        for (let it = await firstToken; !it.done; it = await tokens.next()) {
          const ev = it.value;
          if (ev.type === 'text') {
            text += ev.text;
            yield { type: 'token', content: ev.text, data: null };
          } else if (ev.type === 'finish') ({ usage: reported, unanswered } = ev);
          else (toolCalls ??= []).push(ev.call);
        }
        status = 'COMPLETED';
        let handover: Handover | undefined;
        if (p.tools) {
          const reply = replyAfterTools(p, text);
          if (reply !== text) yield { type: 'token', content: reply, data: null };
          text = reply;
          if (hasIntents(p.tools.intents)) {
            // Stored before the intents apply (they need the chat), and before `done` carries the handover.
            record(p, run, text, status, usageOf(p, text, reported), undefined, toolCalls);
            recorded = true;
            handover = await applyToolIntents(p, run);
          }
        } else if (unanswered && p.handoverWhenUnanswered) {
          record(p, run, text, status, usageOf(p, text, reported));
          recorded = true;
          handover = await handOverAfterReply(p, run);
        }
        yield { type: 'done', content: '', data: { response: text, usage: usageOf(p, text, reported), chat_id: run.chatId, sources: unanswered ? [] : p.sources, ...(handover && { handover }) } };
      } catch (err) {
        status = statusOnError(signal, clientGone);
        error = status === 'CANCELED' ? 'client disconnected' : upstreamError(err, signal).message;
        if (status === 'FAILED') {
          deps.logger.warn({ err, agent_id: p.agentId }, 'model stream failed');
          yield { type: 'error', content: error, data: null };
        }
      } finally {
        // Stopped early: release the provider's stream (queued behind a pending read, if any).
        void tokens?.return(undefined).catch(() => {});
        if (status === 'RUNNING') {
          status = 'CANCELED'; // the consumer stopped reading: the client went away
          error = 'client disconnected';
        }
        // Tool calls are stored (and their intents applied) only with a completed reply.
        if (!recorded) record(p, run, text, status, status === 'COMPLETED' ? usageOf(p, text, reported) : unfinishedUsage(p, text), error, status === 'COMPLETED' ? toolCalls : undefined);
      }
    },
  };
}
