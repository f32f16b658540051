import { expect } from 'chai';
import fc from 'fast-check';
import { machineId, type MachineId } from '../../src/ids.js';
import { PeerSamples } from '../../src/master/peer-samples.js';
import { seededRandom } from '../placement/candidates.js';

const id = (i: number): MachineId => machineId(`m${i}`);

/** A run of joins (true) and leaves (false, of the live machine the number points at). */
const opsArb = fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 1, maxLength: 120 });

describe('PeerSamples', () => {
  it('makes a complete graph of a fleet of at most size + 1 machines', () => {
    const samples = new PeerSamples(3, seededRandom(1));
    for (let i = 0; i < 4; i++) samples.join(id(i));
    for (let i = 0; i < 4; i++) expect([...samples.sampleOf(id(i))].sort()).to.deep.equal([0, 1, 2, 3].filter((j) => j !== i).map(id));
    samples.leave(id(2));
    expect([...samples.sampleOf(id(0))].sort()).to.deep.equal([id(1), id(3)]);
  });

  it('reports the newcomer and the machines that sampled it as changed, and the holders on a leave', () => {
    const samples = new PeerSamples(2, seededRandom(5));
    for (let i = 0; i < 10; i++) samples.join(id(i));
    const changed = samples.join(id(10));
    expect(changed[0]).to.equal(id(10));
    expect(changed).to.have.length(3);
    for (const other of changed.slice(1)) expect(samples.sampleOf(other).has(id(10))).to.equal(true);
    const holders = [...samples.holdersOf(id(10))];
    expect(samples.leave(id(10)).sort()).to.deep.equal(holders.sort());
    for (const h of holders) expect(samples.sampleOf(h).has(id(10))).to.equal(false);
    expect(samples.leave(id(10))).to.deep.equal([]);
  });

  it('keeps every sample within [min(size, n - 1), 2 size] live machines, never itself, across joins and leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer(), opsArb, (size, seed, ops) => {
        const samples = new PeerSamples(size, seededRandom(seed));
        const live: MachineId[] = [];
        let next = 0;
        for (const [join, pick] of ops) {
          if (join || live.length === 0) {
            const m = id(next++);
            samples.join(m);
            live.push(m);
          } else {
            const [m] = live.splice(pick % live.length, 1);
            samples.leave(m!);
          }
          const alive = new Set(live);
          for (const m of live) {
            const sample = samples.sampleOf(m);
            expect(sample.has(m), 'a machine in its own sample').to.equal(false);
            for (const other of sample) {
              expect(alive.has(other), `${m} samples ${other}, which left`).to.equal(true);
              expect(samples.holdersOf(other).has(m), 'the reverse index agrees').to.equal(true);
            }
            expect(sample.size).to.be.at.least(Math.min(size, live.length - 1));
            expect(sample.size).to.be.at.most(2 * size);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives a large fleet samples bounded by the size, and gets everyone sampled by someone', () => {
    const samples = new PeerSamples(8, seededRandom(9));
    for (let i = 0; i < 1000; i++) samples.join(id(i));
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      most = Math.max(most, samples.sampleOf(id(i)).size);
      expect(samples.holdersOf(id(i)).size, `m${i} is in nobody's sample`).to.be.greaterThan(0);
    }
    expect(most).to.be.at.most(16);
  });
});
