import { expect } from 'chai';
import { SimulatedClock } from '@armada/actors/testkit';
import { machineId } from '../../src/ids.js';
import { healthRound, LatencyBook } from '../../src/master/health-round.js';
import type { Member } from '../../src/master/membership.js';
import type { MachineStats } from '../../src/placement/index.js';

const stats = (freeMemory: number): MachineStats => ({ cores: 4, totalMemory: 8, freeMemory, load: 0 });

/** A machine that answers a health check after `delayMs` of the clock's time, or never. */
function member(id: string, clock: SimulatedClock, delayMs: number | undefined): Member {
  const ref = {
    ask: () =>
      new Promise((resolve, reject) => {
        if (delayMs === undefined) clock.setTimeout(() => reject(new Error('no answer')), 1000);
        else clock.setTimeout(() => resolve({ type: 'health', stats: stats(delayMs) }), delayMs);
      }),
  };
  return { id: machineId(id), name: id, ref: ref as unknown as Member['ref'], slots: [], stats: stats(-1), lastHeard: 0, incarnation: 1, reportSeq: -1 };
}

describe('health rounds and the latency book', () => {
  it('resolves at the first answer, and books the far answers that come after it', async () => {
    const clock = new SimulatedClock();
    const book = new LatencyBook();
    const members = [member('far', clock, 40), member('near', clock, 1), member('silent', clock, undefined)];
    let fresh: Awaited<ReturnType<typeof healthRound>> | undefined;
    void healthRound(members, clock, 1000, true, book).then((f) => (fresh = new Map(f)));
    await clock.advance(1);
    expect([...fresh!.keys()]).to.deep.equal([machineId('near')]);
    expect(fresh!.get(machineId('near'))).to.deep.include({ rank: 0, rttMs: 1 });
    expect(book.get(machineId('far'))).to.equal(undefined);
    await clock.advance(39);
    expect(book.get(machineId('far'))).to.equal(40);
    expect(book.get(machineId('silent'))).to.equal(undefined);
    await clock.advance(1000);
  });

  it('completes a round’s answers with the booked round trips of the others, their heartbeat stats and no rank', () => {
    const clock = new SimulatedClock();
    const book = new LatencyBook();
    const [near, far, unknown] = [member('near', clock, 1), member('far', clock, 40), member('new', clock, 1)];
    book.record(far.id, 40);
    const fresh = book.complete(new Map([[near.id, { stats: stats(1), rank: 0, rttMs: 1 }]]), [near, far, unknown]);
    expect(fresh.get(near.id)).to.deep.equal({ stats: stats(1), rank: 0, rttMs: 1 });
    expect(fresh.get(far.id)).to.deep.equal({ stats: far.stats, rank: undefined, rttMs: 40 });
    expect(fresh.has(unknown.id)).to.equal(false);
  });

  it('smooths round trips, ignores figures that are not, and forgets machines gone', () => {
    const book = new LatencyBook();
    const m = machineId('m');
    book.record(m, 10);
    book.record(m, 20);
    expect(book.get(m)).to.be.closeTo(13, 1e-9);
    book.record(m, Number.NaN);
    book.record(m, -1);
    expect(book.get(m)).to.be.closeTo(13, 1e-9);
    book.keepOnly(new Set());
    expect(book.get(m)).to.equal(undefined);
  });

  it('counts as fresh only while the last round is younger than the limit and every machine has a figure', () => {
    const clock = new SimulatedClock();
    const book = new LatencyBook();
    const members = [member('a', clock, 1), member('b', clock, 1)];
    expect(book.fresh(members, 0, 50)).to.equal(false);
    book.started(100);
    book.record(members[0]!.id, 1);
    expect(book.fresh(members, 110, 50)).to.equal(false);
    book.record(members[1]!.id, 1);
    expect(book.fresh(members, 110, 50)).to.equal(true);
    expect(book.fresh(members, 150, 50)).to.equal(false);
  });
});
