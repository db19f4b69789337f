import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { createPlannerStats, type PlannerStats } from '../db/planner-stats.ts';
import { createApiKeysService, type ApiKeysService } from '../features/api-keys/index.ts';
import { createAuditService, type AuditService } from '../features/audit/index.ts';
import { createContactsService, createSegmentsService, type ContactsService, type SegmentsService } from '../features/contacts/index.ts';
import { createAssistantsService, type AssistantsService } from '../features/assistants/index.ts';
import { createOrgsService, type OrgsService } from '../features/orgs/index.ts';
import { createAuthService, createMembersService, type AuthService, type MembersService } from '../features/members/index.ts';
import { createSetupService, type SetupService } from '../features/setup/index.ts';
import {
  chatJobCatalog,
  chatJobHandlers,
  chatRecurringJobs,
  createChatLive,
  createTyping,
  type Typing,
  createCustomerSide,
  type CustomerSide,
  createChatStateService,
  createChatsService,
  createFollowThrough,
  createMemoriesService,
  createRunRecorder,
  unknownInboxMembers,
  type ChatLive,
  type ChatStateService,
  type ChatsService,
  type MemoriesService,
  type RunRecorder,
} from '../features/chats/index.ts';
import { createUsageMeter, createUsageService, type UsageEntry, type UsageService } from '../features/usage/index.ts';
import { createProvidersService, type ProvidersService } from '../features/providers/index.ts';
import { createChannelsService, type ChannelsService } from '../features/channels/index.ts';
import { createInboxService, type InboxService } from '../features/inbox/index.ts';
import { createRuntimeService, type RuntimeService } from '../features/runtime/index.ts';
import { createWidgetService, type WidgetService } from '../features/widget/index.ts';
import {
  createKnowledgeService,
  createRetriever,
  createSearchIndexUpkeep,
  createTextIndexer,
  knowledgeJobCatalog,
  knowledgeJobHandlers,
  type KnowledgeService,
  type Scope,
  type SearchIndexUpkeep,
} from '../features/knowledge/index.ts';
import {
  createDeliverer,
  createWebhookFanout,
  createWebhooksService,
  webhookJobCatalog,
  webhookJobHandlers,
  type WebhookFanout,
  type WebhookJobCatalog,
  type WebhooksService,
} from '../features/webhooks/index.ts';
import { createJobQueue, type JobQueue } from '../jobs/job-queue.ts';
import { createEmbedder } from '../llm/embeddings.ts';
import { Agent } from 'undici';
import { createEgressDispatcher, createEgressFetch, createEgressPolicy, type EgressFetch } from '../infra/egress/egress.ts';
import { createLeanFetch } from '../infra/egress/lean-fetch.ts';
import { createSecretBox, loadOrCreateDataDirSecret, type SecretBox } from '../infra/secret-box.ts';
import { createModelRegistry, type ModelRegistry, resolveForOrg } from '../llm/registry.ts';
import type { Authenticator } from '../http/auth.ts';
import { createInstanceRegistry, newInstanceId, type InstanceRegistry } from '../infra/instance-registry.ts';
import { createEventLog, type EventLog } from '../events/event-log.ts';
import { createMemoryCacheStore, guardedCacheStore } from '../infra/cache/memory-cache.ts';
import { createMemoryPubSub } from '../infra/pubsub/memory-pubsub.ts';
import { createSmtpMailer } from '../infra/mail/smtp-mailer.ts';
import type { PubSub } from '../infra/pubsub/pubsub.ts';
import { createLogger, type Logger } from '../infra/logger.ts';
import { createMemoryRateLimiter } from '../infra/rate-limit/memory-rate-limiter.ts';
import type { RateLimiter } from '../infra/rate-limit/rate-limiter.ts';

/** Every job Parley runs: each feature's part of the catalog. */
const JOB_CATALOG = { ...knowledgeJobCatalog, ...chatJobCatalog };

/** Knowledge passages put in front of the model for each message. */
const PASSAGES_PER_ANSWER = 5;

export interface Deps {
  config: Config;
  logger: Logger;
  database: Database;
  /** Keeps the embedded engine's planner statistics fresh (PGlite has no autovacuum). */
  plannerStats: PlannerStats;
  /** Merges the knowledge search index's pending entries after ingestion. */
  searchIndex: SearchIndexUpkeep;
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  events: EventLog;
  tls?: { cert: Buffer; key: Buffer };
  authenticator: Authenticator;
  orgs: OrgsService;
  apiKeys: ApiKeysService;
  auth: AuthService;
  members: MembersService;
  assistants: AssistantsService;
  setup: SetupService;
  chats: ChatsService;
  chatState: ChatStateService;
  chatLive: ChatLive;
  typing: Typing;
  memories: MemoriesService;
  customers: CustomerSide;
  widget: WidgetService;
  inbox: InboxService;
  channels: ChannelsService;
  usage: UsageService;
  providers: ProvidersService;
  runtime: RuntimeService;
  knowledge: KnowledgeService;
  audit: AuditService;
  contacts: ContactsService;
  segments: SegmentsService;
  jobs: JobQueue<typeof JOB_CATALOG>;
  webhooks: WebhooksService;
  /** Webhook delivery attempts: their own queue, so slow receivers never hold up other jobs. */
  webhookJobs: JobQueue<WebhookJobCatalog>;
  /** Reads the event log into webhook deliveries; started with the workers. */
  webhookFanout: WebhookFanout;
  instances: InstanceRegistry;
  recorder: RunRecorder<UsageEntry>;
  models: ModelRegistry;
  egressFetch: EgressFetch;
  close(): Promise<void>;
}

/** Tests hand in their own logger and database, and may slow the batched last_used_at writes down. */
export interface DepsOverrides {
  logger?: Logger;
  /** A database the caller owns and configured (tests): Parley's data-folder secret is not used with it. */
  database?: Database;
  /** The configured database, already being opened by the caller (the CLI, while it loads the rest): owned as its own. */
  opening?: Promise<Database>;
  lastUsedFlushMs?: number;
  /** What the follow-through sweep takes as now (tests move it forward instead of waiting a day). */
  clock?: () => number;
}

/** Builds every long-lived object once per process. Nothing here listens or starts timers that matter. */
export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, pretty: config.logPretty });
  const database =
    overrides.database ??
    (await (overrides.opening ?? openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl.reveal() }
        : {
            kind: 'pglite',
            dataDir: config.dataDir,
            onStopped: (err) => logger.fatal({ err }, 'the embedded database stopped: every request that needs it fails until Parley restarts'),
            onStalledTransaction: (err) => logger.error({ err }, 'rolled back a transaction that held the embedded database while waiting for a query outside it (a bug: please report it with this stack)'),
          },
    )));
  const { db } = database;
  const tls = config.tls
    ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
    : undefined;

  // Background work runs on `backgroundDb`: the embedded database's `quiet` does not wait for its statements.
  const { backgroundDb } = database;
  const backgroundDatabase = { ...database, db: backgroundDb };
  const plannerStats = createPlannerStats({ db: backgroundDb, kind: database.kind, logger });
  const searchIndex = createSearchIndexUpkeep({ db: backgroundDb, logger, quiet: database.quiet });
  const rateLimiter = createMemoryRateLimiter();
  const pubsub = createMemoryPubSub({ logger });
  const caches = database.insideTransaction ? guardedCacheStore(createMemoryCacheStore(), database.insideTransaction) : createMemoryCacheStore();
  const events = createEventLog({ db, pubsub, logger, pollMs: config.events.pollMs, retentionMs: config.events.retentionMs });
  const cacheTtlMs = config.cacheTtlMs;
  const orgs = createOrgsService({ db, events, caches, cacheTtlMs });
  const egressPolicy = createEgressPolicy(config.egressAllow);
  const guarded = createEgressDispatcher(egressPolicy);
  const egressFetch = createEgressFetch(guarded);
  // Instance providers are the operator's own endpoints (often a local Ollama or vLLM), so only the
  // base URLs that org users supply go through the guard.
  const models = createModelRegistry(config, { fetch: createLeanFetch(new Agent()), guardedFetch: createLeanFetch(guarded) });
  let box: SecretBox | undefined;
  const secretBox = () => {
    if (box) return box;
    const master =
      config.secret?.reveal() ??
      (database.kind === 'pglite' && !overrides.database ? loadOrCreateDataDirSecret(config.dataDir) : undefined);
    box = master ? createSecretBox(master) : undefined;
    return box;
  };
  const providers = createProvidersService({ db, events, caches, cacheTtlMs, egressPolicy, secretBox, instanceProviders: models.instanceProviders });
  const assistants = createAssistantsService({
    db,
    events,
    caches,
    defaultModel: config.defaultModel,
    cacheTtlMs,
    unknownInboxMembers: (orgId, ids) => unknownInboxMembers(db, orgId, ids),
    // An assistant is saved only with a model it can be invoked with (its org's credentials or the instance's).
    checkModel: async (orgId, ref) => void (await resolveForOrg(models, ref, (provider) => providers.credentialFor(orgId, provider))),
  });
  const apiKeys = createApiKeysService({
    db,
    events,
    caches,
    lastUsedFlushMs: overrides.lastUsedFlushMs,
    assistantExists: async (orgId, id) => !!(await assistants.find(orgId, id)),
    onFlushError: (err) => logger.warn({ err }, 'could not write api key last_used_at; will retry'),
    cacheTtlMs,
  });
  const auth = createAuthService({
    db,
    events,
    limiter: rateLimiter,
    sessionTtlMs: config.members.sessionTtlMs,
    signInLimits: { perEmail: config.members.signInLimitPerEmail, perIp: config.members.signInLimitPerIp, windowMs: 15 * 60_000 },
    isWithin: (ancestor, orgId) => orgs.resolveReach(ancestor, orgId).then(() => true, () => false),
  });
  const mailer = config.smtp ? createSmtpMailer({ url: config.smtp.url.reveal(), from: config.smtp.from }) : undefined;
  const members = createMembersService({
    db,
    events,
    auth,
    inviteTtlMs: config.members.inviteTtlMs,
    publicUrl: config.publicUrl,
    mailer,
    orgName: async (orgId) => (await orgs.get(orgId)).name,
  });
  const setup = createSetupService({ orgs, apiKeys, auth, withLock: (fn) => database.withAdvisoryLock(0x70626f74, fn) });
  const instanceId = newInstanceId();
  const meter = createUsageMeter({ db, caches });
  const recorder: RunRecorder<UsageEntry> = createRunRecorder<UsageEntry>({ db, logger, events, extras: meter.runExtras, instanceId });
  const settle = () => recorder.settle();
  const chats = createChatsService({ db, events, resolveReach: (keyOrg, orgId) => orgs.resolveReach(keyOrg, orgId), settle });
  const chatState = createChatStateService({
    db,
    events,
    reachable: chats.reachable,
    assigneesIn: assistants.assigneesIn,
    conversationOf: async (orgId, id) => {
      const config = await assistants.configOf(orgId, id);
      return config && { enable_auto_csat: config.conversation.enable_auto_csat, language: config.language };
    },
  });
  const typing = createTyping({ db, pubsub });
  const chatLive = createChatLive({ db, events, typing, reachable: chats.reachable });
  const followThrough = createFollowThrough({
    db,
    events,
    chatState,
    logger,
    now: overrides.clock ?? Date.now,
    autoResolving: async () =>
      (await assistants.withConversationFlag('enable_auto_resolve')).map((a) => ({
        id: a.id,
        orgId: a.orgId,
        minutes: a.config.conversation.auto_resolve_after_minutes,
        csat: { enable_auto_csat: a.config.conversation.enable_auto_csat, language: a.config.language },
      })),
  });
  const memories: MemoriesService = createMemoriesService({
    db,
    events,
    memoryAssistants: () => assistants.withConversationFlag('enable_memories'),
    assistantOf: async (orgId, id) => {
      const config = await assistants.configOf(orgId, id);
      return config && { model: config.model, enableMemories: config.conversation.enable_memories };
    },
    modelFor: (orgId, ref) => resolveForOrg(models, ref, (provider) => providers.credentialFor(orgId, provider)),
    llm: config.llm,
    queue: () => jobs,
  });
  const inbox = createInboxService({ db, events, typing, settle });
  const usage = createUsageService({ db, meter, budgetOf: (orgId) => orgs.budgetOf(orgId), settle });
  const audit = createAuditService({ db, settle });
  const contacts = createContactsService({ db, events, settle });
  const segments = createSegmentsService({ db, events });
  const instances = createInstanceRegistry({
    id: instanceId,
    db,
    logger,
    heartbeatMs: config.instanceHeartbeatMs,
    onSweep: (aliveSince) =>
      chats.failInterruptedRuns({ aliveSince, legacyBefore: new Date(Date.now() - config.llm.timeoutMs - 60_000) }),
  });
  const embedder = createEmbedder(config);
  if (config.knowledge.embeddingModel && !embedder) {
    logger.warn({ model: config.knowledge.embeddingModel }, 'PARLEY_EMBEDDING_MODEL names a provider without credentials; knowledge search is keyword-only');
  }
  const retriever = createRetriever({
    db,
    events,
    caches,
    embedder,
    cacheTtlMs,
    onVectorError: (err) => logger.warn({ err }, 'embedding the query failed; this search is keyword-only'),
  });
  // Knowledge chunked on a thread of its own with PostgreSQL: chats during an ingestion waited for the chunker's
  // slices (p50 40 -> 30-36 ms, p99 80-120 -> 70-76 ms in `npm run bench:knowledge`-style runs). On the embedded
  // engine its database thread is what an ingestion waits for: a third busy thread on two cores changed neither the
  // ingestion's speed nor the chats' waits there, and held 25-60 MB more at the peak, so it chunks on this thread.
  const indexer =
    database.kind === 'postgres'
      ? createTextIndexer({
          onUnavailable: (err) => logger.warn({ err }, 'the indexing thread is unavailable; knowledge is chunked on the server thread'),
        })
      : undefined;
  const jobs = createJobQueue({
    database: backgroundDatabase,
    logger,
    concurrency: config.knowledge.jobConcurrency,
    leaseMs: config.knowledge.jobLeaseMs,
    catalog: JOB_CATALOG,
    handlers: {
      ...knowledgeJobHandlers({
        db: backgroundDb,
        events,
        retriever,
        egressFetch,
        crawlMaxPages: config.knowledge.crawlMaxPages,
        plannerStats,
        searchIndex,
        quiet: database.quiet,
        indexer,
      }),
      ...chatJobHandlers({ sweep: followThrough.sweep, scanMemories: memories.scan, summarize: memories.summarize }),
    },
    recurring: chatRecurringJobs(config.followThrough),
  });
  const webhookJobs: JobQueue<WebhookJobCatalog> = createJobQueue({
    database: backgroundDatabase,
    logger,
    concurrency: config.webhooks.concurrency,
    leaseMs: config.knowledge.jobLeaseMs,
    catalog: webhookJobCatalog,
    handlers: webhookJobHandlers(
      createDeliverer({
        db,
        events,
        fetch: egressFetch,
        secretBox,
        sources: { message: (orgId, id) => chats.message(orgId, id), chat: (orgId, id) => chats.find(orgId, id) },
        queue: () => webhookJobs,
        ...config.webhooks,
      }),
    ),
  });
  const webhooks = createWebhooksService({ db, events, secretBox, queue: webhookJobs, egressPolicy });
  const webhookFanout = createWebhookFanout({
    db,
    logger,
    pollMs: config.webhooks.pollMs,
    queue: webhookJobs,
    logRetentionMs: config.webhooks.logRetentionMs,
  });
  const knowledge = createKnowledgeService({
    db,
    events,
    queue: jobs,
    retriever,
    assistantScope: async (orgId, id) => {
      const a = await assistants.find(orgId, id);
      return a ? assistants.effectiveConfig(a.config).knowledge_scope : undefined;
    },
  });
  const runtime = createRuntimeService({
    assistants,
    orgs,
    chats,
    chatState,
    contacts,
    recorder,
    usage,
    models,
    credentialFor: (orgId, provider) => providers.credentialFor(orgId, provider),
    retrieve: async ({ orgId, assistantId, scope, query, expansionWeight }) =>
      (await retriever.search({ orgId, assistantId, scope: scope as Scope, query, expansionWeight, limit: PASSAGES_PER_ANSWER })).results.map((r) => ({
        knowledgeId: r.content_id,
        title: r.title,
        url: r.url,
        // The chunker keeps headings out of a chunk's text; the passage gets them back for context.
        text: r.heading_path.length ? `${r.heading_path.join(' > ')}\n\n${r.text}` : r.text,
      })),
    llm: config.llm,
    logger,
  });
  const channels = createChannelsService({ contacts, chats, runtime, settle });
  const customers = createCustomerSide({ db, events, settle, rate: (orgId, assistantId, chatId, score, actor) => chatState.customerRated(orgId, assistantId, chatId, score, actor) });
  const widget = createWidgetService({ db, assistants, contacts, runtime, secretBox, tokenTtlMs: 30 * 86_400_000 });
  const authenticator: Authenticator = {
    authenticateVisitor: (token) => widget.authenticate(token),
    authenticate: (secret) => apiKeys.authenticate(secret),
    authenticateSession: (token) => auth.authenticateSession(token),
    resolveOrg: (principal, orgParam) => orgs.resolveReach(principal.orgId, orgParam),
    memberAccess: (principal, orgParam) => auth.memberAccess(principal, orgParam),
  };

  return {
    config,
    logger,
    database,
    rateLimiter,
    pubsub,
    events,
    tls,
    authenticator,
    orgs,
    apiKeys,
    auth,
    members,
    assistants,
    setup,
    chats,
    chatState,
    chatLive,
    typing,
    memories,
    customers,
    widget,
    inbox,
    channels,
    usage,
    providers,
    runtime,
    knowledge,
    audit,
    contacts,
    segments,
    jobs,
    webhooks,
    webhookJobs,
    webhookFanout,
    instances,
    recorder,
    plannerStats,
    searchIndex,
    models,
    egressFetch,
    async close() {
      await webhookFanout.stop();
      await webhookJobs.stop();
      await jobs.stop();
      await indexer?.close();
      await recorder.close();
      await plannerStats.close();
      await searchIndex.close();
      await events.stop();
      // After the recorder: this instance's replies are all written, so it leaves as done, not dead.
      await instances.stop().catch((err: unknown) => logger.warn({ err }, 'could not remove this instance\'s row'));
      await apiKeys.close();
      await rateLimiter.close();
      await pubsub.close();
      mailer?.close();
      await database.close();
    },
  };
}

