/**
 * Injection tokens of the scheduler. A system's container provides them to Machine, Agent, Worker
 * and Master actors, so simulation and tests swap threads, randomness and policies without
 * touching the actors.
 */
export const SchedulerTokens = {
  /** The `ExecutorFactory` Workers get their `TaskExecutor` from. */
  ExecutorFactory: Symbol.for('armada.scheduler.ExecutorFactory'),
  /** The `TaskExecutor` of one Worker (provided per spawn by its Agent). */
  Executor: Symbol.for('armada.scheduler.Executor'),
  /** The node's randomness (`() => [0, 1)`), seeded in simulation; the master draws peer samples from it. */
  Random: Symbol.for('armada.scheduler.Random'),
  /** The `StealPolicy` agents use. */
  StealPolicy: Symbol.for('armada.scheduler.StealPolicy'),
  /** The settings of one Agent (provided per spawn by its Machine). */
  AgentSettings: Symbol.for('armada.scheduler.AgentSettings'),
  /** The settings of a Machine. */
  MachineSettings: Symbol.for('armada.scheduler.MachineSettings'),
  /** The settings of a Master. */
  MasterSettings: Symbol.for('armada.scheduler.MasterSettings'),
  /** A source of stats for the Machine (`() => MachineStats`), so simulations can fake memory. */
  StatsSource: Symbol.for('armada.scheduler.StatsSource'),
  /** The node's `DefinitionClient`: definitions, modules and shared values held, fetched by hash. */
  Definitions: Symbol.for('armada.scheduler.Definitions'),
  /** `() => NatsConnection | undefined`: the node's NATS connection, for the JetStream object store. */
  NatsConnection: Symbol.for('armada.scheduler.NatsConnection'),
} as const;
