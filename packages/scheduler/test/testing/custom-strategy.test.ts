import { expect } from 'chai';
import fc from 'fast-check';
import { RecordingLogger } from '@armada/actors/testkit';
import type { Candidate, PlacementStrategy } from '../../src/placement/placement-strategy.js';
import { PlacementRegistry } from '../../src/placement/registry.js';
import { Simulation } from '../../src/testing/index.js';
import { FAST, progressLog, range } from './scenarios.js';

/** One call of the strategy, as it saw it. */
interface Call {
  readonly at: number;
  readonly agents: readonly string[];
  readonly machines: readonly string[];
  readonly chosen: string;
}

/** A user strategy: the least loaded agent of the machine with the lowest id. Records every call. */
class LowestMachine implements PlacementStrategy {
  readonly name = 'lowest-machine';

  constructor(
    private readonly timeline: Array<Call | { readonly dead: string }>,
    private readonly now: () => number,
  ) {}

  choose(candidates: readonly Candidate[]): Candidate {
    const chosen = candidates.reduce((best, c) => (c.machine < best.machine || (c.machine === best.machine && c.outstanding < best.outstanding) ? c : best));
    this.timeline.push({ at: this.now(), agents: candidates.map((c) => c.agent), machines: [...new Set(candidates.map((c) => c.machine))], chosen: chosen.machine });
    return chosen;
  }
}

/** Records, in order with the strategy's calls, when the master declared a machine dead. */
class DeathLog extends RecordingLogger {
  constructor(private readonly timeline: Array<Call | { readonly dead: string }>) {
    super();
  }

  override warn(message: string, fields?: Record<string, unknown>): void {
    if (message === 'machine declared dead') this.timeline.push({ dead: String(fields?.id) });
    super.warn(message, fields);
  }
}

const scenarioArb = fc.record({
  seed: fc.integer(),
  machines: fc.integer({ min: 2, max: 4 }),
  agentsPerMachine: fc.integer({ min: 1, max: 3 }),
  maxDelayMs: fc.integer({ min: 0, max: 8 }),
  n: fc.integer({ min: 1, max: 40 }),
  cost: fc.integer({ min: 1, max: 4 }),
  crashes: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }),
});

describe('a user placement strategy under simulation', function () {
  this.timeout(60_000);

  it('only ever gets live candidates, and every packet runs where it chose', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const timeline: Array<Call | { readonly dead: string }> = [];
        const clock = { now: () => 0 };
        const placements = new PlacementRegistry().register('lowest-machine', () => new LowestMachine(timeline, () => clock.now()));
        const ranOn = new Set<string>();
        const sim = await Simulation.start({
          ...FAST,
          seed: s.seed,
          machines: s.machines,
          agentsPerMachine: s.agentsPerMachine,
          maxDelayMs: s.maxDelayMs,
          cost: () => s.cost,
          placements,
          logger: new DeathLog(timeline),
          onBatch: ({ executor }) => ranOn.add(executor.slice(0, executor.indexOf('/'))),
        });
        clock.now = () => sim.now;
        const crashedAt = new Map<string, number>();
        try {
          // The lowest machines die first, so the strategy's favourite is the one that goes.
          s.crashes.slice(0, s.machines - 1).forEach((afterMs, i) => {
            crashedAt.set(sim.machines[i]!, sim.now + afterMs);
            sim.crash(i, afterMs);
          });
          const log = progressLog(s.n);
          // Not stealable: every packet must run on the agent the strategy chose (or, after a death, chose again).
          const out = await sim.run(sim.cluster.dmap((x: number) => x * 3, range(s.n), { mode: 'lowest-machine', stealing: false, progress: log.progress }));
          expect(out).to.deep.equal(range(s.n).map((x) => x * 3));
          log.check();

          const dead = new Set<string>();
          const calls: Call[] = [];
          for (const event of timeline) {
            if ('dead' in event) {
              dead.add(event.dead);
              continue;
            }
            calls.push(event);
            expect(event.agents).to.have.length(event.machines.length * s.agentsPerMachine);
            expect(new Set(event.agents).size, 'each agent once').to.equal(event.agents.length);
            for (const machine of event.machines) {
              expect(sim.machines).to.include(machine);
              expect(dead.has(machine), `${machine} was offered after it was declared dead`).to.equal(false);
              const crashed = crashedAt.get(machine);
              const detectBy = crashed === undefined ? Infinity : crashed + FAST.master.deadAfterMs + 2 * FAST.master.tickMs;
              expect(event.at, `${machine} crashed at ${crashed} and was still offered`).to.be.at.most(detectBy);
            }
            expect(event.chosen).to.equal([...event.machines].sort()[0]);
          }
          expect(calls).to.not.be.empty;
          const chosen = new Set(calls.map((c) => c.chosen));
          for (const machine of ranOn) expect(chosen, `packets ran on ${machine}, which was never chosen`).to.include(machine);
          if (crashedAt.size === 0) expect([...ranOn]).to.deep.equal([sim.machines[0]]);
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
