import { expect } from 'chai';
import { Actor, Directive, Terminated, supervisorStrategy, type ActorRef } from '../src/index.js';
import { SimulatedClock, TestProbe } from '../src/testkit/index.js';
import { Systems, eventually } from './helpers.js';

type Msg = 'boom' | 'count' | { type: 'spawn-child' };

/** Counts messages; 'boom' throws. Reports lifecycle calls to a shared log. */
function lifecycle(log: string[]) {
  return class Fragile extends Actor<Msg> {
    private n = 0;
    override preStart(): void {
      log.push('preStart');
    }
    override postStop(): void {
      log.push('postStop');
    }
    override preRestart(error: unknown): void {
      log.push(`preRestart:${(error as Error).message}`);
    }
    receive(msg: Msg): unknown {
      if (msg === 'boom') throw new Error('boom');
      if (msg === 'count') return ++this.n;
      return this.context.spawn(lifecycle(log), { name: 'child' });
    }
  };
}

describe('Supervision', () => {
  let systems: Systems;
  beforeEach(() => (systems = new Systems()));
  afterEach(() => systems.close());

  it('restart replaces the instance: state is reset, hooks run, the mailbox is kept', async () => {
    const log: string[] = [];
    const system = await systems.create();
    const ref = system.spawn(lifecycle(log), { supervisor: supervisorStrategy(Directive.Restart) });
    ref.tell('count');
    ref.tell('count');
    ref.tell('boom');
    ref.tell('count');
    expect(await ref.ask('count')).to.equal(2);
    expect(log).to.deep.equal(['preStart', 'preRestart:boom', 'postStop', 'preStart']);
  });

  it('resume keeps the instance and its state', async () => {
    const log: string[] = [];
    const system = await systems.create();
    const ref = system.spawn(lifecycle(log), { supervisor: supervisorStrategy(Directive.Resume) });
    ref.tell('count');
    ref.tell('boom');
    expect(await ref.ask('count')).to.equal(2);
    expect(log).to.deep.equal(['preStart']);
  });

  it('stop ends the actor, runs postStop and tells watchers', async () => {
    const log: string[] = [];
    const system = await systems.create();
    const ref = system.spawn(lifecycle(log), { supervisor: supervisorStrategy(Directive.Stop) });
    const probe = new TestProbe<Terminated>(system);
    watchFrom(system, probe.ref, ref);
    ref.tell('boom');
    const terminated = await probe.expectMessage();
    expect(terminated).to.be.instanceOf(Terminated);
    expect(terminated.ref.equals(ref)).to.equal(true);
    expect(log).to.deep.equal(['preStart', 'postStop']);
  });

  it('stops the actor once the restart budget is spent within the window', async () => {
    const clock = new SimulatedClock();
    const log: string[] = [];
    const system = await systems.create({ clock });
    const ref = system.spawn(lifecycle(log), { supervisor: supervisorStrategy(Directive.Restart, { maxRestarts: 2, withinMs: 1000 }) });
    ref.tell('boom');
    ref.tell('boom');
    expect(await ref.ask('count')).to.equal(1);
    await clock.advance(1001);
    ref.tell('boom');
    ref.tell('boom');
    expect(await ref.ask('count')).to.equal(1);
    ref.tell('boom');
    ref.tell('boom');
    ref.tell('boom');
    await eventually(() => system.stats().actors === 0);
    expect(log.filter((l) => l === 'postStop')).to.have.length(5);
  });

  it('escalate fails the parent, whose restart stops and replaces the children', async () => {
    const log: string[] = [];
    const childLog: string[] = [];
    class Child extends Actor<'boom' | 'ping'> {
      override preStart(): void {
        childLog.push('child:start');
      }
      override postStop(): void {
        childLog.push('child:stop');
      }
      receive(msg: 'boom' | 'ping'): string {
        if (msg === 'boom') throw new Error('child failed');
        return 'pong';
      }
    }
    class Parent extends Actor<'child' | 'count'> {
      private n = 0;
      override preStart(): void {
        log.push('parent:start');
      }
      override preRestart(error: unknown): void {
        log.push(`parent:restart:${(error as Error).message}`);
      }
      receive(msg: 'child' | 'count'): unknown {
        if (msg === 'count') return ++this.n;
        return this.context.spawn(() => new Child(), { name: 'kid', supervisor: supervisorStrategy(Directive.Escalate) });
      }
    }
    const system = await systems.create();
    const parent = system.spawn(Parent, { name: 'parent' });
    parent.tell('count');
    const child = await parent.ask<ActorRef<'boom' | 'ping'>>('child');
    expect(await child.ask('ping')).to.equal('pong');
    child.tell('boom');
    await eventually(() => log.length === 3);
    expect(log).to.deep.equal(['parent:start', 'parent:restart:child failed', 'parent:start']);
    expect(await parent.ask('count')).to.equal(1);
    expect(childLog).to.deep.equal(['child:start', 'child:stop']);
    expect(system.stats().actors).to.equal(1);
  });

  it('a failing preStart goes to the supervisor too', async () => {
    let attempts = 0;
    class BadStart extends Actor<string> {
      override preStart(): void {
        if (++attempts < 3) throw new Error('not yet');
      }
      receive(msg: string): string {
        return msg;
      }
    }
    const system = await systems.create();
    const ref = system.spawn(BadStart);
    expect(await ref.ask('ready')).to.equal('ready');
    expect(attempts).to.equal(3);
  });
});

/** Makes `watcher` (a probe) watch `target` by spawning a tiny forwarding actor. */
function watchFrom(system: import('../src/index.js').ActorSystem, watcher: ActorRef<Terminated>, target: ActorRef<unknown>): void {
  class Watcher extends Actor<Terminated> {
    override preStart(): void {
      this.context.watch(target);
    }
    receive(msg: Terminated): void {
      watcher.tell(msg);
    }
  }
  system.spawn(() => new Watcher());
}

export { watchFrom };
