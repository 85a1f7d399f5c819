import { pino, type Logger } from 'pino';

export type { Logger };

/** Header and field names whose values must never reach a log line. */
export const REDACT_PATHS = [
  'apiKey',
  'token',
  'password',
  '*.apiKey',
  '*.token',
  '*.password',
  'headers["x-thruk-auth-key"]',
  'headers.authorization',
  'args.api_key',
  'args.password',
  'args.token',
];

/**
 * JSON logs to stderr only: in stdio mode stdout carries the protocol and nothing else may touch it.
 * `destination` is injectable so tests can capture lines.
 */
export function createLogger(level: string, destination?: { write(s: string): unknown }): Logger {
  return pino(
    {
      level,
      base: { name: 'thruk-mcp' },
      redact: { paths: REDACT_PATHS, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Asynchronous: in HTTP mode every served call writes its line, and one write(2) per line cost
    // about a tenth of the throughput; lines written while one write is under way go out together.
    // pino flushes what is left synchronously on exit (normal, process.exit, fatal error).
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
