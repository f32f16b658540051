import { ActorSystem, InMemoryNetwork, type Clock, type Logger, type Transport } from '@armada/actors';
import type { DependencyContainer } from 'tsyringe';
import { NatsTransport, type NatsTransportOptions } from '@armada/transport-nats';
import { RandomHalfPolicy } from './stealing/random-half.js';
import type { StealPolicy } from './stealing/steal-policy.js';
import { SCHEDULER_ERRORS } from './errors.js';
import { SchedulerTokens } from './tokens.js';
import { ThreadExecutor } from './worker/thread-executor.js';
import type { ExecutorFactory } from './worker/executor.js';
import { osStats, type StatsSource } from './machine/machine-stats.js';
import { DefinitionClient, type DefinitionClientOptions } from './functions/definition-client.js';
import { trustedKeyFrom } from './functions/module-signing.js';

/** How a scheduler node (a machine or a cluster handle's master) reaches the others. */
export interface NodeOptions {
  /**
   * A NATS server URL (`nats://127.0.0.1:4222`) or full NATS transport options (servers, auth,
   * TLS, subject prefix and cluster name). Without it, the node joins `network` in memory.
   */
  nats?: string | NatsTransportOptions;
  /** Any transport (wins over `nats`). */
  transport?: Transport;
  /** The in-memory network to join when neither `nats` nor `transport` is given. */
  network?: InMemoryNetwork;
  /** The node id; default a generated one. */
  nodeId?: string;
  /** Time for heartbeats, timeouts and back-off; default the system clock. Inject a simulated one in tests. */
  clock?: Clock;
  /** Where the node logs; default a `ConsoleLogger` at `ARMADA_LOG_LEVEL`. */
  logger?: Logger;
  /** Randomness (`() => [0, 1)`) for victims, placement and ids (node, ask and job ids); seed it in simulation. */
  random?: () => number;
  /** Makes the executors Workers run packets on; default one `worker_thread` each. */
  executors?: ExecutorFactory;
  /**
   * Who idle agents steal from within each group of a round, and how much victims give; default
   * `RandomHalfPolicy` (a random peer; half of what the victim can spare). The order of the groups
   * (hinted victims, the last giver, the own machine's agents, then remote ones) is the agent's.
   */
  stealPolicy?: StealPolicy;
  /** Parent of the node's DI container, e.g. one with your own `PlacementTokens.Registry`. */
  container?: DependencyContainer;
  /** The machine's stats; default from `node:os`. */
  stats?: StatsSource;
  /** Caches of shipped code and shared values on a machine (disk folder, byte budgets, fetch retries). */
  definitions?: DefinitionClientOptions;
}

/** Starts the actor system of a scheduler node and registers the scheduler's services in it. */
export async function startNode(name: string, options: NodeOptions): Promise<ActorSystem> {
  // A bad trusted key fails here, before a system exists that would need closing.
  if (options.definitions?.trust !== undefined) trustedKeyFrom(options.definitions.trust);
  const transport = options.transport ?? (options.nats !== undefined ? natsTransport(options.nats, options.logger) : undefined);
  const random = options.random ?? Math.random;
  const system = await ActorSystem.create({
    name,
    errors: SCHEDULER_ERRORS,
    random,
    ...(transport !== undefined ? { transport } : { network: options.network ?? new InMemoryNetwork() }),
    ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.container !== undefined ? { container: options.container } : {}),
  });
  const executors: ExecutorFactory = options.executors ?? ((o) => new ThreadExecutor(o));
  system.container.register(SchedulerTokens.Random, { useValue: random });
  system.container.register(SchedulerTokens.ExecutorFactory, { useValue: executors });
  system.container.register(SchedulerTokens.StealPolicy, { useValue: options.stealPolicy ?? new RandomHalfPolicy(random) });
  system.container.register(SchedulerTokens.StatsSource, { useValue: options.stats ?? osStats });
  const nats = () => (transport instanceof NatsTransport ? transport.connection : undefined);
  system.container.register(SchedulerTokens.NatsConnection, { useValue: nats });
  system.container.register(SchedulerTokens.Definitions, { useValue: new DefinitionClient(system, options.definitions, nats) });
  return system;
}

/** Connection events (disconnects as warnings, reconnects at info) go to the node's own logger. */
function natsTransport(nats: string | NatsTransportOptions, logger: Logger | undefined): NatsTransport {
  const options = typeof nats === 'string' ? { servers: nats } : nats;
  return new NatsTransport(logger !== undefined && options.logger === undefined ? { ...options, logger } : options);
}
