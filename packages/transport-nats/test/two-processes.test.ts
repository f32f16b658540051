import { expect } from 'chai';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { Actor, ActorSystem, NoRespondersError, type SystemStats } from '@armada/actors';
import { TestProbe } from '@armada/actors/testkit';
import { NatsTransport, startNatsServer, type NatsServerHandle } from '../src/index.js';
import { Subjects } from '../src/internal.js';

const fixture = fileURLToPath(new URL('./fixtures/echo-node.js', import.meta.url));

/** Resolves with the first IPC message that `pick` accepts; rejects on exit or after `timeoutMs`. */
function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no message from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown) => {
      const value = pick(m);
      if (value !== undefined) done(undefined, value);
    };
    const onExit = (code: number | null) => done(new Error(`child exited with ${code}`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

describe('Two OS processes over a real nats-server', function () {
  this.timeout(60_000);
  let server: NatsServerHandle;
  let child: ChildProcess;
  let system: ActorSystem;
  const childNode = `child-${process.pid}`;

  before(async () => {
    server = await startNatsServer();
    child = fork(fixture, [server.url, childNode], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The bad-input test makes the child warn about every dropped message; keep the run quiet.
      env: { ...process.env, ARMADA_LOG_LEVEL: 'error' },
    });
    await nextMessage(child, (m) => (m as { ready?: string }).ready);
    system = await ActorSystem.create({ name: 'parent', transport: new NatsTransport({ servers: server.url }) });
  });

  after(async () => {
    await system?.terminate();
    if (child?.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
  });

  it('asks an actor in the other process and gets typed arrays and bigints back as they were', async () => {
    const echo = system.ref(childNode, '/user/echo');
    const payload = { samples: new Float64Array([1.5, -2, Math.PI]), id: 2n ** 70n, text: 'héllo' };
    const back = await echo.ask<typeof payload>(payload);
    expect(back.samples).to.be.instanceOf(Float64Array);
    expect([...back.samples]).to.deep.equal([...payload.samples]);
    expect(back.id).to.equal(2n ** 70n);
    expect(back.text).to.equal('héllo');
  });

  it('round-trips an 8 MiB Float64Array through chunking', async () => {
    const big = new Float64Array(1 << 20).map((_, i) => i * 0.5);
    const back = await system.ref(childNode, '/user/echo').ask<Float64Array>(big, { timeoutMs: 20_000 });
    expect(back.length).to.equal(big.length);
    expect(back[12345]).to.equal(12345 * 0.5);
    expect(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(big.buffer))).to.equal(true);
  });

  it('receives tells from the other process in the order they were sent', async () => {
    const probe = new TestProbe<{ seq: number; payload: string }>(system);
    system.ref(childNode, '/user/relay').tell({ to: probe.ref, payload: 'x', times: 500 });
    const got = await probe.receiveN(500, 10_000);
    expect(got.map((m) => m.seq)).to.deep.equal([...Array(500).keys()]);
  });

  it('keeps serving after random bytes are published on its node subject', async () => {
    const nc = await connect({ servers: server.url });
    const subject = new Subjects('armada', 'default').node(childNode);
    for (let i = 0; i < 100; i++) nc.publish(subject, new Uint8Array(Array.from({ length: 1 + ((i * 37) % 200) }, (_, j) => (i * 131 + j * 17) & 0xff)));
    nc.publish(new Subjects('armada', 'default').replyWildcard(childNode).replace('*', 'bogus'), Uint8Array.of(1, 2, 3));
    await nc.flush();
    await nc.close();
    expect(await system.ref(childNode, '/user/echo').ask('alive?')).to.equal('alive?');
    child.send({ type: 'stats' });
    const stats = await nextMessage(child, (m) => (m as { stats?: SystemStats }).stats);
    expect(stats.malformedMessages).to.be.greaterThan(0);
  });

  it('an actor in this process answers asks from a local actor through NATS refs', async () => {
    class Doubler extends Actor<number> {
      receive(n: number): number {
        return n * 2;
      }
    }
    system.spawn(Doubler, { name: 'doubler' });
    const other = await ActorSystem.create({ name: 'other', transport: new NatsTransport({ servers: server.url }) });
    try {
      expect(await other.ref(system.node, '/user/doubler').ask(21)).to.equal(42);
    } finally {
      await other.terminate();
    }
  });

  it('fails an ask at once with NoRespondersError once the other process is gone', async () => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const started = Date.now();
    const error = await system.ref(childNode, '/user/echo').ask('anyone?', { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NoRespondersError);
    expect(Date.now() - started).to.be.lessThan(5000);
  });
});
