/// <reference types="mocha" />
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PayloadTooLargeError, TransportClosedError } from '../errors.js';
import { nodeId, type NodeId } from '../ids.js';
import type { Transport, TransportHandlers } from '../transport.js';

/** What the conformance suite needs from a transport implementation. */
export interface TransportConformanceFixture {
  /** A new, unstarted transport attached to the same network as every other one this fixture makes. */
  create(): Transport | Promise<Transport>;
  /** Called once after the suite. */
  dispose?(): Promise<void>;
}

interface Inbox {
  handlers: TransportHandlers;
  messages: Uint8Array[];
  replies: Array<{ correlationId: string; data: Uint8Array }>;
  undeliverable: string[];
  /** Resolves once `predicate` holds, rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

function inbox(): Inbox {
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const box: Inbox = {
    messages: [],
    replies: [],
    undeliverable: [],
    handlers: {
      onMessage: (data) => (box.messages.push(data), notify()),
      onReply: (correlationId, data) => (box.replies.push({ correlationId, data }), notify()),
      onUndeliverable: (correlationId) => (box.undeliverable.push(correlationId), notify()),
    },
    until(predicate, timeoutMs = 5000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`condition not reached within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
  return box;
}

let counter = 0;
const uniqueNode = (label: string): NodeId => nodeId(`${label}-${process.pid}-${++counter}`);

/**
 * Defines the mocha suite every {@link Transport} must pass: delivery, per-pair order, replies,
 * fast failure for unknown nodes, size limits, large payloads and closing.
 */
export function transportConformance(name: string, fixture: () => Promise<TransportConformanceFixture>): void {
  describe(`${name} (transport conformance)`, function () {
    this.timeout(20_000);
    let fx: TransportConformanceFixture;
    const open: Transport[] = [];

    before(async () => {
      fx = await fixture();
    });
    after(async () => {
      await fx?.dispose?.();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()));
    });

    async function node(label: string): Promise<{ id: NodeId; transport: Transport; box: Inbox }> {
      const transport = await fx.create();
      open.push(transport);
      const box = inbox();
      const id = uniqueNode(label);
      await transport.start(id, box.handlers);
      return { id, transport, box };
    }

    it('delivers bytes to another node unchanged', async () => {
      const a = await node('a');
      const b = await node('b');
      const payload = new Uint8Array(randomBytes(300));
      a.transport.send(b.id, payload);
      await b.box.until(() => b.box.messages.length === 1);
      assert.deepEqual(Buffer.from(b.box.messages[0]!), Buffer.from(payload));
    });

    it('keeps the order of messages from one node to another', async () => {
      const a = await node('a');
      const b = await node('b');
      const n = 2000;
      for (let i = 0; i < n; i++) a.transport.send(b.id, Uint8Array.of(i & 0xff, i >> 8));
      await b.box.until(() => b.box.messages.length === n);
      b.box.messages.forEach((m, i) => assert.equal(m[0]! | (m[1]! << 8), i));
    });

    it('routes replies to the asking node with their correlation id', async () => {
      const a = await node('a');
      const b = await node('b');
      b.transport.reply(a.id, 'c42', Uint8Array.of(7));
      await a.box.until(() => a.box.replies.length === 1);
      assert.equal(a.box.replies[0]!.correlationId, 'c42');
      assert.deepEqual([...a.box.replies[0]!.data], [7]);
    });

    it('reports a correlated send to a node nobody serves as undeliverable, long before any ask timeout', async () => {
      const a = await node('a');
      const started = Date.now();
      a.transport.send(uniqueNode('ghost'), Uint8Array.of(1), 'x1');
      await a.box.until(() => a.box.undeliverable.length === 1, 2000);
      assert.deepEqual(a.box.undeliverable, ['x1']);
      assert.ok(Date.now() - started < 2000);
    });

    it('drops an uncorrelated send to a node nobody serves without throwing', async () => {
      const a = await node('a');
      const b = await node('b');
      a.transport.send(uniqueNode('ghost'), Uint8Array.of(1));
      a.transport.send(b.id, Uint8Array.of(2));
      await b.box.until(() => b.box.messages.length === 1);
      assert.equal(a.box.undeliverable.length, 0);
    });

    it('broadcasts to every node, the sender included, in order per sender', async () => {
      const a = await node('a');
      const b = await node('b');
      const c = await node('c');
      for (let i = 0; i < 50; i++) a.transport.broadcast(Uint8Array.of(9, i));
      const mine = (box: Inbox) => box.messages.filter((m) => m[0] === 9).map((m) => m[1]);
      for (const n of [a, b, c]) await n.box.until(() => mine(n.box).length === 50);
      for (const n of [a, b, c]) assert.deepEqual(mine(n.box), Array.from({ length: 50 }, (_, i) => i));
    });

    it('round-trips an 8 MiB payload', async () => {
      const a = await node('a');
      const b = await node('b');
      const big = new Uint8Array(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4093) big[i] = (i * 31) & 0xff;
      a.transport.send(b.id, big);
      b.transport.reply(a.id, 'big', big);
      await b.box.until(() => b.box.messages.length === 1, 15_000);
      await a.box.until(() => a.box.replies.length === 1, 15_000);
      assert.ok(Buffer.from(b.box.messages[0]!).equals(Buffer.from(big)));
      assert.ok(Buffer.from(a.box.replies[0]!.data).equals(Buffer.from(big)));
    });

    it('rejects a payload over its limit with PayloadTooLargeError and sends nothing', async () => {
      const a = await node('a');
      const b = await node('b');
      const tooBig = new Uint8Array(a.transport.maxMessageBytes + 1);
      assert.throws(() => a.transport.send(b.id, tooBig), PayloadTooLargeError);
      assert.throws(() => a.transport.reply(b.id, 'c', tooBig), PayloadTooLargeError);
      a.transport.send(b.id, Uint8Array.of(9));
      await b.box.until(() => b.box.messages.length === 1);
      assert.deepEqual([...b.box.messages[0]!], [9]);
    });

    it('throws TransportClosedError after close, and close is idempotent', async () => {
      const a = await node('a');
      const b = await node('b');
      await a.transport.close();
      await a.transport.close();
      assert.throws(() => a.transport.send(b.id, Uint8Array.of(1)), TransportClosedError);
    });
  });
}
