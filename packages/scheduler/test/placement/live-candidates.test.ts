import { expect } from 'chai';
import fc from 'fast-check';
import { ByMemoryPlacement, LowLatencyPlacement, RoundRobinPlacement, type PlacementStrategy } from '../../src/placement/index.js';
import { candidatesArb, seededRandom } from './candidates.js';

const builtIns: Array<[string, (seed: number) => PlacementStrategy]> = [
  ['RoundRobinPlacement', (seed) => new RoundRobinPlacement(seededRandom(seed))],
  ['LowLatencyPlacement', () => new LowLatencyPlacement()],
  ['ByMemoryPlacement', () => new ByMemoryPlacement()],
  ['ByMemoryPlacement with no tolerance', () => new ByMemoryPlacement({ toleranceBytes: 0 })],
];

describe('built-in placement strategies', () => {
  for (const [label, make] of builtIns) {
    it(`${label} only picks live candidates while candidates come and go`, () => {
      fc.assert(
        fc.property(fc.array(candidatesArb, { minLength: 1, maxLength: 40 }), fc.integer(), (calls, seed) => {
          const strategy = make(seed);
          for (const candidates of calls) {
            const chosen = strategy.choose(candidates);
            // Identity, not equality: the contract is to return one of the given objects.
            expect(candidates.indexOf(chosen), 'chosen is one of the given objects').to.be.at.least(0);
          }
        }),
        { numRuns: 300 },
      );
    });

    it(`${label} leaves the list it is given as it was`, () => {
      fc.assert(
        fc.property(fc.array(candidatesArb, { minLength: 1, maxLength: 10 }), fc.integer(), (calls, seed) => {
          const strategy = make(seed);
          for (const candidates of calls) {
            const before = [...candidates];
            strategy.choose(candidates);
            expect(candidates).to.have.ordered.members(before);
          }
        }),
        { numRuns: 200 },
      );
    });
  }
});
