/** Helpers shared by the benchmark suites. */
export * from './stats.js';
export * from './table.js';
export * from './results.js';
export * from './child.js';
export * from './timeout.js';
export * from './suite.js';
export * from './load.js';
