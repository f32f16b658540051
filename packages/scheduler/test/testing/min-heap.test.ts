import { expect } from 'chai';
import fc from 'fast-check';
import { MinHeap } from '../../src/testing/min-heap.js';

describe('MinHeap', () => {
  it('pops in (key, insertion) order, whatever is pushed, popped and retained in between', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant('pop' as const), fc.constant('retain' as const)), { maxLength: 200 }), (ops) => {
        let seq = 0;
        const heap = new MinHeap<{ key: number; seq: number }>((a, b) => a.key < b.key || (a.key === b.key && a.seq < b.seq));
        let model: Array<{ key: number; seq: number }> = [];
        const sorted = () => [...model].sort((a, b) => a.key - b.key || a.seq - b.seq);
        for (const op of ops) {
          if (op === 'pop') {
            const expected = sorted()[0];
            expect(heap.pop()).to.equal(expected);
            if (expected !== undefined) model = model.filter((x) => x !== expected);
          } else if (op === 'retain') {
            expect(heap.retain((x) => x.key % 2 === 0)).to.equal(model.filter((x) => x.key % 2 !== 0).length);
            model = model.filter((x) => x.key % 2 === 0);
          } else {
            const item = { key: op, seq: seq++ };
            heap.push(item);
            model.push(item);
          }
          expect(heap.size).to.equal(model.length);
          expect(heap.peek()).to.equal(sorted()[0]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
