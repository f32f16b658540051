import { expect } from 'chai';
import fc from 'fast-check';
import { grantBatches, newAgentJob, type Entry } from '../../src/agent/agent-job.js';
import { chunkSize } from '../../src/agent/chunk-size.js';
import { jobId } from '../../src/ids.js';
import type { JobHeader } from '../../src/packet.js';

const header = (id: string): JobHeader =>
  ({ id: jobId(id), master: { address: { node: 'master', path: '/user/armada-master' } }, fn: `fn-${id}`, maxRetries: 3, retryErrors: false, stealable: true }) as unknown as JobHeader;

describe('agent jobs', () => {
  it('grants one batch per job with indices, arguments and attempts in the order taken', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ job: fc.constantFrom('a', 'b', 'c'), index: fc.nat(1000), attempts: fc.nat(3) }), { maxLength: 40 }), (picks) => {
        const jobs = new Map(['a', 'b', 'c'].map((id) => [id, newAgentJob(header(id))]));
        jobs.get('a')!.def = { hash: 'fn-a' } as never;
        const taken: Entry[] = picks.map((p) => ({ job: jobs.get(p.job)!, index: p.index, arg: p.index * 2, attempts: p.attempts, suspect: false }));
        const { batches, defs } = grantBatches(taken);
        const back = batches.flatMap((b) => b.indices.map((index, k) => ({ job: b.job.id as string, index, arg: b.args[k], attempts: b.attempts![k] })));
        const expected = ['a', 'b', 'c'].flatMap((id) => picks.filter((p) => p.job === id).map((p) => ({ job: p.job, index: p.index, arg: p.index * 2, attempts: p.attempts })));
        expect(back).to.have.deep.members(expected);
        expect(new Set(batches.map((b) => b.job.id)).size).to.equal(batches.length);
        expect(defs.map((d) => d.hash)).to.deep.equal(picks.some((p) => p.job === 'a') ? ['fn-a'] : []);
      }),
    );
  });
});

describe('chunkSize', () => {
  const settings = { targetChunkMs: 2, maxChunk: 1024 };

  it('starts at one packet, aims at targetChunkMs and grows at most fourfold per chunk', () => {
    expect(chunkSize(undefined, 1, settings, undefined)).to.equal(1);
    expect(chunkSize(0.01, 1, settings, undefined)).to.equal(4);
    expect(chunkSize(0.01, 100, settings, undefined)).to.equal(200);
  });

  it('is within 1..maxChunk and leaves half of the queue to thieves', () => {
    fc.assert(
      fc.property(fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined }), fc.integer({ min: 1, max: 1024 }), fc.option(fc.nat(5000), { nil: undefined }), (avg, last, queued) => {
        const n = chunkSize(avg, last, settings, queued);
        expect(n).to.be.within(1, settings.maxChunk);
        if (queued !== undefined) expect(n).to.be.at.most(Math.max(1, Math.ceil((queued + 1) / 2)));
      }),
    );
  });
});
