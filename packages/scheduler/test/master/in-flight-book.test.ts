import { expect } from 'chai';
import fc from 'fast-check';
import { machineId } from '../../src/ids.js';
import { InFlightBook } from '../../src/master/in-flight-book.js';
import type { InFlight } from '../../src/master/job.js';
import type { AgentSlot } from '../../src/master/membership.js';

const slot = { key: 'a', machine: machineId('m0'), outstanding: 0, queued: 0 } as unknown as AgentSlot;
const entry = (machine: string): InFlight => ({ arg: 0, attempts: 0, machine: machineId(machine), slot, misses: 0, seq: 1 });

const opArb = fc.oneof(
  fc.record({ type: fc.constant('set' as const), index: fc.nat({ max: 30 }), machine: fc.nat({ max: 4 }) }),
  fc.record({ type: fc.constant('delete' as const), index: fc.nat({ max: 30 }) }),
  fc.record({ type: fc.constant('move' as const), index: fc.nat({ max: 30 }), machine: fc.nat({ max: 4 }) }),
);

describe('InFlightBook', () => {
  it('lists on each machine exactly the packets booked there, whatever is set, deleted and moved', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const book = new InFlightBook();
        const model = new Map<number, string>();
        for (const op of ops) {
          if (op.type === 'set') {
            book.set(op.index, entry(`m${op.machine}`));
            model.set(op.index, `m${op.machine}`);
          } else if (op.type === 'delete') {
            expect(book.delete(op.index)).to.equal(model.delete(op.index));
          } else {
            book.move(op.index, machineId(`m${op.machine}`));
            if (model.has(op.index)) model.set(op.index, `m${op.machine}`);
          }
        }
        expect(book.size).to.equal(model.size);
        for (let m = 0; m <= 4; m++) {
          const expected = [...model].filter(([, machine]) => machine === `m${m}`).map(([i]) => i).sort((a, b) => a - b);
          expect(book.onMachine(machineId(`m${m}`)).sort((a, b) => a - b)).to.deep.equal(expected);
        }
        for (const [index, machine] of model) expect(book.get(index)?.machine).to.equal(machine);
      }),
      { numRuns: 300 },
    );
  });
});
