import type { Clock, TimerHandle } from '@armada/actors';
import type { StealPolicy } from '../stealing/steal-policy.js';
import type { AgentSettings } from './agent-settings.js';
import type { PeerInfo } from './protocol.js';

/** The timer id that means "the back-off pause is over". */
export const BACKOFF_OVER = -1;

/**
 * An idle agent's steal attempts: one steal request out at a time, answered by a grant or given
 * up after `stealTimeoutMs`; one quick round over the peers, then exponential back-off up to
 * `maxStealBackoffMs`, so an idle cluster stays quiet; back to quick rounds once there is work
 * again (`reset`). Timers call `wake(id)` (`BACKOFF_OVER` for the end of a pause), which the agent
 * turns into a message to itself and hands to {@link timedOut}.
 */
export class Thief {
  private lastId = 0;
  private pending: { id: number; timer: TimerHandle } | undefined;
  private attempt = 0;
  private pause: TimerHandle | undefined;
  private pauseOver = false;

  constructor(
    private readonly settings: Pick<AgentSettings, 'stealing' | 'stealTimeoutMs' | 'maxStealBackoffMs'>,
    private readonly clock: Clock,
    private readonly policy: StealPolicy,
    private readonly wake: (id: number) => void,
  ) {}

  /** There is work in the cluster again: the next idle moment steals at once. */
  reset(): void {
    this.attempt = 0;
    this.pauseOver = false;
    if (this.pause !== undefined) this.clock.clearTimeout(this.pause);
    this.pause = undefined;
  }

  /** The victim and id of the steal request to send now, or undefined (one is out, a pause runs, no peer). */
  next(peers: readonly PeerInfo[]): { readonly id: number; readonly peer: PeerInfo } | undefined {
    if (!this.settings.stealing || this.pending !== undefined || this.pause !== undefined || peers.length === 0) return undefined;
    const delay = this.attempt < peers.length ? 0 : Math.min(this.settings.maxStealBackoffMs, 2 ** (this.attempt - peers.length));
    if (delay > 0 && !this.pauseOver) {
      this.pause = this.clock.setTimeout(() => {
        this.pause = undefined;
        this.wake(BACKOFF_OVER);
      }, delay);
      return undefined;
    }
    this.pauseOver = false;
    const victim = this.policy.victim(
      peers.map((p) => ({ agent: p.agent.toString(), machine: p.machine })),
      this.attempt,
    );
    const peer = victim === undefined ? undefined : peers.find((p) => p.agent.toString() === victim.agent);
    if (peer === undefined) return undefined;
    const id = ++this.lastId;
    this.pending = { id, timer: this.clock.setTimeout(() => this.wake(id), this.settings.stealTimeoutMs) };
    return { id, peer };
  }

  /** A grant for request `id` came; an empty one counts as a failed attempt, a full one resets. */
  granted(id: number, empty: boolean): void {
    if (this.pending?.id === id) {
      this.clock.clearTimeout(this.pending.timer);
      this.pending = undefined;
    }
    if (empty) this.attempt++;
    else this.reset();
  }

  /** A timer fired: the pause is over, or request `id` got no answer in time (a failed attempt). */
  timedOut(id: number): void {
    if (id === BACKOFF_OVER) this.pauseOver = true;
    else if (this.pending?.id === id) {
      this.pending = undefined;
      this.attempt++;
    }
  }

  /** Clears the timers. */
  close(): void {
    if (this.pending !== undefined) this.clock.clearTimeout(this.pending.timer);
    if (this.pause !== undefined) this.clock.clearTimeout(this.pause);
  }
}
