import { LogLevel, type Logger } from '@armada/actors';

/** How log lines look: `text` for people, `json` (one object per line) for log collectors. */
export const LogFormat = { text: 'text', json: 'json' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/** Options of {@link CliLogger}, merged over {@link CLI_LOGGER_DEFAULTS}. */
export interface CliLoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** Where lines go; default stderr, so a command's own output on stdout stays clean. */
  readonly write: (line: string) => void;
  readonly now: () => Date;
}

export const CLI_LOGGER_DEFAULTS: CliLoggerOptions = {
  format: LogFormat.text,
  level: 'info',
  write: (line) => process.stderr.write(line),
  now: () => new Date(),
};

/**
 * The command's logger: exactly one line per event, written synchronously in call order. In
 * `json` format each line is an object with `time`, `level`, `msg` and the event's fields;
 * bigints become strings and errors `{ name, message, code }`.
 */
export class CliLogger implements Logger {
  private readonly o: CliLoggerOptions;

  constructor(options: Partial<CliLoggerOptions> = {}) {
    this.o = { ...CLI_LOGGER_DEFAULTS, ...options };
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }

  private log(level: Exclude<LogLevel, 'silent'>, message: string, fields: Record<string, unknown> = {}): void {
    if (LogLevel[level] < LogLevel[this.o.level]) return;
    const time = this.o.now().toISOString();
    if (this.o.format === LogFormat.json) {
      this.o.write(json({ time, level, msg: message, ...fields }) + '\n');
      return;
    }
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${text(v)}`)
      .join(' ');
    this.o.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${extra === '' ? '' : ' ' + extra}\n`);
  }
}

function plain(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return { name: v.name, message: v.message, ...('code' in v ? { code: (v as { code: unknown }).code } : {}) };
  return v;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, plain);
  } catch {
    return JSON.stringify({ msg: '[unserialisable log record]' });
  }
}

function text(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return json(v);
}
