import { expect } from 'chai';
import fc from 'fast-check';
import type { AgentRef } from '../../src/agent/protocol.js';
import { ResultOutbox, type UnnumberedResults } from '../../src/agent/result-outbox.js';
import { jobId, machineId } from '../../src/ids.js';

const agent = {} as AgentRef;
const results = (job: string, indices: number[]): UnnumberedResults => ({
  type: 'results',
  job: jobId(job),
  machine: machineId('m'),
  agent,
  indices,
  values: indices,
  ms: 1,
});

describe('ResultOutbox', () => {
  it('numbers messages and keeps them until acknowledged', () => {
    const box = new ResultOutbox();
    const a = box.add(results('j', [1, 2]), 0);
    const b = box.add(results('j', [3]), 0);
    expect(b.seq).to.be.greaterThan(a.seq);
    expect([...box.indices(jobId('j'))]).to.deep.equal([1, 2, 3]);
    box.ack(a.seq);
    box.ack(a.seq);
    box.ack(999);
    expect([...box.indices(jobId('j'))]).to.deep.equal([3]);
  });

  it('hands back overdue messages once per resend interval', () => {
    const box = new ResultOutbox();
    box.add(results('j', [1]), 0);
    expect(box.overdue(50, 100)).to.have.length(0);
    expect(box.overdue(100, 100)).to.have.length(1);
    expect(box.overdue(150, 100)).to.have.length(0);
    expect(box.overdue(200, 100)).to.have.length(1);
  });

  it('forgets the messages of dropped jobs', () => {
    const box = new ResultOutbox();
    box.add(results('a', [1]), 0);
    box.add(results('b', [2]), 0);
    box.drop((job) => job === 'a');
    expect(box.size).to.equal(1);
    expect([...box.indices(jobId('b'))]).to.deep.equal([2]);
  });

  it('keeps exactly the messages not acknowledged, whatever the order of acks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(40)), (n, acks) => {
        const box = new ResultOutbox();
        const seqs = Array.from({ length: n }, (_, i) => box.add(results('j', [i]), 0).seq);
        for (const a of acks) box.ack(seqs[a % n]!);
        const acked = new Set(acks.map((a) => a % n));
        expect([...box.indices(jobId('j'))].sort((x, y) => x - y)).to.deep.equal(seqs.map((_, i) => i).filter((i) => !acked.has(i)));
        expect(box.overdue(1, 1)).to.have.length(n - acked.size);
      }),
    );
  });
});
