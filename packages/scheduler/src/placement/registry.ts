import { InvalidStrategyError, UnknownStrategyError } from '../errors.js';
import { ByMemoryPlacement } from './by-memory.js';
import { LowLatencyPlacement } from './low-latency.js';
import type { PlacementStrategy, PlacementStrategyFactory } from './placement-strategy.js';
import { RoundRobinPlacement } from './round-robin.js';

/** Names of the built-in placement strategies, DLisp's three distribution modes. */
export const Mode = {
  /** {@link RoundRobinPlacement}: a randomised circular queue of agents. */
  RoundRobin: 'round-robin',
  /** {@link LowLatencyPlacement}: the least loaded agent, the nearest (measured by health checks) among equals. */
  LowLatency: 'low-latency',
  /** {@link ByMemoryPlacement}: the machine with the most free memory. */
  ByMemory: 'by-memory',
} as const;
/** The name of a built-in placement strategy. */
export type ModeName = (typeof Mode)[keyof typeof Mode];

/** A user strategy class the registry builds with `new` and no arguments. */
export type PlacementStrategyClass = new () => PlacementStrategy;

/**
 * Placement strategies by name. A new registry holds the three built-ins ({@link Mode}); users add
 * theirs with `register`. `create` makes a fresh instance on every call, so masters never share
 * a strategy's state (a round-robin cursor).
 *
 * A plain class with no global instance: a system that wants its own registry provides one in its
 * container under `PlacementTokens.Registry`.
 */
export class PlacementRegistry {
  private readonly factories = new Map<string, PlacementStrategyFactory>([
    [Mode.RoundRobin, (random) => new RoundRobinPlacement(random)],
    [Mode.LowLatency, () => new LowLatencyPlacement()],
    [Mode.ByMemory, () => new ByMemoryPlacement()],
  ]);

  /**
   * Registers a strategy under `name`, replacing any earlier one (a built-in included). Takes a
   * factory, or a class with a no-argument constructor. Anything with a `prototype` (a class, a
   * `function` constructor) is built with `new`; arrow functions and methods are called. Returns
   * the registry, for chaining.
   */
  register(name: string, factory: PlacementStrategyFactory): this;
  register(name: string, strategyClass: PlacementStrategyClass): this;
  register(name: string, source: PlacementStrategyFactory | PlacementStrategyClass): this {
    if (typeof name !== 'string' || name === '') throw new InvalidStrategyError('a placement strategy needs a non-empty name');
    if (typeof source !== 'function') throw new InvalidStrategyError(`placement strategy "${name}" must be a factory or a class`);
    this.factories.set(name, isConstructor(source) ? () => new source() : source);
    return this;
  }

  /**
   * A fresh instance of the strategy registered under `name`. Throws `UnknownStrategyError`, which
   * lists the registered names, when there is none, and `InvalidStrategyError` when the factory returns
   * something without a `choose` method. `random` goes to the factory (the built-in round-robin
   * shuffles with it); default `Math.random`.
   */
  create(name: ModeName | (string & {}), random: () => number = Math.random): PlacementStrategy {
    const factory = this.factories.get(name);
    if (factory === undefined) throw new UnknownStrategyError(name, this.names());
    const strategy = factory(random);
    if (typeof strategy?.choose !== 'function') throw new InvalidStrategyError(`placement strategy "${name}" has no choose method`);
    return strategy;
  }

  /** Whether a strategy is registered under `name`. */
  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** The registered names: the built-ins first, then the others in registration order. */
  names(): string[] {
    return [...this.factories.keys()];
  }
}

function isConstructor(source: PlacementStrategyFactory | PlacementStrategyClass): source is PlacementStrategyClass {
  return (source as { prototype?: unknown }).prototype !== undefined;
}
