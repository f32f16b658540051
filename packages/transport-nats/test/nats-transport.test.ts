import { expect } from 'chai';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { ArmadaError, TransportClosedError, nodeId, type NodeId } from '@armada/actors';
import { CHUNK_HEADER, Subjects } from '../src/internal.js';
import {
  NatsAuthError,
  NatsConnectError,
  NatsTransport,
  startNatsServer,
  type NatsServerHandle,
  type NatsTransportEvent,
  type NatsTransportOptions,
} from '../src/index.js';
import { CaptureLogger, Inbox, Waiter, patternBytes, uniqueId } from './helpers.js';

const subjects = new Subjects('armada', 'default');

interface Node {
  id: NodeId;
  transport: NatsTransport;
  inbox: Inbox;
  logger: CaptureLogger;
  events: NatsTransportEvent[];
}

/** Starts transports against one server and closes them after each test. */
function harness(server: () => NatsServerHandle) {
  const open: NatsTransport[] = [];
  const events = new Waiter();
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  return {
    events,
    async node(label: string, options: NatsTransportOptions = {}): Promise<Node> {
      const logger = new CaptureLogger();
      const log: NatsTransportEvent[] = [];
      const transport = new NatsTransport({
        servers: server().url,
        logger,
        onEvent: (e) => {
          log.push(e);
          events.notify();
        },
        ...options,
      });
      open.push(transport);
      const inbox = new Inbox();
      const id = nodeId(uniqueId(label));
      await transport.start(id, inbox.handlers);
      return { id, transport, inbox, logger, events: log };
    },
  };
}

describe('NatsTransport', function () {
  this.timeout(30_000);

  describe('with the default 1 MiB max_payload', () => {
    let server: NatsServerHandle;
    before(async () => {
      server = await startNatsServer();
    });
    after(async () => {
      await server?.stop();
    });
    const h = harness(() => server);

    it('round-trips an 8 MiB Float64Array as bytes, as envelope and as reply', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      expect(a.transport.connection?.info?.max_payload).to.equal(1024 * 1024);
      const big = patternBytes(8 * 1024 * 1024);
      a.transport.send(b.id, big);
      b.transport.reply(a.id, 'big-1', big);
      await b.inbox.until(() => b.inbox.messages.length === 1, 15_000);
      await a.inbox.until(() => a.inbox.replies.length === 1, 15_000);
      const received = new Float64Array(new Uint8Array(b.inbox.messages[0]!).buffer);
      expect(received.length).to.equal(1024 * 1024);
      expect(received[12345]).to.equal(12345 * 1.5 - 7);
      expect(Buffer.from(b.inbox.messages[0]!).equals(Buffer.from(big))).to.equal(true);
      expect(a.inbox.replies[0]!.correlationId).to.equal('big-1');
      expect(Buffer.from(a.inbox.replies[0]!.data).equals(Buffer.from(big))).to.equal(true);
    });

    it('keeps per-pair order across chunked and single messages', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      const sizes = [10, 3 * 1024 * 1024, 20, 1024 * 1024 + 1, 1024 * 1024, 30, 2 * 1024 * 1024];
      sizes.forEach((size, i) => a.transport.send(b.id, new Uint8Array(size).fill(i + 1)));
      await b.inbox.until(() => b.inbox.messages.length === sizes.length, 15_000);
      expect(b.inbox.messages.map((m) => m.byteLength)).to.deep.equal(sizes);
      expect(b.inbox.messages.map((m) => m[m.byteLength - 1])).to.deep.equal(sizes.map((_, i) => i + 1));
    });

    it('reports a chunked correlated send to a node nobody serves as undeliverable, once', async () => {
      const a = await h.node('a');
      const ghost = nodeId(uniqueId('ghost'));
      a.transport.send(ghost, patternBytes(3 * 1024 * 1024), 'chunked-ask');
      await a.inbox.until(() => a.inbox.undeliverable.length === 1, 5000);
      const [first] = a.inbox.undeliverable;
      expect(first!.correlationId).to.equal('chunked-ask');
      // The server answers in order: once the marker's status is back, a duplicate would have arrived.
      a.transport.send(nodeId(uniqueId('ghost')), Uint8Array.of(1), 'marker');
      await a.inbox.until(() => a.inbox.undeliverable.some((u) => u.correlationId === 'marker'), 5000);
      expect(a.inbox.undeliverable.map((u) => u.correlationId)).to.deep.equal(['chunked-ask', 'marker']);
    });

    it('routes replies whose correlation ids are not plain subject tokens', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      const id = 'ask.7 */> é';
      b.transport.reply(a.id, id, Uint8Array.of(5));
      await a.inbox.until(() => a.inbox.replies.length === 1);
      expect(a.inbox.replies[0]!.correlationId).to.equal(id);
    });

    it('passes random bytes through, and drops malformed chunks and reply subjects with a warning', async () => {
      const b = await h.node('b', { maxMessageBytes: 1000 });
      const raw = await connect({ servers: server.url });
      try {
        const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff);
        raw.publish(subjects.node(b.id), random);
        for (const value of ['nonsense', 'id 5 2 10', 'id 0 2 5000']) {
          const hdrs = headers();
          hdrs.set(CHUNK_HEADER, value);
          raw.publish(subjects.node(b.id), new Uint8Array(10), { headers: hdrs });
        }
        raw.publish(`${subjects.replyPrefix(b.id)}~!!`, Uint8Array.of(1));
        raw.publish(subjects.node(b.id), Uint8Array.of(42));
        await b.inbox.until(() => b.inbox.messages.length === 2);
        expect(Buffer.from(b.inbox.messages[0]!).equals(Buffer.from(random))).to.equal(true);
        expect([...b.inbox.messages[1]!]).to.deep.equal([42]);
        expect(b.inbox.replies).to.have.length(0);
        const warnings = b.logger.at('warn');
        expect(warnings.filter((w) => w.includes('malformed chunk header'))).to.have.length(2);
        expect(warnings).to.include('dropping a chunked payload');
        expect(warnings).to.include('dropping a reply with a malformed subject');
      } finally {
        await raw.close();
      }
    });

    it('keeps delivering after a handler throws', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      const original = b.inbox.handlers.onMessage;
      let calls = 0;
      b.inbox.handlers.onMessage = (data) => {
        if (++calls === 1) throw new Error('boom');
        original(data);
      };
      a.transport.send(b.id, Uint8Array.of(1));
      a.transport.send(b.id, Uint8Array.of(2));
      await b.inbox.until(() => b.inbox.messages.length === 1);
      expect([...b.inbox.messages[0]!]).to.deep.equal([2]);
      expect(b.logger.at('error')).to.include('dropped an envelope: handling it threw');
    });

    it('throws TransportClosedError before start, and start after close rejects', async () => {
      const t = new NatsTransport({ servers: server.url });
      expect(() => t.send(nodeId('x'), Uint8Array.of(1))).to.throw(TransportClosedError, /not started/);
      expect(() => t.reply(nodeId('x'), 'c', Uint8Array.of(1))).to.throw(TransportClosedError);
      await t.close();
      const error = await t.start(nodeId('x'), new Inbox().handlers).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(TransportClosedError);
    });

    it('leaves a connection it was given open, removing only its subscriptions', async () => {
      const nc: NatsConnection = await connect({ servers: server.url });
      try {
        const a = await h.node('a');
        const b = await h.node('b', { nc });
        a.transport.send(b.id, Uint8Array.of(1));
        await b.inbox.until(() => b.inbox.messages.length === 1);
        await b.transport.close();
        expect(nc.isClosed()).to.equal(false);
        // With no subscriber left for b, a correlated send is now undeliverable.
        a.transport.send(b.id, Uint8Array.of(2), 'after-close');
        await a.inbox.until(() => a.inbox.undeliverable.length === 1);
        expect(b.inbox.messages).to.have.length(1);
      } finally {
        await nc.close();
      }
    });

    it('rejects start with a retryable NatsConnectError when no server listens', async () => {
      const t = new NatsTransport({ servers: 'nats://127.0.0.1:1', connection: { timeout: 2000 } });
      const error = await t.start(nodeId('x'), new Inbox().handlers).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(NatsConnectError);
      expect(error).to.be.instanceOf(ArmadaError);
      expect((error as ArmadaError).code).to.equal('ERR_CONNECT');
      expect((error as ArmadaError).retryable).to.equal(true);
      expect((error as ArmadaError).cause).to.be.instanceOf(Error);
      await t.close();
    });
  });

  describe('with a 64 KiB max_payload', () => {
    let server: NatsServerHandle;
    before(async () => {
      server = await startNatsServer({ maxPayload: 64 * 1024 });
    });
    after(async () => {
      await server?.stop();
    });
    const h = harness(() => server);

    it('round-trips an 8 MiB Float64Array as bytes in chunks that fit', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      expect(a.transport.connection?.info?.max_payload).to.equal(64 * 1024);
      const big = patternBytes(8 * 1024 * 1024);
      a.transport.send(b.id, big, 'corr');
      b.transport.reply(a.id, 'corr', big);
      await b.inbox.until(() => b.inbox.messages.length === 1, 20_000);
      await a.inbox.until(() => a.inbox.replies.length === 1, 20_000);
      expect(Buffer.from(b.inbox.messages[0]!).equals(Buffer.from(big))).to.equal(true);
      expect(Buffer.from(a.inbox.replies[0]!.data).equals(Buffer.from(big))).to.equal(true);
      expect(a.inbox.undeliverable).to.have.length(0);
      expect(a.transport.connection?.isClosed()).to.equal(false);
    });
  });

  describe('across a server restart', () => {
    let server: NatsServerHandle;
    before(async () => {
      server = await startNatsServer();
    });
    after(async () => {
      await server?.stop();
    });
    const h = harness(() => server);

    it('delivers messages sent after both nodes reconnected', async () => {
      const a = await h.node('a');
      const b = await h.node('b');
      a.transport.send(b.id, Uint8Array.of(1));
      await b.inbox.until(() => b.inbox.messages.length === 1);

      await server.restart();
      // `reconnected` is emitted once the server has the node's subscriptions again, so waiting for
      // it on both sides replaces any polling: a message sent now must arrive.
      const reconnected = (n: Node) => n.events.some((e) => e.type === 'reconnected');
      await h.events.until(() => reconnected(a) && reconnected(b), 20_000, 'reconnection of both nodes');
      expect(a.events.map((e) => e.type)).to.include('disconnected');
      expect(b.logger.at('warn')).to.include('disconnected from NATS');

      a.transport.send(b.id, Uint8Array.of(2));
      b.transport.reply(a.id, 'after-restart', Uint8Array.of(3));
      await b.inbox.until(() => b.inbox.messages.some((m) => m[0] === 2), 10_000);
      await a.inbox.until(() => a.inbox.replies.length === 1, 10_000);
      expect(a.inbox.replies[0]!.correlationId).to.equal('after-restart');
    });
  });

  describe('with authentication', () => {
    const handlers = () => new Inbox().handlers;

    async function exchange(server: NatsServerHandle, connection: NatsTransportOptions['connection']): Promise<void> {
      const a = new NatsTransport({ servers: server.url, connection });
      const b = new NatsTransport({ servers: server.url, connection });
      const inbox = new Inbox();
      try {
        await a.start(nodeId(uniqueId('a')), handlers());
        const id = nodeId(uniqueId('b'));
        await b.start(id, inbox.handlers);
        a.send(id, Uint8Array.of(7));
        await inbox.until(() => inbox.messages.length === 1);
        expect([...inbox.messages[0]!]).to.deep.equal([7]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    }

    async function rejected(server: NatsServerHandle, connection: NatsTransportOptions['connection']): Promise<ArmadaError> {
      const t = new NatsTransport({ servers: server.url, connection });
      try {
        const error = await t.start(nodeId(uniqueId('x')), handlers()).then(() => undefined, (e: unknown) => e);
        expect(error, 'start must reject').to.be.instanceOf(ArmadaError);
        return error as ArmadaError;
      } finally {
        await t.close();
      }
    }

    it('connects with the right token and rejects a wrong or missing one with NatsAuthError', async () => {
      const server = await startNatsServer({ token: 's3cret' });
      try {
        await exchange(server, { token: 's3cret' });
        for (const connection of [{ token: 'wrong' }, {}]) {
          const error = await rejected(server, connection);
          expect(error).to.be.instanceOf(NatsAuthError);
          expect(error.code).to.equal('ERR_AUTH');
          expect(error.retryable).to.equal(false);
          expect((error.cause as Error).name).to.equal('AuthorizationError');
        }
      } finally {
        await server.stop();
      }
    });

    it('connects with the right user and password and rejects wrong ones with NatsAuthError', async () => {
      const server = await startNatsServer({ user: 'armada', pass: 'p4ss' });
      try {
        await exchange(server, { user: 'armada', pass: 'p4ss' });
        for (const connection of [{ user: 'armada', pass: 'nope' }, { user: 'other', pass: 'p4ss' }]) {
          expect(await rejected(server, connection)).to.be.instanceOf(NatsAuthError);
        }
      } finally {
        await server.stop();
      }
    });
  });
});
