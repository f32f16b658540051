import type { Clock, TimerHandle } from '@armada/actors';
import type { AgentRef } from '../agent/protocol.js';

/**
 * The master's acknowledgements of `results`, gathered per agent and sent as one `results-acks`
 * at most `delayMs` after the first of them. A job of small packets brings a results message from
 * every agent every few milliseconds, and one acknowledgement each made a third of its messages
 * (each waking the agent's process for nothing). An agent keeps a results message until it is
 * acknowledged and sends it again only after `resultResendMs` (300 ms by default), so a delay of a
 * few tens of milliseconds changes nothing else. With `delayMs` ≤ 0 every acknowledgement goes at once.
 */
export class AckBatcher {
  private readonly pending = new Map<string, { readonly ref: AgentRef; readonly seqs: number[] }>();
  private timer: TimerHandle | undefined;

  /** `wake` is called when the delay is over; the master then calls {@link flush} in its own turn. */
  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
    private readonly wake: () => void,
  ) {}

  /** Acknowledges results message `seq` of `agent`, now or with the agent's next batch. */
  add(agent: AgentRef, seq: number): void {
    if (!(this.delayMs > 0)) {
      agent.tell({ type: 'results-acks', seqs: [seq] });
      return;
    }
    const key = agent.toString();
    const entry = this.pending.get(key);
    if (entry === undefined) this.pending.set(key, { ref: agent, seqs: [seq] });
    else entry.seqs.push(seq);
    this.timer ??= this.clock.setTimeout(this.wake, this.delayMs);
  }

  /** Sends every waiting acknowledgement, one message per agent. */
  flush(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const { ref, seqs } of this.pending.values()) ref.tell({ type: 'results-acks', seqs });
    this.pending.clear();
  }

  /** Drops what waits and the timer (the master stops: its agents drop its jobs, outboxes included). */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
