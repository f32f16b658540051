import { expect } from 'chai';
import fc from 'fast-check';
import { Deadlines } from '../src/deadlines.js';
import { SimulatedClock } from '../src/testkit/index.js';

describe('Deadlines', () => {
  it('expires each request exactly at its deadline, whatever the mix of timeouts and removals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 50 }), timeout: fc.constantFrom(5, 10, 30), removeAfter: fc.option(fc.integer({ min: 0, max: 40 })) }), {
          maxLength: 30,
        }),
        async (requests) => {
          const clock = new SimulatedClock();
          const expired: Array<{ id: string; at: number }> = [];
          const deadlines = new Deadlines(clock, (id) => expired.push({ id, at: clock.now() }));
          const events = requests.flatMap((r, i) => [
            { t: r.at, run: () => deadlines.add(`r${i}`, r.timeout) },
            ...(r.removeAfter === null ? [] : [{ t: r.at + r.removeAfter, run: () => deadlines.remove(`r${i}`, r.timeout) }]),
          ]);
          events.sort((a, b) => a.t - b.t);
          for (const e of events) {
            await clock.advance(e.t - clock.now());
            e.run();
          }
          await clock.advance(200);
          const expected = requests
            .map((r, i) => ({ id: `r${i}`, at: r.at + r.timeout, removed: r.removeAfter !== null && r.removeAfter < r.timeout }))
            .filter((r) => !r.removed);
          expect(expired.map((e) => e.id).sort()).to.deep.equal(expected.map((e) => e.id).sort());
          for (const e of expired) expect(e.at).to.equal(expected.find((x) => x.id === e.id)!.at);
          expect(clock.pending).to.equal(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
