import { expect } from 'chai';
import fc from 'fast-check';
import { Reassembler, chunkSizeFor, formatChunkHeader, parseChunkHeader, splitPayload, type ChunkInfo } from '../src/internal.js';
import { InvalidArgumentError } from '@armada/actors';
import { CaptureLogger, patternBytes } from './helpers.js';

function chunksOf(id: string, data: Uint8Array, size: number): Array<{ info: ChunkInfo; data: Uint8Array }> {
  const parts = splitPayload(data, size);
  return parts.map((part, index) => ({ info: { id, index, count: parts.length, total: data.byteLength }, data: part }));
}

function reassembler(overrides: Partial<ConstructorParameters<typeof Reassembler>[0]> = {}) {
  const logger = new CaptureLogger();
  let now = 1_000;
  const r = new Reassembler({ maxMessageBytes: 1 << 20, maxPendingBytes: 1 << 22, timeoutMs: 1000, logger, now: () => now, autoSweep: false, ...overrides });
  return { r, logger, advance: (ms: number) => (now += ms), now: () => now };
}

describe('chunking', () => {
  describe('splitPayload', () => {
    it('splits into views of at most the chunk size that concatenate to the input', () => {
      const data = patternBytes(8 * 1000);
      const parts = splitPayload(data, 3000);
      expect(parts.map((p) => p.byteLength)).to.deep.equal([3000, 3000, 2000]);
      expect(parts.every((p) => p.buffer === data.buffer)).to.equal(true);
      expect(Buffer.concat(parts).equals(Buffer.from(data))).to.equal(true);
    });

    it('gives one empty chunk for an empty payload and rejects a bad chunk size', () => {
      expect(splitPayload(new Uint8Array(0), 10)).to.have.length(1);
      expect(() => splitPayload(new Uint8Array(5), 0)).to.throw(InvalidArgumentError);
    });

    it('leaves room for headers under max_payload', () => {
      expect(chunkSizeFor(1024 * 1024)).to.equal(1024 * 1024 - 1024);
      expect(chunkSizeFor(64 * 1024)).to.be.lessThan(64 * 1024);
      expect(chunkSizeFor(100)).to.equal(50);
    });
  });

  describe('chunk header', () => {
    it('round-trips', () => {
      const info = { id: 'abc_-9', index: 3, count: 7, total: 7000 };
      expect(formatChunkHeader(info)).to.equal('abc_-9 3 7 7000');
      expect(parseChunkHeader(formatChunkHeader(info))).to.deep.equal(info);
    });

    it('rejects malformed or inconsistent values', () => {
      const bad = [undefined, '', 'x', 'id 0 1', 'id 0 1 1 extra', 'i.d 0 2 10', 'id -1 2 10', 'id 2 2 10', 'id 0 0 10',
        'id 0 2 1', 'id 01 2 10', 'id 0x1 2 10', 'id 1.5 2 10', 'id  0 2 10', 'id 0 2000000 9999999999', 'id 0 2 99999999999999999'];
      for (const value of bad) expect(parseChunkHeader(value), String(value)).to.equal(undefined);
    });
  });

  describe('Reassembler', () => {
    it('returns the payload once, when the last chunk arrives in order', () => {
      const { r } = reassembler();
      const data = patternBytes(10_000);
      const chunks = chunksOf('p1', data, 3000);
      const results = chunks.map((c) => r.add(c.info, c.data));
      expect(results.slice(0, -1).every((x) => x === undefined)).to.equal(true);
      expect(Buffer.from(results.at(-1)!).equals(Buffer.from(data))).to.equal(true);
      expect(r.pending).to.equal(0);
      expect(r.pendingBytes).to.equal(0);
    });

    it('reassembles whatever the arrival order and duplicates', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5000 }),
          fc.integer({ min: 1, max: 700 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          fc.infiniteStream(fc.nat()),
          (size, chunkSize, dupPicks, order) => {
            const { r } = reassembler();
            const data = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
            const chunks = chunksOf('p', data, chunkSize);
            const arrivals = [...chunks, ...dupPicks.map((k) => chunks[k % chunks.length]!)];
            // Fisher-Yates shuffle driven by the generated stream.
            const it = order[Symbol.iterator]();
            for (let i = arrivals.length - 1; i > 0; i--) {
              const j = it.next().value! % (i + 1);
              [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
            }
            const outputs = arrivals.map((c) => r.add(c.info, c.data)).filter((x) => x !== undefined);
            expect(outputs).to.have.length(1);
            expect(Buffer.from(outputs[0]!).equals(Buffer.from(data))).to.equal(true);
            expect(r.pending).to.equal(0);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('ignores a duplicate chunk while a payload is pending', () => {
      const { r, logger } = reassembler();
      const [c0, c1] = chunksOf('d', patternBytes(16), 8);
      expect(r.add(c0!.info, c0!.data)).to.equal(undefined);
      expect(r.add(c0!.info, c0!.data)).to.equal(undefined);
      expect(r.pendingBytes).to.equal(8);
      expect(r.add(c1!.info, c1!.data)).to.have.length(16);
      expect(logger.at('debug')).to.include('ignoring a duplicate chunk');
    });

    it('drops payloads whose chunks disagree or whose size does not match, and ignores their late chunks', () => {
      const { r, logger } = reassembler();
      r.add({ id: 'a', index: 0, count: 3, total: 30 }, new Uint8Array(10));
      expect(r.add({ id: 'a', index: 1, count: 4, total: 30 }, new Uint8Array(10))).to.equal(undefined);
      expect(r.pending).to.equal(0);
      expect(r.add({ id: 'a', index: 2, count: 3, total: 30 }, new Uint8Array(10))).to.equal(undefined);
      expect(r.pending, 'late chunk of a dropped payload must not start a new one').to.equal(0);

      r.add({ id: 'b', index: 0, count: 2, total: 30 }, new Uint8Array(10));
      expect(r.add({ id: 'b', index: 1, count: 2, total: 30 }, new Uint8Array(10))).to.equal(undefined);
      r.add({ id: 'c', index: 0, count: 2, total: 15 }, new Uint8Array(10));
      expect(r.add({ id: 'c', index: 1, count: 2, total: 15 }, new Uint8Array(10))).to.equal(undefined);
      expect(r.add({ id: 'e', index: 0, count: 1, total: 5 }, new Uint8Array(4))).to.equal(undefined);
      expect(r.pending).to.equal(0);
      expect(r.pendingBytes).to.equal(0);
      expect(logger.at('warn')).to.have.length(4);
    });

    it('drops a payload declaring more than maxMessageBytes on its first chunk', () => {
      const { r, logger } = reassembler({ maxMessageBytes: 100 });
      expect(r.add({ id: 'big', index: 0, count: 2, total: 101 }, new Uint8Array(60))).to.equal(undefined);
      expect(r.pending).to.equal(0);
      expect(logger.records.find((x) => x.level === 'warn')?.fields?.reason).to.match(/exceeds the limit/);
    });

    it('drops an incomplete payload after the timeout, with a warning', () => {
      const { r, logger, advance } = reassembler({ timeoutMs: 1000 });
      const chunks = chunksOf('slow', patternBytes(64), 16);
      r.add(chunks[0]!.info, chunks[0]!.data);
      advance(999);
      expect(r.sweep()).to.equal(0);
      expect(r.pending).to.equal(1);
      advance(1);
      expect(r.sweep()).to.equal(1);
      expect(r.pending).to.equal(0);
      expect(r.pendingBytes).to.equal(0);
      expect(logger.records.find((x) => x.level === 'warn')?.fields?.reason).to.match(/incomplete after 1000 ms \(1 of 4 chunks\)/);
      expect(chunks.slice(1).map((c) => r.add(c.info, c.data))).to.deep.equal([undefined, undefined, undefined]);
    });

    it('sweeps on its own timer when autoSweep is on', async () => {
      const logger = new CaptureLogger();
      const r = new Reassembler({ maxMessageBytes: 100, maxPendingBytes: 100, timeoutMs: 40, logger });
      let dropped!: () => void;
      const done = new Promise<void>((resolve) => (dropped = resolve));
      const original = logger.warn.bind(logger);
      logger.warn = (message, fields) => (original(message, fields), dropped());
      r.add({ id: 't', index: 0, count: 2, total: 20 }, new Uint8Array(10));
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('not swept within 2 s')), 2000).unref());
      await Promise.race([done, timeout]);
      expect(r.pending).to.equal(0);
      r.dispose();
    });

    it('keeps reassembly memory under its bound by evicting the oldest payloads', () => {
      const { r, logger } = reassembler({ maxPendingBytes: 100 });
      r.add({ id: 'old', index: 0, count: 2, total: 120 }, new Uint8Array(60));
      r.add({ id: 'new', index: 0, count: 2, total: 80 }, new Uint8Array(40));
      expect(r.pendingBytes).to.equal(100);
      expect(r.add({ id: 'new', index: 1, count: 2, total: 80 }, new Uint8Array(40))).to.have.length(80);
      expect(r.pending).to.equal(0);
      expect(logger.records.find((x) => x.level === 'warn')?.fields).to.include({ chunkId: 'old' });
      // A payload that cannot fit even alone is dropped.
      r.add({ id: 'huge', index: 0, count: 3, total: 300 }, new Uint8Array(100));
      expect(r.add({ id: 'huge', index: 1, count: 3, total: 300 }, new Uint8Array(100))).to.equal(undefined);
      expect(r.pending).to.equal(0);
      expect(r.pendingBytes).to.equal(0);
    });
  });
});
