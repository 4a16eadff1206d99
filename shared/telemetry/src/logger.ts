import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths redacted in every log line: webhook URLs, routing keys, tokens, passwords, authorization headers. Redaction
 * lives here, in the logger config, never at call sites.
 */
export const redactPaths = [
  'token',
  'tokens',
  '*.token',
  '*.tokens',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'webhook_url',
  '*.webhook_url',
  '*.webhookUrl',
  'routing_key',
  '*.routing_key',
  '*.routingKey',
  'url',
  '*.url',
  'databaseUrl',
  'DATABASE_URL',
  'REDIS_URL',
  'COLLECTOR_TOKENS',
  'METRICS_TOKENS',
  '*.key',
  'privateKey',
];

export function createLogger(opts: { name: string; level?: string } & Pick<LoggerOptions, 'base'>): Logger {
  return pino({
    name: opts.name,
    level: opts.level ?? 'info',
    base: opts.base ?? { service: opts.name },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
