import ipaddr from 'ipaddr.js';
import { z } from 'zod';
// The same plain words for invalid settings as for invalid requests (zod's global configuration).
import '../lib/zod-messages.ts';

/**
 * Every setting Parley reads, parsed once at boot. This module is the only reader of
 * `process.env`; the rest of the code receives a typed `Config`.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** A secret value: kept out of logs and error messages by its wrapper. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
}

const secret = z.string().min(1).transform((v) => new Secret(v));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  PARLEY_DATA_DIR: z.string().min(1).default('./.parley'),
  DATABASE_URL: secret.optional(),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_LOG_PRETTY: bool.optional(),
  PARLEY_RATE_LIMIT_PER_MINUTE: positiveInt.default(500),
  PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR: positiveInt.default(10),
  PARLEY_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  PARLEY_TLS_CERT: z.string().min(1).optional(),
  PARLEY_TLS_KEY: z.string().min(1).optional(),
  PARLEY_TRUST_PROXY: z.string().min(1).optional(),
  PARLEY_ALLOW_HTTP: bool.default(false),
  PARLEY_BOOTSTRAP_KEY: secret
    .refine((s) => /^apk_[A-Za-z0-9_-]{43,200}$/.test(s.reveal()), {
      message: 'must be "apk_" followed by at least 43 base62/base64url characters (32 random bytes)',
    })
    .optional(),
  PARLEY_PUBLIC_URL: z.url().optional(),
  PARLEY_BOOTSTRAP_EMAIL: z.email().optional(),
  PARLEY_BOOTSTRAP_PASSWORD: secret.refine((s) => s.reveal().length >= 8, { message: 'must be at least 8 characters' }).optional(),
  PARLEY_SESSION_TTL_SECONDS: positiveInt.default(14 * 24 * 3600),
  PARLEY_SIGN_IN_LIMIT_PER_EMAIL: positiveInt.default(10),
  PARLEY_SIGN_IN_LIMIT_PER_IP: positiveInt.default(50),
  PARLEY_INVITE_TTL_HOURS: positiveInt.default(7 * 24),
  PARLEY_SMTP_URL: secret
    .refine((s) => /^smtps?:\/\/[^\s]+$/.test(s.reveal()), { message: 'must be smtp://[user:pass@]host[:port] or smtps://...' })
    .optional(),
  PARLEY_SMTP_FROM: z.string().min(3).max(320).optional(),
  PARLEY_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  PARLEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(10_000),
  PARLEY_EVENTS_POLL_MS: positiveInt.default(1_000),
  PARLEY_EVENTS_RETENTION_DAYS: positiveInt.default(90),
  PARLEY_SECRET: secret
    .refine((s) => s.reveal().length >= 32, { message: 'must be at least 32 characters' })
    .optional(),
  PARLEY_DEFAULT_MODEL: z.string().regex(/^[a-z0-9-]+\/\S+$/, 'must be "provider/model"').optional(),
  OPENAI_API_KEY: secret.optional(),
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_API_KEY: secret.optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENAI_COMPATIBLE_BASE_URL: z.url().optional(),
  OPENAI_COMPATIBLE_API_KEY: secret.optional(),
  PARLEY_LLM_TIMEOUT_MS: positiveInt.default(60_000),
  PARLEY_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  PARLEY_LLM_RETRY_BASE_MS: positiveInt.default(500),
  PARLEY_LLM_MAX_OUTPUT_TOKENS: positiveInt.default(1024),
  PARLEY_DEFAULT_CONTEXT_WINDOW: positiveInt.default(8192),
  PARLEY_EMBEDDING_MODEL: z.string().regex(/^(openai|openai-compatible)\/\S+$/, 'must be "openai/<model>" or "openai-compatible/<model>"').optional(),
  PARLEY_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  PARLEY_JOB_LEASE_MS: z.coerce.number().int().min(1_000).default(60_000),
  PARLEY_CRAWL_MAX_PAGES: positiveInt.default(200),
  PARLEY_INSTANCE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  PARLEY_EGRESS_ALLOW: z
    .string()
    .optional()
    .refine((v) => (v ?? '').split(',').every((x) => !x.includes('/') || ipaddr.isValidCIDR(x.trim())), {
      message: 'must be comma-separated host names, IP addresses or CIDR ranges (e.g. 127.0.0.1/32)',
    }),
  PARLEY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  PARLEY_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('5s,5m,30m,2h,5h,10h,10h')
    .refine((v) => v.split(',').every((x) => DURATION.test(x.trim())), {
      message: 'must be comma-separated delays such as 5s,5m,30m,2h (units ms, s, m, h)',
    }),
  PARLEY_WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt.default(5),
  PARLEY_WEBHOOK_POLL_MS: positiveInt.default(1_000),
  PARLEY_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PARLEY_WEBHOOK_LOG_RETENTION_DAYS: positiveInt.default(30),
  PARLEY_AUTO_RESOLVE_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  PARLEY_MEMORIES_SCAN_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
});

/** `5s`, `30m`, `2h`, `50ms`: the delays of the webhook retry schedule. */
const DURATION = /^(\d{1,9})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const parseDurations = (v: string) =>
  v.split(',').map((x) => {
    const [, n, unit] = DURATION.exec(x.trim())!;
    return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  });

export type TrustProxy = boolean | string[] | number;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: Secret;
  logLevel: z.infer<typeof EnvSchema>['PARLEY_LOG_LEVEL'];
  logPretty: boolean;
  rateLimitPerMinute: number;
  assistantCreateLimitPerHour: number;
  bodyLimitBytes: number;
  tls?: { certFile: string; keyFile: string };
  trustProxy: TrustProxy;
  allowHttp: boolean;
  bootstrapKey?: Secret;
  /** First start: this ADMIN user in the default org (both set, or neither). */
  bootstrapUser?: { email: string; password: Secret };
  members: {
    /** A session ends this long after its last use. */
    sessionTtlMs: number;
    /** Sign-in attempts per 15 minutes, per email and per client IP. */
    signInLimitPerEmail: number;
    signInLimitPerIp: number;
    inviteTtlMs: number;
  };
  /** Invites are emailed through this SMTP server when set (with links under `publicUrl`). */
  smtp?: { url: Secret; from: string };
  publicUrl?: string;
  shutdownTimeoutMs: number;
  /** PostgreSQL mode: how often this instance renews its heartbeat; silent for 3 of these, it counts as dead. */
  instanceHeartbeatMs: number;
  /** How long hot lookups (keys, assistants, org settings) are cached; bounds cross-instance staleness. 0 disables. */
  cacheTtlMs: number;
  events: {
    /** How often the event log is read for other instances' changes (this instance's are read at once). */
    pollMs: number;
    /** Events (and so the audit log) are kept this long. */
    retentionMs: number;
  };
  /** Key material for encrypting org credentials at rest; generated into the data dir when unset (embedded mode). */
  secret?: Secret;
  defaultModel: string;
  providers: {
    openai?: { apiKey?: Secret; baseUrl?: string };
    anthropic?: { apiKey?: Secret; baseUrl?: string };
    openaiCompatible?: { apiKey?: Secret; baseUrl: string };
  };
  llm: { timeoutMs: number; maxRetries: number; retryBaseMs: number; maxOutputTokens: number; defaultContextWindow: number };
  /** Hosts or CIDR ranges outbound HTTP may reach even though they are private. */
  egressAllow: string[];
  knowledge: {
    /** `provider/model` for embeddings; keyword-only retrieval when unset. */
    embeddingModel?: string;
    /** Background jobs (ingestion) run at most this many at once per instance. */
    jobConcurrency: number;
    /** A running job's lease, renewed while its worker lives; a dead worker's jobs are retaken after it. */
    jobLeaseMs: number;
    /** Upper bound on pages per website item (an item may ask for fewer). */
    crawlMaxPages: number;
  };
  webhooks: {
    /** One delivery attempt (connect, send, read the answer) ends after this long. */
    timeoutMs: number;
    /** Delays before the retries of a failed delivery (the first attempt is immediate). */
    retryScheduleMs: number[];
    /** An endpoint is disabled after this many deliveries in a row failed every attempt. */
    disableAfterFailures: number;
    /** How often the event log is read for events to deliver. */
    pollMs: number;
    /** Delivery attempts this process makes at once (their own queue: slow receivers never hold up other jobs). */
    concurrency: number;
    /** Deliveries (the delivery log) are kept this long. */
    logRetentionMs: number;
  };
  followThrough: {
    /** How often the sweep runs: snoozed chats that are due wake, inactive chats are resolved (auto-resolve). */
    sweepMs: number;
    /** How often new messages are looked at for chats due a rolling summary (chat memories). */
    memoriesScanMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw); // number of hops
  return raw.split(',').map((s) => s.trim()).filter(Boolean); // addresses / CIDR ranges
}

/** With a provider configured, assistants that name no model use it; otherwise the offline model. */
function defaultModelFor(e: z.infer<typeof EnvSchema>): string {
  if (e.OPENAI_API_KEY) return 'openai/gpt-4o-mini';
  if (e.ANTHROPIC_API_KEY) return 'anthropic/claude-3-5-haiku-latest';
  return 'builtin/extractive';
}

/** Parses the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (!!env.PARLEY_TLS_CERT !== !!env.PARLEY_TLS_KEY) {
    problems.push('PARLEY_TLS_CERT and PARLEY_TLS_KEY must be set together');
  }
  if (!!env.PARLEY_BOOTSTRAP_EMAIL !== !!env.PARLEY_BOOTSTRAP_PASSWORD) {
    problems.push('PARLEY_BOOTSTRAP_EMAIL and PARLEY_BOOTSTRAP_PASSWORD must be set together');
  }
  if (env.PARLEY_SMTP_URL && !env.PARLEY_PUBLIC_URL) {
    problems.push('PARLEY_SMTP_URL needs PARLEY_PUBLIC_URL: emailed invite links must be absolute');
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.PARLEY_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.PARLEY_LOG_LEVEL,
    // Readable lines on a terminal, JSON lines otherwise (a file, a pipe, a process manager).
    logPretty: e.PARLEY_LOG_PRETTY ?? process.stdout.isTTY === true,
    rateLimitPerMinute: e.PARLEY_RATE_LIMIT_PER_MINUTE,
    assistantCreateLimitPerHour: e.PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR,
    bodyLimitBytes: e.PARLEY_BODY_LIMIT_BYTES,
    tls: e.PARLEY_TLS_CERT && e.PARLEY_TLS_KEY ? { certFile: e.PARLEY_TLS_CERT, keyFile: e.PARLEY_TLS_KEY } : undefined,
    trustProxy: parseTrustProxy(e.PARLEY_TRUST_PROXY),
    allowHttp: e.PARLEY_ALLOW_HTTP,
    bootstrapKey: e.PARLEY_BOOTSTRAP_KEY,
    bootstrapUser:
      e.PARLEY_BOOTSTRAP_EMAIL && e.PARLEY_BOOTSTRAP_PASSWORD
        ? { email: e.PARLEY_BOOTSTRAP_EMAIL.toLowerCase(), password: e.PARLEY_BOOTSTRAP_PASSWORD }
        : undefined,
    members: {
      sessionTtlMs: e.PARLEY_SESSION_TTL_SECONDS * 1000,
      signInLimitPerEmail: e.PARLEY_SIGN_IN_LIMIT_PER_EMAIL,
      signInLimitPerIp: e.PARLEY_SIGN_IN_LIMIT_PER_IP,
      inviteTtlMs: e.PARLEY_INVITE_TTL_HOURS * 3600 * 1000,
    },
    smtp: e.PARLEY_SMTP_URL
      ? { url: e.PARLEY_SMTP_URL, from: e.PARLEY_SMTP_FROM ?? `Parley <no-reply@${new URL(e.PARLEY_PUBLIC_URL!).hostname}>` }
      : undefined,
    publicUrl: e.PARLEY_PUBLIC_URL,
    shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS,
    instanceHeartbeatMs: e.PARLEY_INSTANCE_HEARTBEAT_MS,
    cacheTtlMs: e.PARLEY_CACHE_TTL_MS,
    events: { pollMs: e.PARLEY_EVENTS_POLL_MS, retentionMs: e.PARLEY_EVENTS_RETENTION_DAYS * 86_400_000 },
    secret: e.PARLEY_SECRET,
    defaultModel: e.PARLEY_DEFAULT_MODEL ?? defaultModelFor(e),
    providers: {
      ...((e.OPENAI_API_KEY || e.OPENAI_BASE_URL) && { openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL } }),
      ...((e.ANTHROPIC_API_KEY || e.ANTHROPIC_BASE_URL) && {
        anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      }),
      ...(e.OPENAI_COMPATIBLE_BASE_URL && {
        openaiCompatible: { apiKey: e.OPENAI_COMPATIBLE_API_KEY, baseUrl: e.OPENAI_COMPATIBLE_BASE_URL },
      }),
    },
    llm: {
      timeoutMs: e.PARLEY_LLM_TIMEOUT_MS,
      maxRetries: e.PARLEY_LLM_MAX_RETRIES,
      retryBaseMs: e.PARLEY_LLM_RETRY_BASE_MS,
      maxOutputTokens: e.PARLEY_LLM_MAX_OUTPUT_TOKENS,
      defaultContextWindow: e.PARLEY_DEFAULT_CONTEXT_WINDOW,
    },
    knowledge: {
      embeddingModel: e.PARLEY_EMBEDDING_MODEL,
      jobConcurrency: e.PARLEY_JOB_CONCURRENCY,
      jobLeaseMs: e.PARLEY_JOB_LEASE_MS,
      crawlMaxPages: e.PARLEY_CRAWL_MAX_PAGES,
    },
    webhooks: {
      timeoutMs: e.PARLEY_WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: parseDurations(e.PARLEY_WEBHOOK_RETRY_SCHEDULE),
      disableAfterFailures: e.PARLEY_WEBHOOK_DISABLE_AFTER_FAILURES,
      pollMs: e.PARLEY_WEBHOOK_POLL_MS,
      concurrency: e.PARLEY_WEBHOOK_CONCURRENCY,
      logRetentionMs: e.PARLEY_WEBHOOK_LOG_RETENTION_DAYS * 86_400_000,
    },
    followThrough: { sweepMs: e.PARLEY_AUTO_RESOLVE_SWEEP_MS, memoriesScanMs: e.PARLEY_MEMORIES_SCAN_MS },
    egressAllow: (e.PARLEY_EGRESS_ALLOW ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
}
