import type { Logger } from '../logger.js';

/** One record kept by {@link RecordingLogger}. */
export interface LogRecord {
  /** The level it was logged at. */
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** The message. */
  readonly message: string;
  /** The structured fields, as passed. */
  readonly fields?: Record<string, unknown>;
}

/** A logger for tests: prints nothing and keeps every record for assertions. */
export class RecordingLogger implements Logger {
  /** Every record logged, in order. */
  readonly records: LogRecord[] = [];
  debug(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'error', message, fields });
  }
  /** The messages logged at `level`, in order. */
  at(level: LogRecord['level']): string[] {
    return this.records.filter((r) => r.level === level).map((r) => r.message);
  }
  /** How many records at `level` contain `fragment`. */
  count(level: LogRecord['level'], fragment: string): number {
    return this.at(level).filter((m) => m.includes(fragment)).length;
  }
}
