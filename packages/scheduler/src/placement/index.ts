export { HealthRound, type Candidate, type MachineStats, type PlacementStrategy, type PlacementStrategyFactory } from './placement-strategy.js';
export { RoundRobinPlacement } from './round-robin.js';
export { LowLatencyPlacement } from './low-latency.js';
export { ByMemoryPlacement, BY_MEMORY_DEFAULTS, type ByMemoryOptions } from './by-memory.js';
export { PlacementRegistry, Mode, type ModeName, type PlacementStrategyClass } from './registry.js';
export { PlacementTokens } from './placement-tokens.js';
