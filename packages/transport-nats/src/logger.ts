/**
 * The logging the transport needs: the same four methods as the runtime's `Logger`, so any
 * runtime logger (or pino, winston, ...) can be passed as is.
 */
export interface TransportLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Writes warnings and errors to stderr, one line each; drops debug and info. */
export const stderrLogger: TransportLogger = {
  debug() {},
  info() {},
  warn: (message, fields) => write('WARN', message, fields),
  error: (message, fields) => write('ERROR', message, fields),
};

/** Drops everything. */
export const silentLogger: TransportLogger = { debug() {}, info() {}, warn() {}, error() {} };

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  let extra = '';
  if (fields !== undefined) {
    try {
      extra = ' ' + JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
    } catch {
      extra = ' [unserialisable fields]';
    }
  }
  process.stderr.write(`${new Date().toISOString()} ${level} [armada:nats] ${message}${extra}\n`);
}
