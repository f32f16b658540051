import { InvalidArgumentError } from '@armada/actors';
import { expect } from 'chai';
import fc from 'fast-check';
import { BY_MEMORY_DEFAULTS, ByMemoryPlacement, HealthRound, type Candidate } from '../../src/placement/index.js';
import { candidate, candidatesArb, stats } from './candidates.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function onMachine(machine: string, freeMemory: number, agents: number, outstanding = 0): Candidate[] {
  return Array.from({ length: agents }, (_, i) => candidate(`${machine}/agent-${i}`, machine, { stats: stats(freeMemory), outstanding }));
}

describe('ByMemoryPlacement', () => {
  it('is named by-memory and asks for an all-answers health round', () => {
    const strategy = new ByMemoryPlacement();
    expect(strategy.name).to.equal('by-memory');
    expect(strategy.healthRound).to.equal(HealthRound.AllAnswers);
  });

  it('treats 64 MiB as the default tolerance', () => {
    expect(BY_MEMORY_DEFAULTS.toleranceBytes).to.equal(64 * MiB);
  });

  it('chooses the machine with the most free memory, even when it is busier', () => {
    const candidates = [...onMachine('small', 2 * GiB, 2), ...onMachine('big', 12 * GiB, 2, 4), ...onMachine('mid', 6 * GiB, 2)];
    expect(new ByMemoryPlacement().choose(candidates).machine).to.equal('big');
  });

  it('spreads work over the agents of machines that report the same free memory', () => {
    // Two machine processes on one host, two agents each; the master counts what it placed.
    const strategy = new ByMemoryPlacement();
    const outstanding = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const candidates = [...onMachine('host-a', 8 * GiB, 2), ...onMachine('host-b', 8 * GiB, 2), ...onMachine('poor', 1 * GiB, 2)].map((c) => ({
        ...c,
        outstanding: outstanding.get(c.agent) ?? 0,
      }));
      const chosen = strategy.choose(candidates);
      outstanding.set(chosen.agent, (outstanding.get(chosen.agent) ?? 0) + 1);
    }
    expect(Object.fromEntries(outstanding)).to.deep.equal({ 'host-a/agent-0': 3, 'host-a/agent-1': 3, 'host-b/agent-0': 3, 'host-b/agent-1': 3 });
  });

  it('counts machines within the tolerance of the most free memory as tied', () => {
    const candidates = [
      ...onMachine('most', 8 * GiB, 1, 2),
      ...onMachine('near', 8 * GiB - 64 * MiB, 1, 1),
      ...onMachine('beyond', 8 * GiB - 65 * MiB, 1, 0),
    ];
    expect(new ByMemoryPlacement().choose(candidates).machine).to.equal('near');
  });

  it('respects a tolerance given in the options', () => {
    const candidates = [...onMachine('most', 8 * GiB, 1, 2), ...onMachine('near', 8 * GiB - 1, 1, 0), ...onMachine('far', 7 * GiB, 1, 0)];
    expect(new ByMemoryPlacement({ toleranceBytes: 0 }).choose(candidates).machine).to.equal('most');
    expect(new ByMemoryPlacement({ toleranceBytes: 2 * GiB }).choose(candidates).machine).to.equal('near');
    expect(new ByMemoryPlacement({ toleranceBytes: undefined }).choose(candidates).machine).to.equal('near');
  });

  it('rejects a negative or non-finite tolerance', () => {
    for (const toleranceBytes of [-1, Number.NaN, Infinity]) {
      expect(() => new ByMemoryPlacement({ toleranceBytes }), String(toleranceBytes)).to.throw(InvalidArgumentError, /toleranceBytes/);
    }
  });

  it('always chooses the least loaded candidate among those within the tolerance of the most free memory', () => {
    fc.assert(
      fc.property(candidatesArb, fc.integer({ min: 0, max: 256 * MiB }), (candidates, toleranceBytes) => {
        const chosen = new ByMemoryPlacement({ toleranceBytes }).choose(candidates);
        const most = Math.max(...candidates.map((c) => c.stats.freeMemory));
        const tied = candidates.filter((c) => c.stats.freeMemory >= most - toleranceBytes);
        expect(tied).to.include(chosen);
        expect(chosen.outstanding).to.equal(Math.min(...tied.map((c) => c.outstanding)));
        expect(chosen).to.equal(tied.find((c) => c.outstanding === chosen.outstanding));
      }),
      { numRuns: 300 },
    );
  });
});
