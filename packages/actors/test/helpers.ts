import { ActorSystem, InMemoryNetwork, type ActorSystemOptions } from '../src/index.js';
import { RecordingLogger } from '../src/testkit/index.js';

export { RecordingLogger as MemoryLogger } from '../src/testkit/index.js';

/** Creates systems for one test and terminates them all in `close`. */
export class Systems {
  readonly network = new InMemoryNetwork();
  private readonly all: ActorSystem[] = [];

  async create(options: ActorSystemOptions = {}): Promise<ActorSystem> {
    const system = await ActorSystem.create({ network: this.network, logger: new RecordingLogger(), ...options });
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
