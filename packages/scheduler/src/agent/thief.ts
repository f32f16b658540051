import type { Clock, TimerHandle } from '@armada/actors';
import type { StealPolicy } from '../stealing/steal-policy.js';
import type { AgentSettings } from './agent-settings.js';
import type { PeerInfo } from './protocol.js';

/** The timer id that means "the back-off pause is over". */
export const BACKOFF_OVER = -1;

/** What the thief knows of work elsewhere (the machine's `work-hint`). */
export interface StealHint {
  /** Some master runs a job: an empty round is tried again after a pause instead of parking. */
  readonly running: boolean;
  /** Agents (as text) that held queued packets lately, deepest first: asked first. */
  readonly victims: readonly string[];
}

/** No hint yet: a machine that just started knows of no running job. */
export const NO_HINT: StealHint = { running: false, victims: [] };

/**
 * An idle agent's steal attempts, in rounds: one steal request out at a time, answered by a grant
 * or given up after `stealTimeoutMs`; a round asks each peer at most once, in this order: the
 * hinted victims, the peer that last gave work, the peers of the agent's own machine (in-process,
 * no network), then at most `maxRemotePerRound` others, each group in the steal policy's order.
 *
 * While the hint says no job that allows stealing runs, the thief does not start a round at all.
 * A round that finds nothing ends in a pause while the hint says one runs (exponential, 1 ms
 * doubling up to `maxStealBackoffMs`), and otherwise parks the thief: no timer, no message, until
 * {@link reset} (packets came, peers changed, a hint says work runs). So an idle fleet is silent
 * and a busy one keeps looking. Timers call `wake(id)` (`BACKOFF_OVER` for the end of a pause),
 * which the agent turns into a message to itself and hands to {@link timedOut}.
 */
export class Thief {
  private lastId = 0;
  private pending: { id: number; timer: TimerHandle } | undefined;
  /** Peers asked in the current round, as text. */
  private readonly asked = new Set<string>();
  private remoteAsked = 0;
  /** Empty rounds since the thief last had work. */
  private rounds = 0;
  private pause: TimerHandle | undefined;
  private parked = false;
  /** The peer whose last grant had packets: the likeliest to have more. */
  private lastVictim: string | undefined;

  constructor(
    private readonly settings: Pick<AgentSettings, 'machine' | 'stealing' | 'stealTimeoutMs' | 'maxStealBackoffMs' | 'maxRemotePerRound'>,
    private readonly clock: Clock,
    private readonly policy: StealPolicy,
    private readonly wake: (id: number) => void,
  ) {}

  /** Whether a round found nothing since the thief last had work (see `Steal.copies`). */
  get searched(): boolean {
    return this.rounds > 0;
  }

  /** Whether the last round found nothing and no job runs: the thief waits for {@link reset}. */
  get isParked(): boolean {
    return this.parked;
  }

  /** There may be work again: the next idle moment starts a new round at once. */
  reset(): void {
    this.rounds = 0;
    this.parked = false;
    this.newRound();
    if (this.pause !== undefined) this.clock.clearTimeout(this.pause);
    this.pause = undefined;
  }

  /**
   * The victim and id of the steal request to send now, or undefined: one is out, a pause runs,
   * the thief is parked, or there is no peer.
   */
  next(peers: readonly PeerInfo[], hint: StealHint): { readonly id: number; readonly peer: PeerInfo } | undefined {
    if (!this.settings.stealing || this.pending !== undefined || this.pause !== undefined || this.parked || peers.length === 0) return undefined;
    if (!hint.running) {
      // No job that allows stealing runs: a round could only come back empty. Without this, a job
      // with stealing off (round-robin, W3) had its idle agents send ~8,000 steal requests a
      // second, each new packet starting a fresh round.
      this.newRound();
      this.parked = true;
      return undefined;
    }
    let peer = this.pick(peers, hint);
    if (peer === undefined) {
      // The round is over and found nothing.
      this.rounds++;
      this.newRound();
      if (!hint.running) {
        this.parked = true;
        return undefined;
      }
      const delay = Math.min(this.settings.maxStealBackoffMs, 2 ** (this.rounds - 1));
      this.pause = this.clock.setTimeout(() => this.wake(BACKOFF_OVER), delay);
      return undefined;
    }
    const id = ++this.lastId;
    this.pending = { id, timer: this.clock.setTimeout(() => this.wake(id), this.settings.stealTimeoutMs) };
    return { id, peer };
  }

  /** A grant for request `id` came from `victim`; a full one ends the search. */
  granted(id: number, empty: boolean, victim?: string): void {
    if (this.pending?.id === id) {
      this.clock.clearTimeout(this.pending.timer);
      this.pending = undefined;
    }
    if (empty) {
      if (victim !== undefined && victim === this.lastVictim) this.lastVictim = undefined;
      return;
    }
    if (victim !== undefined) this.lastVictim = victim;
    this.reset();
  }

  /** A timer fired: the pause is over, or request `id` got no answer in time (that peer counts as empty). */
  timedOut(id: number): void {
    if (id === BACKOFF_OVER) this.pause = undefined;
    else if (this.pending?.id === id) this.pending = undefined;
  }

  /** Clears the timers. */
  close(): void {
    if (this.pending !== undefined) this.clock.clearTimeout(this.pending.timer);
    if (this.pause !== undefined) this.clock.clearTimeout(this.pause);
  }

  private newRound(): void {
    this.asked.clear();
    this.remoteAsked = 0;
  }

  /** The next peer of this round, marked asked; undefined once the round is over. */
  private pick(peers: readonly PeerInfo[], hint: StealHint): PeerInfo | undefined {
    const byKey = new Map<string, PeerInfo>();
    for (const p of peers) byKey.set(p.agent.toString(), p);
    const fresh = (key: string | undefined) => key !== undefined && byKey.has(key) && !this.asked.has(key);
    let chosen: PeerInfo | undefined;
    const first = [...hint.victims, this.lastVictim].find(fresh);
    if (first !== undefined) chosen = byKey.get(first);
    chosen ??= this.choose(peers.filter((p) => p.machine === this.settings.machine && !this.asked.has(p.agent.toString())));
    if (chosen === undefined && this.remoteAsked < this.settings.maxRemotePerRound) {
      chosen = this.choose(peers.filter((p) => p.machine !== this.settings.machine && !this.asked.has(p.agent.toString())));
    }
    if (chosen === undefined) return undefined;
    this.asked.add(chosen.agent.toString());
    if (chosen.machine !== this.settings.machine) this.remoteAsked++;
    return chosen;
  }

  private choose(candidates: readonly PeerInfo[]): PeerInfo | undefined {
    if (candidates.length === 0) return undefined;
    const victim = this.policy.victim(
      candidates.map((p) => ({ agent: p.agent.toString(), machine: p.machine })),
      this.rounds,
    );
    return (victim !== undefined && candidates.find((p) => p.agent.toString() === victim.agent)) || undefined;
  }
}
