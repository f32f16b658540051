import { expect } from 'chai';
import {
  Actor,
  ActorNameTakenError,
  ActorNotFoundError,
  AskTimeoutError,
  InvalidArgumentError,
  MailboxFullError,
  NoRespondersError,
  OverflowPolicy,
  PayloadTooLargeError,
  SerializationError,
  Tokens,
  inject,
  injectable,
  type ActorRef,
  type Clock,
  type DeadLetter,
} from '../src/index.js';
import { SimulatedClock } from '../src/testkit/index.js';
import { MemoryLogger, Systems, eventually } from './helpers.js';

type CounterMsg = { type: 'inc'; by: number } | { type: 'get' };

class Counter extends Actor<CounterMsg> {
  private n = 0;
  receive(msg: CounterMsg): number | undefined {
    if (msg.type === 'inc') this.n += msg.by;
    else return this.n;
    return undefined;
  }
}

class Echo extends Actor<unknown> {
  receive(msg: unknown): unknown {
    return msg;
  }
}

describe('ActorSystem', () => {
  let systems: Systems;
  beforeEach(() => (systems = new Systems()));
  afterEach(() => systems.close());

  it('delivers tells in order and answers asks with the value receive returns', async () => {
    const system = await systems.create();
    const counter = system.spawn(Counter, { name: 'counter' });
    for (let i = 1; i <= 100; i++) counter.tell({ type: 'inc', by: i });
    expect(await counter.ask<number>({ type: 'get' })).to.equal(5050);
  });

  it('builds the message around a typed replyTo for request/response protocols', async () => {
    type Msg = { type: 'add'; a: number; b: number; replyTo: ActorRef<number> };
    class Adder extends Actor<Msg> {
      receive(msg: Msg): void {
        msg.replyTo.tell(msg.a + msg.b);
      }
    }
    const system = await systems.create();
    const adder = system.spawn(Adder);
    expect(await adder.ask<number>((replyTo) => ({ type: 'add', a: 2, b: 3, replyTo }))).to.equal(5);
  });

  it('yields to I/O after `throughput` messages in a row, and not before', async () => {
    const seen: string[] = [];
    class Recorder extends Actor<number> {
      receive(n: number): void {
        seen.push(`m${n}`);
      }
    }
    const system = await systems.create({ throughput: 3 });
    const recorder = system.spawn(Recorder);
    const io = new Promise<void>((resolve) => setImmediate(() => (seen.push('io'), resolve())));
    for (let i = 1; i <= 7; i++) recorder.tell(i);
    await io;
    await eventually(() => seen.length === 8);
    expect(seen).to.deep.equal(['m1', 'm2', 'm3', 'io', 'm4', 'm5', 'm6', 'm7']);
  });

  it('handles one message at a time, even when receive is async', async () => {
    let inside = 0;
    let maxInside = 0;
    class Slow extends Actor<number> {
      async receive(n: number): Promise<number> {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setImmediate(r));
        inside--;
        return n * 2;
      }
    }
    const system = await systems.create();
    const slow = system.spawn(Slow);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => slow.ask<number>(i)));
    expect(results).to.deep.equal(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(maxInside).to.equal(1);
  });

  it('rejects an ask to a missing local actor with ActorNotFoundError and dead-letters a tell', async () => {
    const system = await systems.create();
    const letters: DeadLetter[] = [];
    system.deadLetters.subscribe((l) => letters.push(l));
    const ghost = system.ref(system.node, '/user/ghost');
    let error: unknown;
    await ghost.ask('hi').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ActorNotFoundError);
    ghost.tell('lost');
    expect(letters.map((l) => l.message)).to.deep.equal(['lost']);
  });

  it('dead-letters tells queued at an actor that stops, without a warning', async () => {
    const logger = new MemoryLogger();
    const system = await systems.create({ logger });
    const letters: DeadLetter[] = [];
    system.deadLetters.subscribe((l) => letters.push(l));
    let release: () => void = () => undefined;
    let blocked = false;
    class Slow extends Actor<string> {
      async receive(msg: string): Promise<void> {
        if (msg !== 'block') return;
        blocked = true;
        await new Promise<void>((r) => (release = r));
      }
    }
    const ref = system.spawn(Slow);
    ref.tell('block');
    ref.tell('queued');
    await eventually(() => blocked);
    const stopped = system.stop(ref);
    release();
    await stopped;
    await eventually(() => letters.length === 1);
    expect(letters[0]!.message).to.equal('queued');
    expect(letters[0]!.reason).to.match(/^ActorStoppedError/);
    expect(logger.records.filter((r) => r.level === 'warn')).to.deep.equal([]);
  });

  it('answers a remote ask told to context.sender, once, and ignores a second answer', async () => {
    class Doubler extends Actor<number> {
      receive(n: number): void {
        const sender = this.context.sender!;
        expect(sender.address.path.startsWith('/temp/')).to.equal(true);
        sender.tell(n * 2);
        sender.tell(n * 3);
      }
    }
    const a = await systems.create();
    const b = await systems.create();
    b.spawn(Doubler, { name: 'doubler' });
    const ref = a.ref<number>(b.node, '/user/doubler');
    expect(await Promise.all([ref.ask<number>(1), ref.ask<number>(2), ref.ask<number>(3)])).to.deep.equal([2, 4, 6]);
    // Replies keep their order per pair, so the late second answers have arrived by the next reply.
    expect(await ref.ask<number>(4)).to.equal(8);
    expect(a.stats()).to.include({ pendingAsks: 0, malformedMessages: 0 });
  });

  it('rejects an ask to a missing remote actor with ActorNotFoundError', async () => {
    const a = await systems.create();
    const b = await systems.create();
    const error = await a.ref(b.node, '/user/nobody').ask('x').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ActorNotFoundError);
  });

  it('rejects an ask to a node nobody serves with NoRespondersError at once', async () => {
    const system = await systems.create({ askTimeoutMs: 60_000 });
    const started = Date.now();
    const error = await system.ref('nobody-here', '/user/x').ask('x').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NoRespondersError);
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it('broadcasts to the actor at a path on every node and quietly skips nodes without one', async () => {
    const nodes = [await systems.create(), await systems.create(), await systems.create()];
    const heard: Array<[string, unknown]> = [];
    for (const system of nodes.slice(0, 2)) {
      system.spawn(() => new (class extends Actor<unknown> {
        receive(msg: unknown): void {
          heard.push([system.node, msg]);
        }
      })(), { name: 'listener' });
    }
    const letters: DeadLetter[] = [];
    nodes[2]!.deadLetters.subscribe((l) => letters.push(l));
    nodes[2]!.broadcast('/user/listener', 'a');
    nodes[2]!.broadcast('/user/listener', 'b');
    await eventually(() => heard.length === 4);
    for (const system of nodes.slice(0, 2)) expect(heard.filter(([n]) => n === system.node).map(([, m]) => m)).to.deep.equal(['a', 'b']);
    expect(letters).to.deep.equal([]);
    expect(() => nodes[0]!.broadcast('no-slash', 1)).to.throw(InvalidArgumentError);
  });

  it('times out an unanswered ask on the injected clock', async () => {
    const clock = new SimulatedClock();
    const system = await systems.create({ clock });
    class Mute extends Actor<unknown> {
      receive(): void {}
    }
    const mute = system.spawn(Mute);
    const result = mute.ask('hello?', { timeoutMs: 250 }).catch((e: unknown) => e);
    await clock.advance(249);
    expect(system.stats().pendingAsks).to.equal(1);
    await clock.advance(1);
    const error = await result;
    expect(error).to.be.instanceOf(AskTimeoutError);
    expect((error as AskTimeoutError).timeoutMs).to.equal(250);
    expect(system.stats().pendingAsks).to.equal(0);
  });

  it('rejects bad ask timeouts and bad names with InvalidArgumentError', async () => {
    const system = await systems.create();
    const echo = system.spawn(Echo);
    expect(await echo.ask(1, { timeoutMs: -5 }).catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
    expect(() => system.spawn(Echo, { name: 'a/b' })).to.throw(InvalidArgumentError);
    expect(() => system.spawn('Echo' as never)).to.throw(InvalidArgumentError);
  });

  it('refuses a second actor with the same name, and frees the name when it stops', async () => {
    const system = await systems.create();
    const first = system.spawn(Echo, { name: 'twin' });
    expect(() => system.spawn(Echo, { name: 'twin' })).to.throw(ActorNameTakenError);
    await system.stop(first);
    const second = system.spawn(Echo, { name: 'twin' });
    expect(await second.ask('ok')).to.equal('ok');
  });

  it('rejects the ask with the error receive threw', async () => {
    class Picky extends Actor<number> {
      receive(n: number): number {
        if (n < 0) throw new RangeError('negative');
        return n;
      }
    }
    const system = await systems.create();
    const picky = system.spawn(Picky);
    const error = await picky.ask(-1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
    expect(await picky.ask(3)).to.equal(3);
  });

  it('carries the remote error with its stack across nodes', async () => {
    class Fails extends Actor<string> {
      receive(): never {
        throw Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
      }
    }
    const a = await systems.create();
    const b = await systems.create();
    b.spawn(Fails, { name: 'fails' });
    const error = (await a.ref(b.node, '/user/fails').ask('x').catch((e: unknown) => e)) as TypeError & { code: string };
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.equal('bad input');
    expect(error.code).to.equal('E_BAD');
    expect(error.stack).to.contain('Fails.receive');
  });

  describe('mailbox', () => {
    /** Blocks on 'block' until `release` is called; records what it handled. */
    function gate() {
      const seen: string[] = [];
      let release: () => void = () => undefined;
      let blocked = false;
      class Gate extends Actor<string> {
        async receive(msg: string): Promise<string[]> {
          if (msg === 'block') {
            blocked = true;
            await new Promise<void>((r) => (release = r));
          }
          seen.push(msg);
          return [...seen];
        }
      }
      return { Gate, seen, release: () => release(), isBlocked: () => blocked };
    }

    it('drop-new refuses messages past capacity: dead letters for tells, MailboxFullError for asks', async () => {
      const system = await systems.create();
      const letters: DeadLetter[] = [];
      system.deadLetters.subscribe((l) => letters.push(l));
      const g = gate();
      const ref = system.spawn(g.Gate, { mailbox: { capacity: 2, overflow: OverflowPolicy.DropNew } });
      ref.tell('block');
      await eventually(g.isBlocked);
      ref.tell('a');
      ref.tell('b');
      ref.tell('c');
      expect(await ref.ask('d').catch((e: unknown) => e)).to.be.instanceOf(MailboxFullError);
      expect(letters.map((l) => l.message)).to.deep.equal(['c']);
      g.release();
      await eventually(() => g.seen.length === 3);
      expect(await ref.ask<string[]>('e')).to.deep.equal(['block', 'a', 'b', 'e']);
    });

    it('drop-oldest makes room by dropping the oldest queued message', async () => {
      const system = await systems.create();
      const letters: DeadLetter[] = [];
      system.deadLetters.subscribe((l) => letters.push(l));
      const g = gate();
      const ref = system.spawn(g.Gate, { mailbox: { capacity: 2, overflow: OverflowPolicy.DropOldest } });
      ref.tell('block');
      await eventually(g.isBlocked);
      ref.tell('a');
      ref.tell('b');
      ref.tell('c');
      expect(letters.map((l) => l.message)).to.deep.equal(['a']);
      g.release();
      await eventually(() => g.seen.length === 3);
      expect(await ref.ask<string[]>('end')).to.deep.equal(['block', 'b', 'c', 'end']);
    });
  });

  describe('dependency injection', () => {
    const GREETING = Symbol('greeting');

    @injectable()
    class Greeter extends Actor<string> {
      constructor(
        @inject(GREETING) private readonly greeting: string,
        @inject(Tokens.Clock) private readonly clock: Clock,
      ) {
        super();
      }
      receive(name: string): string {
        return `${this.greeting}, ${name} @${typeof this.clock.now()}`;
      }
    }

    it('builds actors from the system container with per-spawn providers', async () => {
      const system = await systems.create();
      const greeter = system.spawn(Greeter, { provide: [{ token: GREETING, useValue: 'hello' }] });
      expect(await greeter.ask('ada')).to.equal('hello, ada @number');
    });

    it('resolves services registered on the system container', async () => {
      const system = await systems.create();
      system.container.register(GREETING, { useValue: 'hi' });
      expect(await system.spawn(Greeter).ask('bob')).to.equal('hi, bob @number');
    });
  });

  describe('bad input', () => {
    it('rejects an ask whose message cannot be encoded with SerializationError and dead-letters the tell', async () => {
      const a = await systems.create();
      const b = await systems.create();
      b.spawn(Echo, { name: 'echo' });
      const remote = a.ref(b.node, '/user/echo');
      expect(await remote.ask({ f: () => 1 }).catch((e: unknown) => e)).to.be.instanceOf(SerializationError);
      let letter: DeadLetter | undefined;
      a.deadLetters.subscribe((l) => (letter = l));
      remote.tell({ f: () => 1 });
      expect(letter?.reason).to.match(/SerializationError/);
      expect(await remote.ask('still fine')).to.equal('still fine');
    });

    it('rejects an oversize message with PayloadTooLargeError and sends nothing', async () => {
      const { InMemoryTransport } = await import('../src/index.js');
      const a = await systems.create();
      const b = await systems.create({ transport: new InMemoryTransport(systems.network, { maxMessageBytes: 1024 }) });
      a.spawn(Echo, { name: 'echo' });
      const error = await b.ref(a.node, '/user/echo').ask(new Uint8Array(4096)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PayloadTooLargeError);
      expect(await b.ref(a.node, '/user/echo').ask('small')).to.equal('small');
    });

    it('turns a reply that cannot be encoded into a SerializationError for the asker', async () => {
      class Leaky extends Actor<string> {
        receive(): unknown {
          return { callback: () => 1 };
        }
      }
      const a = await systems.create();
      const b = await systems.create();
      b.spawn(Leaky, { name: 'leaky' });
      expect(await a.ref(b.node, '/user/leaky').ask('x').catch((e: unknown) => e)).to.be.instanceOf(SerializationError);
    });
  });

  it('rejects waiting asks when the system terminates', async () => {
    const system = await systems.create();
    class Mute extends Actor<unknown> {
      receive(): void {}
    }
    const pending = system.spawn(Mute).ask('x', { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await system.terminate();
    expect(((await pending) as Error).name).to.be.oneOf(['TransportClosedError', 'ActorStoppedError']);
  });
});
