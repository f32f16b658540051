import type { PeerInfo } from '../agent/protocol.js';
import type { WorkHints } from '../machine/protocol.js';
import type { Member } from './membership.js';

/** Victims named in one hint, at most. */
export const MAX_HINT_VICTIMS = 8;

/** A victim is worth naming when its heartbeat showed more queued packets than one running. */
const MIN_VICTIM_QUEUED = 2;

/**
 * The master's work hint (see `WorkHints`): whether a job that allows stealing runs, and the agents with the deepest
 * queues by the latest heartbeats. {@link update} recomputes it and bumps the version only when it
 * changed, so an idle master's hint, once every machine has it, costs no message at all.
 */
export class WorkHint {
  private current: { running: boolean; victims: PeerInfo[]; key: string } = { running: false, victims: [], key: '0 ' };
  private v = 1;

  /** Increases with every change; machines echo the one they have in heartbeats. */
  get version(): number {
    return this.v;
  }

  get running(): boolean {
    return this.current.running;
  }

  /**
   * Recomputes the hint from the members' queue depths; returns true when it changed. Victims are
   * named only while a job runs: depths left over in the books of an idle cluster mean nothing.
   */
  update(members: Iterable<Member>, running: boolean): boolean {
    const victims: Array<{ peer: PeerInfo; queued: number }> = [];
    if (running) {
      for (const m of members) {
        if (m.draining === true) continue;
        for (const slot of m.slots) if (slot.queued >= MIN_VICTIM_QUEUED) victims.push({ peer: { agent: slot.ref, machine: slot.machine }, queued: slot.queued });
      }
      victims.sort((a, b) => b.queued - a.queued);
      victims.length = Math.min(victims.length, MAX_HINT_VICTIMS);
    }
    const key = `${running ? 1 : 0} ${victims.map((v) => v.peer.agent.toString()).join(' ')}`;
    if (key === this.current.key) return false;
    this.current = { running, victims: victims.map((v) => v.peer), key };
    this.v++;
    return true;
  }

  /** The hint as `master` sends it. */
  message(master: string): WorkHints {
    return { type: 'work-hint', master, version: this.v, running: this.current.running, victims: this.current.victims };
  }
}
