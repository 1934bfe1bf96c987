import { ConfigurationError } from '../errors';
import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields of a log line: caster, ClientToken, attempt, latencyMs, RequestId, error... */
export type LogFields = Record<string, unknown>;

/** A JSON-lines logger whose every line passes through redaction. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Receives each finished JSON line; stdout by default, which FC ships to Simple Log Service. */
  readonly write?: (line: string) => void;
  readonly fields?: LogFields;
  readonly now?: () => Date;
}

/** Reads a log level from a variable (LOG_LEVEL): unset or empty is info, anything but the four levels a ConfigurationError. */
export function parseLogLevel(text: string | undefined, variable = 'LOG_LEVEL'): LogLevel {
  const lower = text?.trim().toLowerCase();
  if (lower === undefined || lower === '') return 'info';
  if (lower === 'debug' || lower === 'info' || lower === 'warn' || lower === 'error') return lower;
  // A log level is no secret, and seeing the typo is what fixes it; it is cut short all the same.
  throw new ConfigurationError(`${variable} must be one of debug, info, warn, error; got ${JSON.stringify(text).slice(0, 40)}`);
}

/** Creates a logger writing one redacted JSON object per line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minimumRank = LEVEL_RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const baseFields = options.fields ?? {};

  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVEL_RANK[level] < minimumRank) return;
    const line = redact({ time: now().toISOString(), level, message, ...baseFields, ...fields });
    write(JSON.stringify(line));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...baseFields, ...fields } }),
  };
}

/** A logger that drops everything, for callers that did not ask for logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
