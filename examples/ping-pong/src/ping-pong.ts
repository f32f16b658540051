import { Actor, ActorSystem, InMemoryNetwork, type ActorRef, type Transport } from '@armada/actors';

/** The protocol: a ball that says who to send it back to. */
export type Ball = { type: 'ping' | 'pong'; hits: number; replyTo: ActorRef<Ball> };
/** What the player on the left is told to do. */
export type Serve = { type: 'serve'; to: ActorRef<Ball>; rounds: number };

/** Returns every ball it receives to whoever sent it, one hit higher. */
export class Pong extends Actor<Ball> {
  receive(ball: Ball): void {
    ball.replyTo.tell({ type: 'pong', hits: ball.hits + 1, replyTo: this.self });
  }
}

/** Serves, then keeps the rally going until `rounds` hits (both players') and answers the serve with the count. */
export class Ping extends Actor<Serve | Ball> {
  private done: ((hits: number) => void) | undefined;
  private rounds = 0;

  receive(msg: Serve | Ball): number | void {
    if (msg.type === 'serve') {
      // The serve is the first hit.
      if (msg.rounds <= 1) return 1;
      this.rounds = msg.rounds;
      msg.to.tell({ type: 'ping', hits: 1, replyTo: this.self as ActorRef<Ball> });
      // The rally goes on in later messages, so the serve must not hold the mailbox: answer the
      // ask later, through the temporary ref the asker is known by.
      const asker = this.context.sender;
      this.done = (hits) => asker?.tell(hits);
      return;
    }
    if (msg.hits >= this.rounds) return this.done?.(msg.hits);
    const next = msg.hits + 1;
    if (next >= this.rounds) this.done?.(next);
    else msg.replyTo.tell({ type: 'ping', hits: next, replyTo: this.self as ActorRef<Ball> });
  }
}

/** Options of {@link playPingPong}. */
export interface PingPongOptions {
  /** Hits in the rally. Default 1000. */
  rounds?: number;
  /** Builds the transport of each side; default both sides share one in-memory network. */
  transport?: (side: 'left' | 'right') => Transport;
}

/** Result of one game. */
export interface PingPongResult {
  hits: number;
  elapsedMs: number;
  leftNode: string;
  rightNode: string;
}

/**
 * Starts two actor systems (two nodes), puts `Ping` on the left and `Pong` on the right, plays a
 * rally of `rounds` hits and shuts both down.
 */
export async function playPingPong(options: PingPongOptions = {}): Promise<PingPongResult> {
  const rounds = options.rounds ?? 1000;
  const network = new InMemoryNetwork();
  const left = await ActorSystem.create({ name: 'left', ...(options.transport ? { transport: options.transport('left') } : { network }) });
  const right = await ActorSystem.create({ name: 'right', ...(options.transport ? { transport: options.transport('right') } : { network }) });
  try {
    const pong = right.spawn(Pong, { name: 'pong' });
    const ping = left.spawn(Ping, { name: 'ping' });
    const started = performance.now();
    // The left node reaches the right one by address only: location transparency.
    const remotePong = left.refFor<Ball>(pong.address);
    const hits = await ping.ask<number>({ type: 'serve', to: remotePong, rounds }, { timeoutMs: 60_000 });
    return { hits, elapsedMs: performance.now() - started, leftNode: left.node, rightNode: right.node };
  } finally {
    await left.terminate();
    await right.terminate();
  }
}
