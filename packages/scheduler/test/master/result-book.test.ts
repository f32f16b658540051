import { expect } from 'chai';
import fc from 'fast-check';
import type { AgentRef } from '../../src/agent/protocol.js';
import { TaskError } from '../../src/errors.js';
import { jobId, machineId } from '../../src/ids.js';
import { Job } from '../../src/master/job.js';
import { Membership } from '../../src/master/membership.js';
import type { Moved, Results } from '../../src/master/protocol.js';
import { acceptResults, recordMove } from '../../src/master/result-book.js';
import { RoundRobinPlacement } from '../../src/placement/round-robin.js';

const ref = (key: string) => ({ toString: () => key }) as unknown as AgentRef;

function placed(n: number, members: Membership): Job {
  const job = new Job(jobId('j'), { hash: 'h' } as never, Array.from({ length: n }, (_, i) => i), {
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
  const slot = members.slot('a0')!;
  for (const w of job.take(n)) {
    slot.outstanding++;
    job.inFlight.set(w.index, { arg: w.arg, attempts: 0, machine: slot.machine, slot, misses: 0, seq: 1 });
  }
  return job;
}

function membership(): Membership {
  const members = new Membership();
  for (const m of ['m0', 'm1']) {
    members.add(
      { id: machineId(m), name: m, ref: {} as never, stats: { cores: 1, totalMemory: 1, freeMemory: 1, load: 0 }, lastHeard: 0, incarnation: 1, reportSeq: -1 },
      [ref(m === 'm0' ? 'a0' : 'a1')],
    );
  }
  return members;
}

const results = (indices: number[]): Results => ({
  type: 'results',
  job: jobId('j'),
  machine: machineId('m0'),
  agent: ref('a0'),
  seq: 1,
  indices,
  values: indices.map((i) => i * 10),
  ms: indices.length,
});

describe('result book', () => {
  it('accepts one result per packet whatever copies arrive, in any order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.array(fc.nat(39), { maxLength: 10 }), { maxLength: 30 }), (n, messages) => {
        const job = placed(n, membership());
        const seen = new Set<number>();
        for (const indices of messages) {
          const valid = indices.filter((i) => i < n);
          expect(acceptResults(job, results(valid))).to.equal(undefined);
          for (const i of valid) seen.add(i);
          expect(job.done).to.equal(seen.size);
        }
        for (const i of seen) expect(job.results[i]).to.equal(i * 10);
        expect(job.inFlight.size).to.equal(n - seen.size);
      }),
    );
  });

  it('fails the job on the first failure of a packet, not on a copy of it', () => {
    const job = placed(2, membership());
    const failure: Results = { ...results([]), failures: [{ index: 1, error: { name: 'Error', message: 'boom' }, machine: machineId('m0') }] };
    expect(acceptResults(job, failure)).to.be.instanceOf(TaskError);
    expect(acceptResults(job, failure)).to.equal(undefined);
  });

  it('records a move once, only from the machine the books say, and only to a live thief', () => {
    const members = membership();
    const job = placed(3, members);
    const moved: Moved = { type: 'moved', job: jobId('j'), indices: [0, 2], from: machineId('m0'), to: machineId('m1'), thief: ref('a1'), victim: ref('a0') };
    expect(recordMove(job, members, moved)).to.deep.equal([0, 2]);
    expect(recordMove(job, members, moved)).to.deep.equal([]);
    expect(job.inFlight.get(0)!.machine).to.equal('m1');
    expect(members.slot('a1')!.outstanding).to.equal(2);
    expect(members.slot('a0')!.outstanding).to.equal(1);
    members.remove(machineId('m1'));
    expect(recordMove(job, members, { ...moved, indices: [1] })).to.deep.equal([]);
  });
});
