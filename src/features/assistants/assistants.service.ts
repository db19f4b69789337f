import type { Db, Tx } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import type { AssistantRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId, randomBase62 } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { deepMerge } from '../../lib/objects.ts';
import * as repo from './assistants.repo.ts';
import type { Assistant, AssistantConfig, CreateAssistantInput, UpdateAssistantInput } from './assistants.schemas.ts';

const DEFAULT_CONVERSATION: AssistantConfig['conversation'] = {
  thread_mode: 'new',
  enable_memories: false,
  enable_transfer_to_human_tool: false,
  welcome_banner: '',
  suggested_messages: [],
  auto_intro_message: '',
  enable_end_conversation_tool: false,
  enable_block_contact_tool: false,
  enable_auto_resolve: false,
  auto_resolve_after_minutes: 1440,
  enable_auto_follow_ups: false,
  enable_auto_csat: false,
  enable_private_chats: false,
  enable_update_contact_tool: false,
  enable_ai_replies: true,
  assignee_member_ids: [],
  handover_when_unanswered: false,
};

const DEFAULT_WIDGET: AssistantConfig['widget'] = {
  enabled: false,
  allowed_origins: [],
  require_identity: false,
  appearance: 'auto',
  button_background_color: '#1f6feb',
  button_color: '#ffffff',
  position: 'bottom-right',
};

export type AssistantsService = ReturnType<typeof createAssistantsService>;

export function createAssistantsService(deps: {
  db: Db;
  defaultModel: string;
  events: EventLog;
  caches: CacheStore;
  cacheTtlMs?: number;
  /** The ids among these that are not members of the org who work conversations (checked on write). */
  unknownInboxMembers?: (orgId: string, ids: string[]) => Promise<string[]>;
  /** Throws a bad_request AppError when the org cannot call this model (unknown, or its provider not configured). */
  checkModel?: (orgId: string, model: string) => Promise<void>;
}) {
  const { db, events } = deps;
  // The runtime reads an assistant on every call; the events of a change drop its entry.
  const live = deps.caches.cache<AssistantRow | null>('assistants', { ttlMs: deps.cacheTtlMs ?? 0 });
  events.onChange(['assistant.updated', 'assistant.deleted'], (e) => live.delete(e.subject_id));
  events.onChange(['org.deleted'], () => live.clear());

  /** Stored config holds what was set; defaults are applied on read so they can evolve. */
  function effectiveConfig(stored: Record<string, unknown>): AssistantConfig {
    const s = stored as Partial<AssistantConfig> & { model?: string | null };
    return {
      instructions: s.instructions ?? '',
      language: s.language ?? 'auto',
      model: s.model ?? deps.defaultModel,
      timezone: s.timezone ?? 'UTC',
      knowledge_scope: s.knowledge_scope ?? 'all',
      conversation: { ...DEFAULT_CONVERSATION, ...(s.conversation ?? {}) },
      widget: { ...DEFAULT_WIDGET, ...(s.widget ?? {}) },
    };
  }

  const toApi = (row: AssistantRow): Assistant => ({
    id: row.id,
    org_id: row.orgId,
    name: row.name,
    enabled: row.enabled,
    deleted: row.deletedAt !== null,
    secret_key: row.secretKey,
    avatar_url: row.avatarUrl,
    config: effectiveConfig(row.config),
    integrations: [],
    actions: [],
    boards: [],
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  });

  const newSecretKey = () => `ask_${randomBase62(32)}`;

  async function checkAssignees(orgId: string, config: { conversation?: { assignee_member_ids?: string[] } } | undefined): Promise<void> {
    const ids = config?.conversation?.assignee_member_ids;
    if (!ids?.length || !deps.unknownInboxMembers) return;
    const unknown = await deps.unknownInboxMembers(orgId, ids);
    if (unknown.length) {
      throw new AppError('bad_request', `config.conversation.assignee_member_ids: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a member' : 'are not members'} of this organization who work conversations (ADMIN, MANAGER or AGENT)`);
    }
  }

  /** A widget that talks only to verified users needs the secret key their hashes are checked with. */
  function checkIdentitySetup(config: Record<string, unknown> | undefined, hasSecretKey: boolean): void {
    const widget = config?.widget as { require_identity?: unknown } | undefined;
    if (widget?.require_identity === true && !hasSecretKey) {
      throw new AppError('bad_request', 'config.widget.require_identity needs a secret key to verify user hashes with: send generate_secret_key: true too');
    }
  }

  /** A model whose provider is not configured is refused when saved, not at the first customer's message. */
  async function checkModel(orgId: string, config: { model?: string | null } | undefined): Promise<void> {
    if (!config?.model || !deps.checkModel) return;
    try {
      await deps.checkModel(orgId, config.model);
    } catch (err) {
      if (err instanceof AppError && err.code === 'bad_request') throw new AppError('bad_request', `config.model: ${err.message}`);
      throw err;
    }
  }

  return {
    effectiveConfig,

    async create(orgId: string, input: CreateAssistantInput, actor: Actor = SYSTEM_ACTOR): Promise<Assistant> {
      await checkAssignees(orgId, input.config);
      checkIdentitySetup(input.config as Record<string, unknown> | undefined, input.generate_secret_key);
      await checkModel(orgId, input.config);
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.insertAssistant(tx, {
          id: newId('assistant'),
          orgId,
          name: input.name,
          enabled: input.enabled,
          avatarUrl: input.avatar_url ?? null,
          secretKey: input.generate_secret_key ? newSecretKey() : null,
          config: (input.config ?? {}) as Record<string, unknown>,
        });
        emit({ type: 'assistant.created', orgId, subjectId: row.id, data: { assistant_id: row.id, name: row.name } });
        return toApi(row);
      });
    },

    async list(orgId: string, q: PageQuery): Promise<Page<Assistant>> {
      const [rows, count] = await repo.listAssistants(db, orgId, q);
      return { items: rows.map(toApi), count, ...q };
    },

    async get(orgId: string, id: string): Promise<Assistant> {
      const row = await repo.findAssistant(db, orgId, id);
      if (!row) throw notFound('Assistant');
      return toApi(row);
    },

    /** Raw record for other features (runtime); undefined when missing or deleted. */
    async find(orgId: string, id: string): Promise<AssistantRow | undefined> {
      return repo.findAssistant(db, orgId, id);
    },

    /** The effective config of a live assistant of the org (cached, as the runtime reads it); undefined when gone. */
    async configOf(orgId: string, id: string): Promise<AssistantConfig | undefined> {
      const row = (await live.getOrLoad(id, async () => (await repo.findLiveAssistantById(db, id)) ?? null)) ?? undefined;
      return row && row.orgId === orgId ? effectiveConfig(row.config) : undefined;
    },

    /**
     * The members an assistant's handovers go to (`conversation.assignee_member_ids`; empty: every inbox member),
     * read in the caller's transaction, never through the cache: on the embedded database (one connection) a cache
     * miss read outside an open transaction waits for that transaction to end, which waits for the read.
     */
    async assigneesIn(tx: Tx, id: string): Promise<readonly string[]> {
      const row = await repo.findLiveAssistantById(tx, id);
      return row ? effectiveConfig(row.config).conversation.assignee_member_ids : [];
    },

    /** Live (not deleted) assistant by id in any org; the caller must check reach. */
    async findAnywhere(id: string): Promise<AssistantRow | undefined> {
      return (await live.getOrLoad(id, async () => (await repo.findLiveAssistantById(db, id)) ?? null)) ?? undefined;
    },

    async update(orgId: string, id: string, input: UpdateAssistantInput, actor: Actor = SYSTEM_ACTOR): Promise<Assistant> {
      await checkAssignees(orgId, input.config);
      await checkModel(orgId, input.config);
      return events.transaction(actor, async (tx, emit) => {
        const current = await repo.findAssistant(tx, orgId, id);
        if (!current) throw notFound('Assistant');
        if (input.config !== undefined) checkIdentitySetup(deepMerge(current.config, input.config as Record<string, unknown>), !!current.secretKey || !!input.generate_secret_key);
        const row = await repo.updateAssistant(tx, orgId, id, {
          ...(input.name !== undefined && { name: input.name }),
          ...(input.enabled !== undefined && { enabled: input.enabled }),
          ...(input.avatar_url !== undefined && { avatarUrl: input.avatar_url }),
          ...(input.generate_secret_key && { secretKey: newSecretKey() }),
          ...(input.config !== undefined && { config: deepMerge(current.config, input.config as Record<string, unknown>) }),
        });
        const changed = Object.keys(input).filter((k) => input[k as keyof UpdateAssistantInput] !== undefined);
        emit({ type: 'assistant.updated', orgId, subjectId: id, data: { assistant_id: id, changed } });
        return toApi(row!);
      });
    },

    /**
     * Live assistants (of every org) with a conversation flag on, with their effective config: the background jobs
     * that act on chats (auto-resolve, memories) look only at these. Defaults of these flags are off, so a stored
     * `true` is the only way to be on.
     */
    async withConversationFlag(flag: 'enable_auto_resolve' | 'enable_memories' | 'enable_auto_csat'): Promise<Array<{ id: string; orgId: string; config: AssistantConfig }>> {
      const rows = await repo.liveWithConversationFlag(db, flag);
      return rows.map((r) => ({ id: r.id, orgId: r.orgId, config: effectiveConfig(r.config) }));
    },

    /**
     * Soft delete: the record stays for chats and usage history but leaves lists and the runtime API.
     * What only this assistant used (its own knowledge) goes in the same transaction, by the
     * knowledge feature's handler of `assistant.deleted`.
     */
    async remove(orgId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        const row = await repo.updateAssistant(tx, orgId, id, { deletedAt: new Date() });
        if (!row) throw notFound('Assistant');
        emit({ type: 'assistant.deleted', orgId, subjectId: id, data: { assistant_id: id } });
      });
    },
  };
}
