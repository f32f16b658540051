import { expect } from 'chai';
import fc from 'fast-check';
import type { Outcome } from '../../src/worker/executor.js';
import { packOutcomes, unpackOutcomes } from '../../src/worker/thread-protocol.cjs';

const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({ ok: fc.constant(true as const), value: fc.oneof(fc.integer(), fc.string(), fc.constant(undefined), fc.constant(null), fc.bigInt()) }),
  fc.record({ ok: fc.constant(false as const), error: fc.record({ name: fc.string(), message: fc.string() }) }),
);

describe('worker thread protocol', () => {
  it('unpacks exactly the outcomes it packed, through a structured clone', () => {
    fc.assert(
      fc.property(fc.array(outcomeArb, { maxLength: 50 }), (outcomes) => {
        const { values, failures } = structuredClone(packOutcomes(outcomes));
        expect(unpackOutcomes(values, failures)).to.deep.equal(outcomes);
      }),
    );
  });

  it('packs values flat, with one entry per failure', () => {
    const packed = packOutcomes([
      { ok: true, value: 1 },
      { ok: false, error: { name: 'Error', message: 'x' } },
    ]);
    expect(packed).to.deep.equal({ values: [1, undefined], failures: [[1, { name: 'Error', message: 'x' }]] });
  });
});
