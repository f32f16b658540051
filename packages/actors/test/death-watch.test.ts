import { expect } from 'chai';
import { Actor, Terminated, type ActorRef } from '../src/index.js';
import { TestProbe } from '../src/testkit/index.js';
import { Systems } from './helpers.js';

type WatcherMsg = { type: 'watch'; target: ActorRef<unknown>; custom?: boolean } | { type: 'unwatch'; target: ActorRef<unknown> } | Terminated | { type: 'gone'; who: string };

/** Watches on command and forwards every Terminated (or custom message) to a probe. */
function watcher(probe: ActorRef<unknown>) {
  return class Watcher extends Actor<WatcherMsg> {
    receive(msg: WatcherMsg): string | void {
      if (msg instanceof Terminated || msg.type === 'gone') return probe.tell(msg);
      if (msg.type === 'watch') this.context.watch(msg.target, msg.custom ? { type: 'gone', who: msg.target.toString() } : undefined);
      else this.context.unwatch(msg.target);
      return 'ok';
    }
  };
}

class Idle extends Actor<unknown> {
  receive(): string {
    return 'idle';
  }
}

describe('Death watch', () => {
  let systems: Systems;
  beforeEach(() => (systems = new Systems()));
  afterEach(() => systems.close());

  it('tells a local watcher once when the watched actor stops', async () => {
    const system = await systems.create();
    const probe = new TestProbe<Terminated>(system);
    const w = system.spawn(watcher(probe.ref));
    const target = system.spawn(Idle);
    await w.ask({ type: 'watch', target });
    await w.ask({ type: 'watch', target });
    await system.stop(target);
    const t = await probe.expectMessage();
    expect(t.ref.equals(target)).to.equal(true);
    expect(t.existed).to.equal(true);
    await probe.expectNoMessage(50);
  });

  it('delivers the custom message given to watch', async () => {
    const system = await systems.create();
    const probe = new TestProbe<{ type: string; who: string }>(system);
    const w = system.spawn(watcher(probe.ref));
    const target = system.spawn(Idle);
    await w.ask({ type: 'watch', target, custom: true });
    await system.stop(target);
    expect(await probe.expectMessage()).to.deep.equal({ type: 'gone', who: target.toString() });
  });

  it('reports an actor that does not exist as Terminated with existed = false', async () => {
    const system = await systems.create();
    const probe = new TestProbe<Terminated>(system);
    const w = system.spawn(watcher(probe.ref));
    await w.ask({ type: 'watch', target: system.ref(system.node, '/user/never') });
    expect((await probe.expectMessage()).existed).to.equal(false);
  });

  it('does not deliver after unwatch', async () => {
    const system = await systems.create();
    const probe = new TestProbe<Terminated>(system);
    const w = system.spawn(watcher(probe.ref));
    const target = system.spawn(Idle);
    await w.ask({ type: 'watch', target });
    await w.ask({ type: 'unwatch', target });
    await system.stop(target);
    await probe.expectNoMessage(50);
  });

  it('watches an actor on another node', async () => {
    const a = await systems.create();
    const b = await systems.create();
    const probe = new TestProbe<Terminated>(a);
    const w = a.spawn(watcher(probe.ref));
    const target = b.spawn(Idle, { name: 'remote-target' });
    await w.ask({ type: 'watch', target: a.refFor(target.address) });
    // The watch is acknowledged by b before it can stop: wait for b to know its watcher.
    await w.ask({ type: 'watch', target: a.ref(b.node, '/user/absent') });
    const absent = await probe.expectMessage();
    expect(absent.existed).to.equal(false);
    await b.stop(target);
    const t = await probe.expectMessage();
    expect(t.ref.toString()).to.equal(target.toString());
    expect(t.existed).to.equal(true);
  });

  it('reports a watched actor on a node nobody serves at once', async () => {
    const a = await systems.create({ askTimeoutMs: 60_000 });
    const probe = new TestProbe<Terminated>(a);
    const w = a.spawn(watcher(probe.ref));
    await w.ask({ type: 'watch', target: a.ref('vanished-node', '/user/x') });
    expect((await probe.expectMessage(1000)).existed).to.equal(false);
  });

  it('stops children with their parent and tells their watchers', async () => {
    const system = await systems.create();
    class Parent extends Actor<string> {
      receive(): ActorRef<unknown> {
        return this.context.spawn(Idle, { name: 'kid' });
      }
    }
    const probe = new TestProbe<Terminated>(system);
    const w = system.spawn(watcher(probe.ref));
    const parent = system.spawn(Parent);
    const kid = await parent.ask<ActorRef<unknown>>('spawn');
    await w.ask({ type: 'watch', target: kid });
    await system.stop(parent);
    expect((await probe.expectMessage()).ref.equals(kid)).to.equal(true);
    expect(system.stats().actors).to.equal(2);
  });
});
