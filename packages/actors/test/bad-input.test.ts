import { expect } from 'chai';
import fc from 'fast-check';
import { Actor, CborSerializer, InMemoryTransport, SerializationError, nodeId } from '../src/index.js';
import { MemoryLogger, Systems } from './helpers.js';

class Echo extends Actor<unknown> {
  receive(msg: unknown): unknown {
    return msg;
  }
}

describe('Bad input from the network', () => {
  let systems: Systems;
  beforeEach(() => (systems = new Systems()));
  afterEach(() => systems.close());

  it('logs and drops random bytes sent to a node, which keeps serving', async () => {
    const logger = new MemoryLogger();
    const node = await systems.create({ logger });
    const echo = node.spawn(Echo, { name: 'echo' });
    const client = await systems.create();
    const raw = new InMemoryTransport(systems.network);
    await raw.start(nodeId('raw-sender'), { onMessage: () => undefined, onReply: () => undefined, onUndeliverable: () => undefined });
    const junk = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 256 }), { numRuns: 200, seed: 42 });
    // Well-formed CBOR that is not an envelope must be dropped too.
    junk.push(Uint8Array.of(0x83, 0x01, 0x02, 0x03), Uint8Array.of(0x82, 0x00, 0x61, 0x78), Uint8Array.of(0xf6));
    for (const bytes of junk) raw.send(node.node, bytes);
    expect(await client.refFor(echo.address).ask('still here')).to.equal('still here');
    expect(node.stats().malformedMessages).to.be.greaterThan(0);
    // The first few are written one by one; the rest wait for the interval's summary line.
    expect(logger.count('warn', 'malformed')).to.equal(Math.min(5, node.stats().malformedMessages));
    await raw.close();
  });

  it('counts every one of a storm of 10,000 malformed payloads exactly, in a handful of log lines', async () => {
    const logger = new MemoryLogger();
    const node = await systems.create({ logger });
    const echo = node.spawn(Echo, { name: 'echo' });
    const raw = new InMemoryTransport(systems.network);
    await raw.start(nodeId('storm'), { onMessage: () => undefined, onReply: () => undefined, onUndeliverable: () => undefined });
    // 0xff (a lone "break") is never a valid CBOR item, so each payload is malformed whatever follows.
    const tails = fc.sample(fc.uint8Array({ maxLength: 64 }), { numRuns: 10_000, seed: 7 });
    for (const tail of tails) raw.send(node.node, Uint8Array.of(0xff, ...tail));
    const client = await systems.create();
    expect(await client.refFor(echo.address).ask('still here')).to.equal('still here');
    expect(node.stats().malformedMessages).to.equal(10_000);
    expect(logger.count('warn', 'malformed')).to.equal(5);
    await raw.close();
  });

  it('settles an ask whose reply bytes are garbage with SerializationError instead of waiting', async () => {
    const client = await systems.create({ askTimeoutMs: 60_000 });
    const raw = new InMemoryTransport(systems.network);
    await raw.start(nodeId('liar'), {
      onMessage: (data) => {
        // Read the ask properly, then answer it with bytes that are not CBOR.
        const [, , , correlationId, replyNode] = new CborSerializer().decode(data, (a) => client.refFor(a)) as [number, string, unknown, string, string];
        raw.reply(nodeId(replyNode), correlationId, Uint8Array.of(0xff, 0x00));
      },
      onReply: () => undefined,
      onUndeliverable: () => undefined,
    });
    const error = await client.ref('liar', '/user/x').ask('q').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SerializationError);
    expect(client.stats().malformedMessages).to.equal(1);
    await raw.close();
  });
});
