/** Log levels, most verbose first. */
export const LogLevel = {
  /** Everything, including per-message detail. */
  debug: 10,
  /** Lifecycle events. */
  info: 20,
  /** Something was dropped or retried; the system keeps going (the default threshold). */
  warn: 30,
  /** Something failed that a user should look at. */
  error: 40,
  /** Nothing. */
  silent: 100,
} as const;
export type LogLevel = keyof typeof LogLevel;

/** Structured logging used by the runtime. Plug in pino, winston or anything with these four methods. */
export interface Logger {
  /** Per-message detail. Must not throw. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Lifecycle events. Must not throw. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Dropped or retried work. Must not throw. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Failures. Must not throw. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Writes one line per record to stderr. The level comes from the constructor or from the
 * `ARMADA_LOG_LEVEL` environment variable (default `warn`).
 */
export class ConsoleLogger implements Logger {
  private readonly threshold: number;

  constructor(level: LogLevel = (process.env.ARMADA_LOG_LEVEL as LogLevel | undefined) ?? 'warn', private readonly name = 'armada') {
    this.threshold = LogLevel[level] ?? LogLevel.warn;
  }
  /** Writes at `debug` if the threshold allows; never throws. */
  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  /** Writes at `info` if the threshold allows; never throws. */
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  /** Writes at `warn` if the threshold allows; never throws. */
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  /** Writes at `error` if the threshold allows; never throws. */
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }
  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void {
    if (LogLevel[level] < this.threshold) return;
    const extra = fields === undefined ? '' : ' ' + safeJson(fields);
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} [${this.name}] ${message}${extra}\n`);
  }
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v,
    );
  } catch {
    return '[unserialisable fields]';
  }
}
