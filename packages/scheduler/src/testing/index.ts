/**
 * `@armada/scheduler/testing`: run a whole cluster (the real Master, Machine, Agent and Worker
 * actors) in one process on simulated time, with seeded message delays and reorderings, message
 * loss and duplication (`lossRate`, `duplicateRate`, `sim.network.setFaults`), outages of every
 * node or of some (`sim.network.outage`), machine crashes, slow workers and dying worker threads,
 * so schedulers and strategies can be property-tested. A failing seed reproduces the same run.
 *
 * Testing your own placement strategy: register it in a `PlacementRegistry`, start a
 * {@link Simulation} with that registry, run `dmap` with your `mode` under `sim.run`, and let
 * fast-check vary the seed, the delays and the crashes.
 *
 * ```ts
 * import fc from 'fast-check';
 * import { expect } from 'chai';
 * import { PlacementRegistry, type Candidate, type PlacementStrategy } from '@armada/scheduler';
 * import { Simulation } from '@armada/scheduler/testing';
 *
 * // Always the agent with the fewest outstanding packets on the machine with the lowest id.
 * class LowestMachine implements PlacementStrategy {
 *   readonly name = 'lowest-machine';
 *   choose(candidates: readonly Candidate[]): Candidate {
 *     const lowest = [...candidates].sort((a, b) => a.machine.localeCompare(b.machine) || a.outstanding - b.outstanding);
 *     return lowest[0]!;
 *   }
 * }
 *
 * it('finishes every packet exactly once with my strategy, whatever the delays and crashes', async () => {
 *   await fc.assert(
 *     fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 40 }), fc.nat(200), async (seed, n, crashAt) => {
 *       const placements = new PlacementRegistry().register('lowest-machine', LowestMachine);
 *       const sim = await Simulation.start({
 *         seed,
 *         machines: 3,
 *         placements,
 *         master: { deadAfterMs: 100, tickMs: 10 },
 *         machine: { heartbeatMs: 20 },
 *       });
 *       try {
 *         sim.crash(0, crashAt); // the strategy's favourite dies mid-run
 *         const inputs = Array.from({ length: n }, (_, i) => i);
 *         const out = await sim.run(sim.cluster.dmap((x: number) => x * 2, inputs, { mode: 'lowest-machine' }));
 *         expect(out).to.deep.equal(inputs.map((x) => x * 2));
 *       } finally {
 *         await sim.close();
 *       }
 *     }),
 *     { numRuns: 25 },
 *   );
 * });
 * ```
 *
 * The parts work alone too: {@link SimulatedNetwork} and {@link SimulatedTransport} for any actor
 * system, {@link SimulatedExecutor} for workers, {@link mulberry32} for seeded randomness.
 */

export { Simulation, SIMULATION_DEFAULTS, type SimulationOptions, type RunOptions } from './simulation.js';
export { SimulatedNetwork, SIMULATED_NETWORK_DEFAULTS, type SimulatedNetworkOptions, type NetworkStats, type Outage, type Delivery, type SentMessage } from './simulated-network.js';
export { SimulatedTransport, type SimulatedTransportOptions } from './simulated-transport.js';
export { SimulatedExecutor, SIMULATED_EXECUTOR_DEFAULTS, type SimulatedExecutorOptions, type PacketCost, type BatchEvent } from './simulated-executor.js';
export { mulberry32 } from './mulberry32.js';
export { SimulationTimeoutError, SimulationStalledError, SIMULATION_ERRORS } from './errors.js';
