/**
 * `@armada/scheduler`: run plain functions across a fleet of machines. `map` runs in this thread,
 * `pmap` on local worker threads, `Cluster.dmap` on the cluster: Master, Machine, Agent and Worker
 * actors with work stealing, pluggable placement and recovery from dead machines.
 */

export { Cluster, type ClusterOptions } from './cluster.js';
export { DMAP_DEFAULTS, type DmapOptions } from './dmap-options.js';
export { map } from './map.js';
export { closePmapPool, pmap, startPmapPool, type PmapOptions } from './pmap.js';
export { startMachine, DRAIN_TIMEOUT_MS, type MachineOptions, type MachineHandle } from './machine/start-machine.js';
export type { DrainReport } from './machine/protocol.js';
export { MACHINE_DEFAULTS, type MachineSettings, type SlowWorkers } from './machine/machine-settings.js';
export { osStats, type StatsSource } from './machine/machine-stats.js';
export { MASTER_DEFAULTS, type MasterSettings } from './master/master-settings.js';
export type { AgentView, ClusterView } from './master/protocol.js';
export type { ActivityView, AgentActivity, StealActivity, DepartedMachine } from './master/activity.js';
export { AGENT_DEFAULTS, type AgentSettings } from './agent/agent-settings.js';
export type { NodeOptions } from './node-options.js';
export * from './placement/index.js';
export * from './stealing/index.js';
export { describeFunction, type FunctionDef, type SourceFunction, type ModuleFunction } from './functions/index.js';
export type { TaskExecutor, ExecutorFactory, ExecutorOptions, BatchOutcome, Outcome, TaskErrorData } from './worker/executor.js';
export { ThreadExecutor } from './worker/thread-executor.js';
export { InlineExecutor } from './worker/inline-executor.js';
export { SchedulerTokens } from './tokens.js';
export { machineId, jobId, type MachineId, type JobId } from './ids.js';
export { Gluster, GLUSTER_DEFAULTS, type GlusterOptions } from './gluster/gluster.js';
export { FunctionModule } from './gluster/function-module.js';
export type { RemoteFunctions, Shareable } from './gluster/remote-functions.js';
export type { SharedHandle } from './functions/shared-handle.js';
export type { EgressStats } from './functions/definition-registry.js';
export type { IngressStats, DefinitionClientOptions } from './functions/definition-client.js';
export type { ModuleCacheOptions } from './functions/module-cache.js';
export type { KeyInput } from './functions/module-signing.js';
export * from './errors.js';
