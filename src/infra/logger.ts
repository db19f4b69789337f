import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that may carry secrets anywhere in a log line; pino replaces them before writing. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'key',
  'secret',
  'secret_key',
  'password',
  '*.key',
  '*.secret',
  '*.secret_key',
  '*.password',
  '*.api_key',
];

export function createLogger(opts: { level: string; pretty?: boolean }): Logger {
  return pino({
    level: opts.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
    transport: opts.pretty ? { target: 'pino-pretty', options: { colorize: true } } : undefined,
  });
}
