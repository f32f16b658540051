import type { AgentCounts, AgentRef, PeerInfo } from '../agent/protocol.js';
import type { MachineId } from '../ids.js';
import type { MachineRef } from '../machine/protocol.js';
import type { Candidate, MachineStats } from '../placement/placement-strategy.js';
import { PeerSamples } from './peer-samples.js';

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
  /** Version of the peer list last made for this machine (see `Peers.version`); 0 before the first. */
  peersVersion?: number;
}

/** Health-round answers by machine, as placement passes them in. */
export type FreshStats = ReadonlyMap<MachineId, { stats: MachineStats; rank: number | undefined; rttMs: number | undefined }>;

/** The candidates of a placement, and the slot each stands for. */
export interface CandidateList {
  readonly candidates: readonly Candidate[];
  /** The slot of a candidate of this list; undefined for any other object. */
  slotOf(candidate: Candidate): AgentSlot | undefined;
}

/** Tunables of a {@link Membership}. */
export interface MembershipOptions {
  /** Machines in each machine's peer sample (see `PeerSamples`). */
  readonly peerMachines: number;
  /** Randomness of the peer samples, values in [0, 1). */
  readonly random: () => number;
}

/** Defaults of {@link MembershipOptions}. */
export const MEMBERSHIP_DEFAULTS: MembershipOptions = { peerMachines: 8, random: Math.random };

/**
 * A candidate whose live figures (`outstanding`, the member's `stats`) are read when a strategy
 * reads them, so one list serves every placement until the candidate set itself changes. They are
 * own enumerable getters, so a strategy that spreads or logs a candidate still sees them.
 */
function slotCandidate(member: Member, slot: AgentSlot, fresh: MachineStats | undefined, answerRank: number | undefined, rttMs: number | undefined): Candidate {
  const candidate = { agent: slot.key, machine: member.id } as Candidate;
  Object.defineProperties(candidate, {
    stats: { get: () => fresh ?? member.stats, enumerable: true },
    outstanding: { get: () => slot.outstanding, enumerable: true },
  });
  if (answerRank !== undefined) Object.assign(candidate, { answerRank });
  if (rttMs !== undefined) Object.assign(candidate, { rttMs });
  return candidate;
}

/**
 * The machines a master believes alive. A machine joins when it registers and leaves when the
 * master declares it dead; heartbeats and results refresh it.
 *
 * Everything a placement asks of it is O(1) in the fleet's size: the count of placeable agents is
 * kept, and the candidate list is built once per change of the candidate set (a join, a leave, a
 * machine draining or going quiet or being heard again) and reused by every placement until then.
 */
export class Membership {
  private readonly members = new Map<MachineId, Member>();
  private readonly slots = new Map<string, AgentSlot>();
  /** Machines judged quiet by the latest {@link markQuiet}, and not heard from since. */
  private readonly quiet = new Set<MachineId>();
  private readonly samples: PeerSamples;
  private placeable = 0;
  /** Bumped on every change of the candidate set. */
  private version = 0;
  private cached: { readonly version: number; readonly fresh: FreshStats | undefined; readonly list: CandidateList } | undefined;

  constructor(options: Partial<MembershipOptions> = {}) {
    const o = { ...MEMBERSHIP_DEFAULTS, ...options };
    // A bad figure falls back to the default rather than leaving machines without peers.
    const size = Number.isInteger(o.peerMachines) && o.peerMachines >= 1 ? o.peerMachines : MEMBERSHIP_DEFAULTS.peerMachines;
    this.samples = new PeerSamples(size, o.random);
  }

  get size(): number {
    return this.members.size;
  }

  get agentCount(): number {
    return this.slots.size;
  }

  /** Agents of machines that take new packets (not draining). */
  get placeableAgentCount(): number {
    return this.placeable;
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

  /**
   * Adds a machine, or replaces it if it registers again. Returns the machines whose peer sample
   * changed (the new one first): they need their peer list sent.
   */
  add(member: Omit<Member, 'slots'>, agents: readonly AgentRef[]): { member: Member; peersChanged: Member[] } {
    const replaced = this.remove(member.id);
    const slots = agents.map((ref) => ({ ref, key: ref.toString(), machine: member.id, outstanding: 0, queued: 0 }));
    const entry: Member = { ...member, slots };
    this.members.set(member.id, entry);
    for (const slot of slots) this.slots.set(slot.key, slot);
    if (entry.draining !== true) this.placeable += slots.length;
    this.version++;
    const changed = new Set(this.samples.join(member.id));
    for (const m of replaced?.peersChanged ?? []) changed.add(m.id);
    return { member: entry, peersChanged: this.resolve([...changed]) };
  }

  /** Removes a machine; `peersChanged` are the machines whose peer sample lost it. */
  remove(id: MachineId): { member: Member; peersChanged: Member[] } | undefined {
    const member = this.members.get(id);
    if (member === undefined) return undefined;
    this.members.delete(id);
    this.quiet.delete(id);
    for (const slot of member.slots) this.slots.delete(slot.key);
    if (member.draining !== true) this.placeable -= member.slots.length;
    this.version++;
    return { member, peersChanged: this.resolve(this.samples.leave(id)) };
  }

  /** Marks a machine draining: it keeps its books and gets no new packets. False if it was already. */
  drain(member: Member): boolean {
    if (member.draining === true || this.members.get(member.id) !== member) return false;
    member.draining = true;
    this.placeable -= member.slots.length;
    this.version++;
    return true;
  }

  /** Marks a machine heard from now. */
  heard(id: MachineId, now: number): void {
    const member = this.members.get(id);
    if (member === undefined) return;
    member.lastHeard = now;
    if (this.quiet.delete(id)) this.version++;
  }

  /** Machines not heard from since `before`. */
  silentSince(before: number): Member[] {
    return [...this.members.values()].filter((m) => m.lastHeard < before);
  }

  /**
   * Judges which machines are quiet (not heard from since `before`): until heard from again they
   * are left out of the candidates, unless every machine is quiet. O(machines): called per tick,
   * not per placement.
   */
  markQuiet(before: number): void {
    for (const m of this.members.values()) {
      if (m.lastHeard >= before || this.quiet.has(m.id)) continue;
      this.quiet.add(m.id);
      this.version++;
    }
  }

  /** The agents machine `id` may steal from: its own and those of the machines in its peer sample. */
  peersOf(id: MachineId): PeerInfo[] {
    const own = this.members.get(id);
    const peers: PeerInfo[] = own === undefined ? [] : own.slots.map((s) => ({ agent: s.ref, machine: s.machine }));
    for (const other of this.samples.sampleOf(id)) {
      for (const s of this.members.get(other)?.slots ?? []) peers.push({ agent: s.ref, machine: s.machine });
    }
    return peers;
  }

  /** The peer samples, for checks. */
  get peerSamples(): Pick<PeerSamples, 'sampleOf' | 'holdersOf'> {
    return this.samples;
  }

  /**
   * The candidates for a placement: the agents of machines not draining and not quiet (see
   * {@link markQuiet}), or of every machine not draining when all are quiet; stats from `fresh`
   * where a health round gave them. The same list (same objects, live `outstanding` and stats)
   * comes back until the candidate set or `fresh` changes.
   */
  candidates(fresh?: FreshStats): CandidateList {
    const cached = this.cached;
    if (cached !== undefined && cached.version === this.version && cached.fresh === fresh) return cached.list;
    const candidates: Candidate[] = [];
    const slots = new Map<Candidate, AgentSlot>();
    const open = [...this.members.values()].filter((m) => m.draining !== true);
    let members = open.filter((m) => !this.quiet.has(m.id));
    if (members.length === 0) members = open;
    for (const member of members) {
      const health = fresh?.get(member.id);
      for (const slot of member.slots) {
        const candidate = slotCandidate(member, slot, health?.stats, health?.rank, health?.rttMs);
        candidates.push(candidate);
        slots.set(candidate, slot);
      }
    }
    const list: CandidateList = { candidates: Object.freeze(candidates), slotOf: (c) => slots.get(c) };
    this.cached = { version: this.version, fresh, list };
    return list;
  }

  private resolve(ids: readonly MachineId[]): Member[] {
    const out: Member[] = [];
    for (const id of ids) {
      const m = this.members.get(id);
      if (m !== undefined) out.push(m);
    }
    return out;
  }
}
