/** Log levels, most verbose first. */
export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LogLevel;

/** Structured logging used by the runtime. Plug in pino, winston or anything with these four methods. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
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
  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
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
