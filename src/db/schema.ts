import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  type AnyPgColumn,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const orgs = pgTable(
  'orgs',
  {
    id: text('id').primaryKey(),
    // Deleting an org removes its whole subtree in the same statement (ON DELETE CASCADE).
    parentId: text('parent_id').references((): AnyPgColumn => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    logoUrl: text('logo_url'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    /** Tokens per calendar month (UTC) the runtime may spend; null = unlimited. */
    monthlyTokenBudget: bigint('monthly_token_budget', { mode: 'number' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('orgs_parent_idx').on(t.parentId, t.createdAt)],
);

export const assistants = pgTable(
  'assistants',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secretKey: text('secret_key'),
    avatarUrl: text('avatar_url'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('assistants_org_live_idx').on(t.orgId, t.createdAt).where(sql`${t.deletedAt} is null`)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // SHA-256 (hex) of the full secret; the secret itself is never stored.
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: ['admin', 'runtime'] }).notNull(),
    assistantId: text('assistant_id').references(() => assistants.id, { onDelete: 'cascade' }),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash), index('api_keys_org_idx').on(t.orgId, t.createdAt)],
);

export type RunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
export type ChatStateValue = 'OPEN' | 'SNOOZED' | 'CLOSED';
/**
 * user: the customer; assistant: the AI or a member's reply (member_id set); event: a state change; note: internal;
 * tool: one tool call of the AI and its result (internal, like a note).
 */
export type MessageRole = 'user' | 'assistant' | 'event' | 'note' | 'tool';
export type MessageKind = 'csat_request';
export interface TextPart {
  type: 'text';
  text: string;
}
/** A tool call the model made (a `tool` message holds the call, then its result). */
export interface ToolCallPart {
  type: 'tool-call';
  tool_call_id: string;
  tool_name: string;
  input: unknown;
}
export interface ToolResultPart {
  type: 'tool-result';
  tool_call_id: string;
  tool_name: string;
  output: unknown;
  is_error: boolean;
}
export type MessagePart = TextPart | ToolCallPart | ToolResultPart;
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const chats = pgTable(
  'chats',
  {
    id: text('id').primaryKey(),
    // No foreign key to orgs (nor from messages to chats, nor from usage to orgs): each would cost every
    // recorded call a lookup and a row lock. Deleting an org or a chat deletes these rows in the same statement
    // (orgs.repo deleteChild, chats.repo deleteChat); the assistant's key stays, so a run recorded for an
    // assistant that is gone still fails whole.
    orgId: text('org_id').notNull(),
    assistantId: text('assistant_id')
      .notNull()
      .references(() => assistants.id, { onDelete: 'cascade' }),
    apiKeyId: text('api_key_id'),
    title: text('title').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    status: text('status').$type<RunStatus>().notNull().default('RUNNING'),
    messagesCount: integer('messages_count').notNull().default(0),
    lastMessageAt: ts('last_message_at').notNull().defaultNow(),
    // Inbox state (see features/chats/chat-state.ts): open, snoozed or closed; who works it; what is unseen.
    state: text('state').$type<ChatStateValue>().notNull().default('OPEN'),
    snoozedUntil: ts('snoozed_until'),
    aiEnabled: boolean('ai_enabled').notNull().default(true),
    /** When the chat was last handed to a human (customer asked, or a member took over). */
    handoverAt: ts('handover_at'),
    assignedMemberId: text('assigned_member_id').references(() => members.id, { onDelete: 'set null' }),
    assignedAt: ts('assigned_at'),
    adminUnseenCount: integer('admin_unseen_count').notNull().default(0),
    userUnseenCount: integer('user_unseen_count').notNull().default(0),
    followUpAt: ts('follow_up_at'),
    mutedUntil: ts('muted_until'),
    csatScore: integer('csat_score'),
    resolvedAt: ts('resolved_at'),
    /** When the customer was last asked to rate the chat (a `csat_request` message); null when never. */
    csatRequestedAt: ts('csat_requested_at'),
    /**
     * Conversational messages (customer, assistant, team replies) already summarised into chat memories: the next
     * memory starts after them. Deleting memories leaves it, so what they covered is not summarised again.
     */
    memorizedCount: integer('memorized_count').notNull().default(0),
    /** The person the chat is with; null when unknown, or when the contact was deleted (the chat stays). */
    contactId: text('contact_id').references((): AnyPgColumn => contacts.id, { onDelete: 'set null' }),
    /** Where the conversation happens: the runtime API, the web widget or a team's custom channel. */
    channel: text('channel').$type<ContactChannelType>().notNull().default('API'),
    /** The contact's channel the chat runs on (custom channels, the widget); null for the runtime API. */
    contactChannelId: text('contact_channel_id').references((): AnyPgColumn => contactChannels.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('chats_org_idx').on(t.orgId, t.lastMessageAt),
    index('chats_assignee_idx').on(t.assignedMemberId).where(sql`${t.assignedMemberId} is not null`),
    index('chats_assistant_idx').on(t.assistantId, t.lastMessageAt),
    index('chats_contact_idx').on(t.contactId).where(sql`${t.contactId} is not null`),
    // The follow-through sweep: open chats of an assistant by last activity (auto-resolve), snoozed chats by wake time.
    index('chats_open_activity_idx').on(t.assistantId, t.lastMessageAt).where(sql`${t.state} = 'OPEN'`),
    index('chats_snoozed_idx').on(t.snoozedUntil).where(sql`${t.state} = 'SNOOZED'`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    chatId: text('chat_id').notNull(),
    orgId: text('org_id').notNull(),
    role: text('role').$type<MessageRole>().notNull(),
    /** The member who wrote a human reply, a note or caused an event; null for the customer and the assistant. */
    memberId: text('member_id'),
    parts: jsonb('parts').$type<MessagePart[]>().notNull(),
    status: text('status').$type<RunStatus>().notNull(),
    model: text('model'),
    usage: jsonb('usage').$type<TokenUsage>(),
    latencyMs: integer('latency_ms'),
    error: text('error'),
    /** The Parley instance that wrote the reply: a RUNNING reply of an instance that stopped is failed. */
    instanceId: text('instance_id'),
    /** What a message Parley wrote asks of the customer: `csat_request` (a 1-5 rating); null for every other message. */
    kind: text('kind').$type<MessageKind>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('messages_chat_idx').on(t.chatId, t.createdAt), index('messages_running_idx').on(t.status).where(sql`${t.status} = 'RUNNING'`)],
);

/**
 * Rolling summaries of a chat (features/chats/memories): one per 10 conversational messages, each covering the
 * conversation up to `message_count`. Deleted with their chat (the foreign key: written by a job, never on the hot path).
 */
export const chatMemories = pgTable(
  'chat_memories',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    chatId: text('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    summary: text('summary').notNull(),
    keyPoints: jsonb('key_points').$type<string[]>().notNull(),
    /** Conversational messages of the chat (customer, assistant, team replies) this summary covers, from the first. */
    messageCount: integer('message_count').notNull(),
    /** The model that wrote it. */
    model: text('model').notNull(),
    /** When the last message it covers was written. */
    summarizedAt: ts('summarized_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('chat_memories_chat_count_idx').on(t.chatId, t.messageCount), index('chat_memories_org_idx').on(t.orgId)],
);

export const usageRecords = pgTable(
  'usage_records',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    assistantId: text('assistant_id').notNull(),
    apiKeyId: text('api_key_id'),
    chatId: text('chat_id'),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    totalTokens: integer('total_tokens').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    outcome: text('outcome').$type<'ok' | 'error' | 'canceled'>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('usage_org_time_idx').on(t.orgId, t.createdAt)],
);

export const providerCredentials = pgTable(
  'provider_credentials',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    provider: text('provider').$type<'openai' | 'anthropic' | 'openai-compatible'>().notNull(),
    /** AES-256-GCM ciphertext (iv.tag.data, base64url) under a key derived from PARLEY_SECRET. */
    apiKeyEncrypted: text('api_key_encrypted'),
    apiKeyHint: text('api_key_hint'),
    baseUrl: text('base_url'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.provider] })],
);

/**
 * Running Parley instances (several may share one PostgreSQL database). Each renews its heartbeat;
 * one that stops renewing is dead, and the others fail the replies it left RUNNING.
 */
export const instances = pgTable('instances', {
  id: text('id').primaryKey(),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  startedAt: ts('started_at').notNull().defaultNow(),
  heartbeatAt: ts('heartbeat_at').notNull().defaultNow(),
});

/** PostgreSQL full-text document; written by a generated column, read only inside SQL. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * The durable job queue (embedded and PostgreSQL alike): a job is a row, claimed with
 * FOR UPDATE SKIP LOCKED under a lease that a live worker renews, so a killed process's jobs
 * are picked up again once their lease runs out.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: ts('run_at').notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    /** At most one queued job per key, and jobs of one key never run at once (e.g. syncs of one knowledge item). */
    dedupeKey: text('dedupe_key'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('jobs_due_idx').on(t.status, t.runAt),
    uniqueIndex('jobs_dedupe_idx').on(t.dedupeKey).where(sql`${t.status} = 'queued'`),
  ],
);

export type ContentType = 'TEXT' | 'FILE' | 'URL';
export type ContentStatus = 'PENDING' | 'PROCESSING' | 'PROCESSED' | 'FAILED';
export interface ContentSource {
  type: ContentType;
  url?: string;
  mode?: 'single' | 'crawl' | 'sitemap';
  include_path_patterns?: string[];
  exclude_path_patterns?: string[];
  max_pages?: number;
  max_depth?: number;
  file_name?: string;
  mime_type?: string;
}
export interface ContentProgress {
  pages_fetched?: number;
  pages_skipped?: number;
  pages_failed?: number;
}

export const knowledgeContents = pgTable(
  'knowledge_contents',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    /** Null: global to the org; else attached to this assistant only. */
    assistantId: text('assistant_id').references(() => assistants.id, { onDelete: 'cascade' }),
    /** A crawled page's website item. */
    parentId: text('parent_id').references((): AnyPgColumn => knowledgeContents.id, { onDelete: 'cascade' }),
    type: text('type').$type<ContentType>().notNull(),
    title: text('title').notNull(),
    source: jsonb('source').$type<ContentSource>().notNull(),
    /** Extracted text as Markdown (the body itself for TEXT). */
    text: text('text'),
    url: text('url'),
    size: integer('size').notNull().default(0),
    status: text('status').$type<ContentStatus>().notNull().default('PENDING'),
    chunksCount: integer('chunks_count').notNull().default(0),
    chunksProcessed: integer('chunks_processed').notNull().default(0),
    progress: jsonb('progress').$type<ContentProgress>().notNull().default({}),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('knowledge_contents_org_idx').on(t.orgId, t.createdAt),
    index('knowledge_contents_parent_idx').on(t.parentId),
    uniqueIndex('knowledge_contents_page_idx').on(t.parentId, t.url),
  ],
);

/** An uploaded file's bytes, kept until it is processed so a restart can resume. */
export const knowledgeFiles = pgTable('knowledge_files', {
  contentId: text('content_id')
    .primaryKey()
    .references(() => knowledgeContents.id, { onDelete: 'cascade' }),
  bytes: bytea('bytes').notNull(),
});

export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    contentId: text('content_id')
      .notNull()
      .references(() => knowledgeContents.id, { onDelete: 'cascade' }),
    /** The top-level item (the website for a crawled page): its scope decides who sees the chunk. */
    rootId: text('root_id').notNull(),
    assistantId: text('assistant_id'),
    chunkIndex: integer('chunk_index').notNull(),
    title: text('title').notNull(),
    headingPath: jsonb('heading_path').$type<string[]>().notNull(),
    text: text('text').notNull(),
    url: text('url'),
    page: integer('page'),
    charStart: integer('char_start').notNull(),
    charEnd: integer('char_end').notNull(),
    tokens: integer('tokens').notNull(),
    /** The chunk's words for full-text search, written with it (`chunkTsvector` in features/knowledge/lexemes.ts). */
    tsv: tsvector('tsv').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('knowledge_chunks_content_idx').on(t.contentId, t.chunkIndex),
    index('knowledge_chunks_org_idx').on(t.orgId, t.assistantId),
    // New entries wait in a pending list of at most 256 kB (PostgreSQL's default: 4 MB), which every search reads
    // whole and an insert merges once full (migration 0010).
    index('knowledge_chunks_tsv_idx').using('gin', t.tsv).with({ gin_pending_list_limit: 256 }),
  ],
);

/**
 * How many of an org's chunks hold each stem (its document frequency), kept with the chunks in their transaction:
 * the ingestion job adds its chunks' stems (`replaceChunks`), a trigger on `knowledge_chunks` (migration 0009)
 * subtracts those of deleted chunks (an item's, a re-sync's, a cascade's). Search reads a question's stems here instead of counting
 * chunks (about 3 ms per stem at 100,000 chunks), so a first-time question is as fast as a repeated one.
 * Created with `fillfactor = 50` (migration 0009), which this schema cannot state: its rows are updated in place.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    lexeme: text('lexeme').notNull(),
    chunks: integer('chunks').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.lexeme] })],
);

export type Role = 'ADMIN' | 'DEVELOPER' | 'MANAGER' | 'AGENT';

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Stored lower-cased; the index on lower(email) also refuses case variants written by other means.
    email: text('email').notNull(),
    name: text('name').notNull(),
    // scrypt, self-describing (see features/members/password.ts).
    passwordHash: text('password_hash').notNull(),
    defaultOrgId: text('default_org_id').references(() => orgs.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_idx').on(sql`lower(${t.email})`)],
);

export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    status: text('status').$type<'ACTIVE' | 'AWAY'>().notNull().default('ACTIVE'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('members_org_user_idx').on(t.orgId, t.userId), index('members_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // SHA-256 (hex) of the cookie's token; the token itself is never stored. The CSRF token is derived from it.
    tokenHash: text('token_hash').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [uniqueIndex('sessions_token_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId, t.createdAt)],
);

export const invites = pgTable(
  'invites',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    // SHA-256 (hex) of the invite token; single use (accepted_at), expiring.
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    // Who invited: a member's user id or an API key id (no foreign key: either may be deleted later).
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('invites_token_idx').on(t.tokenHash), index('invites_org_idx').on(t.orgId, t.createdAt)],
);

export type OrgRow = typeof orgs.$inferSelect;
export type ChatRow = typeof chats.$inferSelect;
export type ChatMemoryRow = typeof chatMemories.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type UsageRow = typeof usageRecords.$inferSelect;
export type ProviderCredentialRow = typeof providerCredentials.$inferSelect;
export type AssistantRow = typeof assistants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type ContentRow = typeof knowledgeContents.$inferSelect;
export type ChunkRow = typeof knowledgeChunks.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;

/**
 * The event log (transactional outbox): one row per change, written in the transaction (or the
 * group-commit statement) that makes the change. `txid` is that transaction's id: the dispatcher
 * reads rows in (txid, id) order and only below the oldest running transaction, so an event that
 * commits late can never land behind a reader's cursor.
 */
export const events = pgTable(
  'events',
  {
    id: text('id').notNull(),
    // The writing transaction's id with its epoch (what pg_current_xact_id() gives as xid8), as a
    // bigint: xid8 has no BRIN operator class.
    txid: bigint('txid', { mode: 'bigint' })
      .notNull()
      .default(sql`txid_current()`),
    // No foreign key: every runtime call writes events, and a key check per row (a row lock on the org)
    // costs more than the row itself. Deleting an org deletes its events in the same transaction.
    orgId: text('org_id').notNull(),
    type: text('type').notNull(),
    /** The record the event is about (an assistant, chat, key...). */
    subjectId: text('subject_id').notNull(),
    actorType: text('actor_type').$type<'api_key' | 'member' | 'visitor' | 'system'>().notNull(),
    actorId: text('actor_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // One b-tree per row: the org's log by time (audit log, replay). The dispatcher reads by txid, which
  // grows as rows are appended, so a BRIN index (block ranges, next to free to keep up) finds them.
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('events_txid_brin').using('brin', t.txid)],
);

export type EventRow = typeof events.$inferSelect;

/** Flat custom attribute values (as Intercom's): no nested objects or arrays. */
export type CustomAttributes = Record<string, string | number | boolean>;

/** A person the org talks to, across channels (contacts.md). */
export const contacts = pgTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name'),
    blocked: boolean('blocked').notNull().default(false),
    blockedAt: ts('blocked_at'),
    unsubscribed: boolean('unsubscribed').notNull().default(false),
    unsubscribedAt: ts('unsubscribed_at'),
    unsubscribeReason: text('unsubscribe_reason'),
    unsubscribeFeedback: text('unsubscribe_feedback'),
    aiRepliesDisabled: boolean('ai_replies_disabled').notNull().default(false),
    isAdmin: boolean('is_admin').notNull().default(false),
    customAttributes: jsonb('custom_attributes').$type<CustomAttributes>().notNull().default({}),
    lastSeenAt: ts('last_seen_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('contacts_org_idx').on(t.orgId, t.createdAt)],
);

export type ContactChannelType = 'WEB' | 'API' | 'CUSTOM';

/**
 * One identity of a contact on a channel: `user_id` is who the person is inside that transport (a widget
 * visitor id, a caller's own user id, a phone number). Unique per org, type and user id, which is what
 * makes resolving a writer to a contact safe under concurrent calls.
 */
export const contactChannels = pgTable(
  'contact_channels',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    type: text('type').$type<ContactChannelType>().notNull(),
    userId: text('user_id').notNull(),
    name: text('name'),
    username: text('username'),
    email: text('email'),
    phone: text('phone'),
    avatar: text('avatar'),
    country: text('country'),
    language: text('language'),
    agent: text('agent'),
    ip: text('ip'),
    platformData: jsonb('platform_data').$type<Record<string, unknown>>().notNull().default({}),
    lastSeenAt: ts('last_seen_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contact_channels_identity_idx').on(t.orgId, t.type, t.userId),
    index('contact_channels_contact_idx').on(t.contactId),
    index('contact_channels_email_idx').on(t.orgId, sql`lower(${t.email})`),
  ],
);

export type SegmentColor =
  | 'red' | 'orange' | 'amber' | 'yellow' | 'lime' | 'green' | 'teal' | 'cyan' | 'sky'
  | 'blue' | 'indigo' | 'violet' | 'purple' | 'fuchsia' | 'pink' | 'rose' | 'neutral';

/** A named, coloured group of contacts (a tag, in Intercom's words; a label, in Chatwoot's). */
export const segments = pgTable(
  'segments',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').$type<SegmentColor>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('segments_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

export const contactSegments = pgTable(
  'contact_segments',
  {
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    segmentId: text('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.segmentId] }), index('contact_segments_segment_idx').on(t.segmentId)],
);

export type ContactRow = typeof contacts.$inferSelect;
export type ContactChannelRow = typeof contactChannels.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;

/** An endpoint that receives an org's events as signed HTTP POSTs (Standard Webhooks). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event types it receives; `*` is every type. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    // The signing secret (`whsec_...`), sealed with the instance secret: it must be readable to sign.
    secret: text('secret').notNull(),
    disabledReason: text('disabled_reason'),
    disabledAt: ts('disabled_at'),
    /** Deliveries in a row that failed every attempt; any success resets it. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.createdAt)],
);

export interface WebhookAttempt {
  attempt: number;
  trigger: 'scheduled' | 'manual' | 'test';
  at: string;
  status_code: number | null;
  duration_ms: number;
  response: string | null;
  error: string | null;
}

/** One event (or test ping) for one endpoint, with its attempts: the endpoint's delivery log. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The `webhook-id` header: the event's id (the same on every retry), or the delivery's id for a test ping. */
    messageId: text('message_id').notNull(),
    eventId: text('event_id'),
    eventType: text('event_type').notNull(),
    eventData: jsonb('event_data').$type<Record<string, unknown>>().notNull(),
    eventAt: ts('event_at').notNull(),
    /** The exact body, built at the first attempt and sent byte for byte on every later one. */
    payload: text('payload'),
    status: text('status').$type<'PENDING' | 'SUCCEEDED' | 'FAILED'>().notNull().default('PENDING'),
    attempts: jsonb('attempts').$type<WebhookAttempt[]>().notNull().default([]),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** The scheduled attempt the queue runs next (a job for another one is stale and does nothing). */
    nextAttempt: integer('next_attempt').notNull().default(1),
    nextAttemptAt: ts('next_attempt_at'),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    // One delivery per event and endpoint, however often the fan-out runs over it.
    uniqueIndex('webhook_deliveries_event_idx').on(t.endpointId, t.eventId),
  ],
);

/** Durable consumers of the event log: where each has read up to, advanced with the work it enqueued. */
export const eventConsumers = pgTable('event_consumers', {
  name: text('name').primaryKey(),
  txid: bigint('txid', { mode: 'bigint' }).notNull(),
  eventId: text('event_id').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
