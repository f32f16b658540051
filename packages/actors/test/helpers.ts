import { ActorSystem, InMemoryNetwork, type ActorSystemOptions, type Logger } from '../src/index.js';

/** A logger that keeps records for assertions and prints nothing. */
export class MemoryLogger implements Logger {
  readonly records: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
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
  count(level: string, fragment: string): number {
    return this.records.filter((r) => r.level === level && r.message.includes(fragment)).length;
  }
}

/** Creates systems for one test and terminates them all in `close`. */
export class Systems {
  readonly network = new InMemoryNetwork();
  private readonly all: ActorSystem[] = [];

  async create(options: ActorSystemOptions = {}): Promise<ActorSystem> {
    const system = await ActorSystem.create({ network: this.network, logger: new MemoryLogger(), ...options });
    this.all.push(system);
    return system;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.splice(0).map((s) => s.terminate()));
  }
}

/** Resolves when `predicate` holds; rejects after `timeoutMs`. Polls on macrotask turns. */
export async function eventually(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}
