import { expect } from 'chai';
import fc from 'fast-check';
import { Deadlines, type Timed } from '../src/deadlines.js';
import { SimulatedClock } from '../src/testkit/index.js';

interface Item extends Timed {
  readonly id: string;
}

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
          const deadlines = new Deadlines<Item>(clock, (item) => expired.push({ id: item.id, at: clock.now() }));
          const items = requests.map((r, i): Item => ({ id: `r${i}`, timeoutMs: r.timeout, deadline: 0, done: false }));
          const events = requests.flatMap((r, i) => [
            { t: r.at, run: () => deadlines.add(items[i]!) },
            ...(r.removeAfter === null ? [] : [{ t: r.at + r.removeAfter, run: () => deadlines.remove(items[i]!) }]),
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

  it('expires exactly the items left when thousands were removed behind a waiting head', async () => {
    const clock = new SimulatedClock();
    const expired: string[] = [];
    const deadlines = new Deadlines<Item>(clock, (item) => expired.push(item.id));
    const items = Array.from({ length: 5000 }, (_, i): Item => ({ id: `r${i}`, timeoutMs: 100, deadline: 0, done: false }));
    for (const item of items) deadlines.add(item);
    // Every item but each 1000th settles; the first one stays, so nothing can be dropped from the head.
    for (const [i, item] of items.entries()) if (i % 1000 !== 0) deadlines.remove(item);
    for (const item of items.slice(0, 2500)) deadlines.add({ ...item, id: `again-${item.id}` });
    await clock.advance(99);
    expect(expired).to.deep.equal([]);
    await clock.advance(1);
    expect(expired.filter((id) => id.startsWith('r'))).to.deep.equal(['r0', 'r1000', 'r2000', 'r3000', 'r4000']);
    expect(expired.filter((id) => id.startsWith('again-'))).to.have.length(2500);
    expect(clock.pending).to.equal(0);
  });
});
