import type { AgentCounts, AgentRef, PeerInfo } from '../agent/protocol.js';
import type { MachineId } from '../ids.js';
import type { MachineRef } from '../machine/protocol.js';
import type { Candidate, MachineStats } from '../placement/placement-strategy.js';

/** One agent as a master tracks it. */
export interface AgentSlot {
  readonly ref: AgentRef;
  /** The agent's address as text; unique in the cluster. */
  readonly key: string;
  readonly machine: MachineId;
  /** Packets this master placed there (or that were stolen onto it) with no result yet. */
  outstanding: number;
  /** Queue depth from the latest heartbeat (all masters' packets). */
  queued: number;
  /** The agent's counts from the latest heartbeat that carried them. */
  counts?: AgentCounts;
}

/** One live machine as a master tracks it. */
export interface Member {
  readonly id: MachineId;
  readonly name: string;
  readonly ref: MachineRef;
  readonly slots: AgentSlot[];
  stats: MachineStats;
  lastHeard: number;
  /** The registration this entry came from (`Register.incarnation`). */
  readonly incarnation: number;
  /** The highest heartbeat `seq` reconciled so far. */
  reportSeq: number;
  /** Draining: keeps its books but gets no new packets. */
  draining?: boolean;
}

/**
 * The machines a master believes alive. A machine joins when it registers and leaves when the
 * master declares it dead; heartbeats and results refresh it.
 */
export class Membership {
  private readonly members = new Map<MachineId, Member>();
  private readonly slots = new Map<string, AgentSlot>();

  get size(): number {
    return this.members.size;
  }

  get agentCount(): number {
    return this.slots.size;
  }

  /** Agents of machines that take new packets (not draining). */
  get placeableAgentCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.draining !== true) n += m.slots.length;
    return n;
  }

  has(id: MachineId): boolean {
    return this.members.has(id);
  }

  get(id: MachineId): Member | undefined {
    return this.members.get(id);
  }

  slot(key: string): AgentSlot | undefined {
    return this.slots.get(key);
  }

  all(): IterableIterator<Member> {
    return this.members.values();
  }

  /** Adds a machine, or refreshes it if it registers again. */
  add(member: Omit<Member, 'slots'>, agents: readonly AgentRef[]): Member {
    this.remove(member.id);
    const slots = agents.map((ref) => ({ ref, key: ref.toString(), machine: member.id, outstanding: 0, queued: 0 }));
    const entry: Member = { ...member, slots };
    this.members.set(member.id, entry);
    for (const slot of slots) this.slots.set(slot.key, slot);
    return entry;
  }

  remove(id: MachineId): Member | undefined {
    const member = this.members.get(id);
    if (member === undefined) return undefined;
    this.members.delete(id);
    for (const slot of member.slots) this.slots.delete(slot.key);
    return member;
  }

  /** Marks a machine heard from now. */
  heard(id: MachineId, now: number): void {
    const member = this.members.get(id);
    if (member !== undefined) member.lastHeard = now;
  }

  /** Machines not heard from since `before`. */
  silentSince(before: number): Member[] {
    return [...this.members.values()].filter((m) => m.lastHeard < before);
  }

  /** Every live agent with its machine, for stealing. */
  peers(): PeerInfo[] {
    return [...this.slots.values()].map((s) => ({ agent: s.ref, machine: s.machine }));
  }

  /**
   * The candidates for a placement, parallel to the returned slots: the agents of machines heard
   * from since `quietBefore`, or of every machine when none was.
   */
  candidates(
    fresh: ReadonlyMap<MachineId, { stats: MachineStats; rank: number | undefined; rttMs: number | undefined }> | undefined,
    quietBefore = -Infinity,
  ): { candidates: Candidate[]; slots: AgentSlot[] } {
    const candidates: Candidate[] = [];
    const slots: AgentSlot[] = [];
    const open = [...this.members.values()].filter((m) => m.draining !== true);
    let members = open.filter((m) => m.lastHeard >= quietBefore);
    if (members.length === 0) members = open;
    for (const member of members) {
      const health = fresh?.get(member.id);
      for (const slot of member.slots) {
        candidates.push({
          agent: slot.key,
          machine: member.id,
          stats: health?.stats ?? member.stats,
          outstanding: slot.outstanding,
          ...(health?.rank !== undefined ? { answerRank: health.rank } : {}),
          ...(health?.rttMs !== undefined ? { rttMs: health.rttMs } : {}),
        });
        slots.push(slot);
      }
    }
    return { candidates, slots };
  }
}
