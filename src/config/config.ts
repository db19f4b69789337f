import { z } from 'zod';

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
  PARLEY_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
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
  publicUrl?: string;
  shutdownTimeoutMs: number;
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
    logPretty: e.PARLEY_LOG_PRETTY ?? false,
    rateLimitPerMinute: e.PARLEY_RATE_LIMIT_PER_MINUTE,
    assistantCreateLimitPerHour: e.PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR,
    bodyLimitBytes: e.PARLEY_BODY_LIMIT_BYTES,
    tls: e.PARLEY_TLS_CERT && e.PARLEY_TLS_KEY ? { certFile: e.PARLEY_TLS_CERT, keyFile: e.PARLEY_TLS_KEY } : undefined,
    trustProxy: parseTrustProxy(e.PARLEY_TRUST_PROXY),
    allowHttp: e.PARLEY_ALLOW_HTTP,
    bootstrapKey: e.PARLEY_BOOTSTRAP_KEY,
    publicUrl: e.PARLEY_PUBLIC_URL,
    shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS,
  };
}
