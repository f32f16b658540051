import type { MachineId } from '../ids.js';

/** Results a master accepted from one agent since the master started (its jobs only). */
export interface AgentActivity {
  readonly agent: string;
  readonly done: number;
  readonly failed: number;
}

/** Packets of this master's jobs that moved from `from` to `to` by steals the master recorded. */
export interface StealActivity {
  readonly from: string;
  readonly to: string;
  /** Steal transactions the master recorded (one `moved` that released at least one packet). */
  readonly steals: number;
  readonly packets: number;
}

/** A machine that left this master's view: declared dead by the failure detector, or drained and gone. */
export interface DepartedMachine {
  readonly id: MachineId;
  readonly name: string;
  readonly reason: 'dead' | 'left';
  /** Why, in words (for `dead`: the silence the failure detector saw). */
  readonly detail: string;
  /** Milliseconds since it left. */
  readonly agoMs: number;
}

/**
 * Cumulative counters of what one master saw, for dashboards: every count only grows, so a reader
 * takes rates from the difference of two views.
 */
export interface ActivityView {
  /** Results accepted (each packet once), over all jobs of this master. */
  readonly done: number;
  /** Packets that failed (a user error, or retries exhausted). */
  readonly failed: number;
  readonly agents: readonly AgentActivity[];
  readonly steals: readonly StealActivity[];
  /** The most recent departures, newest last. */
  readonly departed: readonly DepartedMachine[];
  /** The failure detector's `deadAfterMs`: a silent machine is declared dead this long after its last word. */
  readonly deadAfterMs: number;
}

const DEPARTED_KEPT = 64;

/**
 * The counting behind {@link ActivityView}. Bounded: one entry per agent and per (victim, thief)
 * pair that ever stole, and the last {@link DEPARTED_KEPT} departures.
 */
export class Activity {
  private done = 0;
  private failed = 0;
  private readonly agents = new Map<string, { done: number; failed: number }>();
  private readonly steals = new Map<string, { from: string; to: string; steals: number; packets: number }>();
  private readonly departed: Array<{ id: MachineId; name: string; reason: 'dead' | 'left'; detail: string; at: number }> = [];

  /** `count` results of `agent` were accepted. */
  accepted(agent: string | undefined, count: number, failed: boolean): void {
    if (failed) this.failed += count;
    else this.done += count;
    if (agent === undefined) return;
    let entry = this.agents.get(agent);
    if (entry === undefined) this.agents.set(agent, (entry = { done: 0, failed: 0 }));
    if (failed) entry.failed += count;
    else entry.done += count;
  }

  /** A steal moved `packets` from agent `from` to agent `to`. */
  stolen(from: string, to: string, packets: number): void {
    const key = `${from} ${to}`;
    let entry = this.steals.get(key);
    if (entry === undefined) this.steals.set(key, (entry = { from, to, steals: 0, packets: 0 }));
    entry.steals++;
    entry.packets += packets;
  }

  /** A machine left the view at `at`. */
  left(id: MachineId, name: string, reason: 'dead' | 'left', detail: string, at: number): void {
    this.departed.push({ id, name, reason, detail, at });
    if (this.departed.length > DEPARTED_KEPT) this.departed.shift();
  }

  /** A copy of the counters as of `now`; departures carry their age. */
  view(now: number, deadAfterMs: number): ActivityView {
    return {
      done: this.done,
      failed: this.failed,
      agents: [...this.agents].map(([agent, a]) => ({ agent, done: a.done, failed: a.failed })),
      steals: [...this.steals.values()].map((s) => ({ ...s })),
      departed: this.departed.map(({ at, ...d }) => ({ ...d, agoMs: Math.round(now - at) })),
      deadAfterMs,
    };
  }
}
