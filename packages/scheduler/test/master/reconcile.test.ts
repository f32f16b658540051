import { expect } from 'chai';
import fc from 'fast-check';
import type { AgentRef } from '../../src/agent/protocol.js';
import { jobId, machineId, type MachineId } from '../../src/ids.js';
import { Job } from '../../src/master/job.js';
import type { AgentSlot } from '../../src/master/membership.js';
import { MISSES_TO_LOSE, reconcile } from '../../src/master/reconcile.js';
import { RoundRobinPlacement } from '../../src/placement/round-robin.js';

const machines = [machineId('m0'), machineId('m1')];

function jobWith(placed: ReadonlyArray<MachineId>): { job: Job; slots: AgentSlot[] } {
  const job = new Job(jobId('j'), { hash: 'h' } as never, placed.map((_, i) => i), {
    stealing: true,
    maxRetries: 3,
    retryErrors: false,
    timeoutMs: undefined,
    taskTimeoutMs: undefined,
    waitForMachinesMs: 1000,
    maxInFlight: 1000,
    progress: undefined,
    placement: new RoundRobinPlacement(),
  });
  const slots = machines.map((machine) => ({ ref: {} as AgentRef, key: machine, machine, outstanding: 0, queued: 0 }));
  for (const w of job.take(placed.length)) {
    const slot = slots[machines.indexOf(placed[w.index]!)]!;
    slot.outstanding++;
    job.inFlight.set(w.index, { arg: w.arg, attempts: 0, machine: slot.machine, slot, misses: 0, seq: 1 });
  }
  return { job, slots };
}

describe('reconcile', () => {
  it('places again a packet missing from two heartbeats of its machine in a row, not after one', () => {
    const { job, slots } = jobWith([machines[0]!, machines[0]!, machines[1]!]);
    expect(reconcile(job, machines[0]!, new Set([0]))).to.deep.equal([]);
    expect(reconcile(job, machines[0]!, new Set([0]))).to.deep.equal([1]);
    expect([...job.again.keys()]).to.deep.equal([1]);
    expect(job.inFlight.has(2)).to.equal(true);
    expect(slots[0]!.outstanding).to.equal(1);
  });

  it('forgives a miss once the packet is listed again', () => {
    const { job } = jobWith([machines[0]!]);
    expect(reconcile(job, machines[0]!, undefined)).to.deep.equal([]);
    expect(reconcile(job, machines[0]!, new Set([0]))).to.deep.equal([]);
    expect(reconcile(job, machines[0]!, undefined)).to.deep.equal([]);
  });

  it('never loses or doubles a packet from the books, and never takes a listed one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...machines), { minLength: 1, maxLength: 30 }),
        fc.array(fc.record({ machine: fc.constantFrom(...machines), held: fc.array(fc.nat(40)) }), { maxLength: 10 }),
        (placed, reports) => {
          const { job, slots } = jobWith(placed);
          const misses = new Map<number, number>();
          for (const { machine, held } of reports) {
            const listed = new Set(held);
            const before = new Map([...job.inFlight].map(([i, e]) => [i, e.machine]));
            const lost = reconcile(job, machine, listed);
            for (const [i, m] of before) if (m === machine) misses.set(i, listed.has(i) ? 0 : (misses.get(i) ?? 0) + 1);
            for (const i of lost) {
              expect(listed.has(i)).to.equal(false);
              expect(misses.get(i)).to.equal(MISSES_TO_LOSE);
            }
            expect(job.inFlight.size + job.again.size).to.equal(placed.length);
            for (const i of job.again.keys()) expect(job.inFlight.has(i)).to.equal(false);
          }
          const outstanding = slots.reduce((sum, s) => sum + s.outstanding, 0);
          expect(outstanding).to.equal(job.inFlight.size);
        },
      ),
    );
  });
});
