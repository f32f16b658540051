/** Helpers shared by the benchmark suites. */
export * from './stats.js';
export * from './table.js';
export * from './results.js';
export * from './child.js';
export * from './timeout.js';
export * from './suite.js';
export * from './load.js';
export * from './raw-nats.js';
export * from './machine-processes.js';
export * from './machine-cluster.js';
export * from './profile.js';
export * from './local-thread.js';
export * from './timer-probe.js';
