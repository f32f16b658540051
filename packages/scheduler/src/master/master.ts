import { Actor, Tokens, inject, injectable, type Clock, type TimerHandle } from '@armada/actors';
import { wideBigInt } from '@armada/actors/internal';
import type { AgentMsg, AgentRef } from '../agent/protocol.js';
import { ClusterClosedError, InvalidStrategyError, JobTimeoutError, MachineLostError, NoMachinesError, RetriesExhaustedError, TaskError } from '../errors.js';
import { ShippedDefinitions } from '../functions/shipped-definitions.js';
import type { JobId, MachineId } from '../ids.js';
import { MACHINE_PATH, type HealthReply, type MachineMsg } from '../machine/protocol.js';
import type { PacketBatch } from '../packet.js';
import { HealthRound } from '../placement/placement-strategy.js';
import { SchedulerTokens } from '../tokens.js';
import { Activity } from './activity.js';
import type { InFlight, Job, Waiting } from './job.js';
import type { MasterSettings } from './master-settings.js';
import { Membership, type AgentSlot } from './membership.js';
import type { ClusterView, Deregister, HealthDone, Heartbeat, MasterMsg, Moved, Register, Results, WaitMachines } from './protocol.js';

type Fresh = HealthDone['fresh'];

/**
 * The master (see `protocol.ts`): tracks membership from registrations and heartbeats, places
 * groups of packets through each job's placement strategy, keeps every unanswered packet's
 * machine in its books, places again what a dead machine held, and accepts exactly one result
 * per packet, in input order.
 *
 * Group size adapts to the measured packet run time (about `targetGroupMs` of work per group), and
 * each job keeps at most `groupsPerAgent` groups per agent (and `maxInFlight` packets) in flight.
 */
@injectable()
export class Master extends Actor<MasterMsg> {
  private readonly members = new Membership();
  private readonly jobs = new Map<string, Job>();
  private readonly activity = new Activity();
  /** Definitions shipped per agent, across jobs: a second call of a function sends its hash only. */
  private readonly shipped = new ShippedDefinitions();
  /** Pending `waitForMachines` calls and their timeouts, cleared once settled so no timer outlives the master. */
  private readonly waiters = new Map<WaitMachines, TimerHandle>();
  private tickTimer: TimerHandle | undefined;
  private lastHello = 0;

  constructor(
    @inject(SchedulerTokens.MasterSettings) private readonly settings: MasterSettings,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  override preStart(): void {
    this.hello();
    this.schedule();
  }

  override postStop(): void {
    if (this.tickTimer !== undefined) this.clock.clearTimeout(this.tickTimer);
    const bye: MachineMsg = { type: 'master-bye', master: this.context.system.node };
    for (const member of this.members.all()) member.ref.tell(bye);
    for (const job of [...this.jobs.values()]) this.fail(job, new ClusterClosedError());
    for (const [w, timer] of this.waiters) {
      this.clock.clearTimeout(timer);
      w.reject(new NoMachinesError(0, ': the master stopped'));
    }
    this.waiters.clear();
  }

  receive(msg: MasterMsg): unknown {
    switch (msg.type) {
      case 'machine-hello':
        msg.machine.tell({ type: 'master-hello', master: this.self });
        return undefined;
      case 'register':
        this.register(msg);
        return true;
      case 'heartbeat':
        return this.heartbeat(msg);
      case 'deregister':
        return this.deregister(msg);
      case 'results':
        this.results(msg);
        return undefined;
      case 'moved':
        this.moved(msg);
        return undefined;
      case 'submit':
        this.submit(msg.job);
        return undefined;
      case 'tick':
        this.tick(msg.at);
        return undefined;
      case 'job-timer':
        this.jobTimer(msg.job, msg.reason);
        return undefined;
      case 'wait-machines':
        this.waitMachines(msg);
        return undefined;
      case 'view':
        return this.view();
      case 'health-done':
        this.healthDone(msg.job, msg.fresh);
        return undefined;
    }
  }

  // --- membership ---

  private register(msg: Register): void {
    const existing = this.members.get(msg.id);
    if (existing !== undefined) this.lost(existing.id, 'registered again');
    this.members.add({ id: msg.id, name: msg.name, ref: msg.machine, stats: msg.stats, lastHeard: this.clock.now() }, msg.agents);
    this.context.log.info('machine joined', { machine: msg.name, id: msg.id, agents: msg.agents.length });
    this.sharePeers();
    for (const [w, timer] of this.waiters) {
      if (this.members.size < w.count) continue;
      this.clock.clearTimeout(timer);
      this.waiters.delete(w);
      w.resolve();
    }
    for (const job of this.jobs.values()) {
      if (job.noMachinesTimer !== undefined) this.clock.clearTimeout(job.noMachinesTimer);
      job.noMachinesTimer = undefined;
    }
    this.dispatchAll();
  }

  private heartbeat(msg: Heartbeat): boolean {
    const member = this.members.get(msg.id);
    if (member === undefined) return false;
    member.lastHeard = this.clock.now();
    member.stats = msg.stats;
    member.slots.forEach((slot, i) => (slot.queued = msg.queued[i] ?? slot.queued));
    if (msg.draining === true && member.draining !== true) {
      member.draining = true;
      this.context.log.info('machine draining', { machine: member.name, id: member.id });
    }
    return true;
  }

  /** A drained machine leaves: what is still booked on it is placed again, without charging an attempt. */
  private deregister(msg: Deregister): number {
    const member = this.members.remove(msg.id);
    if (member === undefined) return 0;
    // Should the machine join again it has forgotten what it was sent: ship definitions again.
    for (const slot of member.slots) this.shipped.forget(slot.key);
    let placedAgain = 0;
    for (const slot of member.slots) this.shipped.forget(slot.key);
    for (const job of this.jobs.values()) {
      for (const [index, entry] of job.inFlight) {
        if (entry.machine !== msg.id) continue;
        job.inFlight.delete(index);
        job.again.set(index, { index, arg: entry.arg, attempts: entry.attempts });
        placedAgain++;
      }
    }
    this.context.log.info('machine left', { machine: member.name, id: member.id, placedAgain });
    this.activity.left(member.id, member.name, 'left', `drained; ${placedAgain} placed again`, this.clock.now());
    this.sharePeers();
    // Peers that lent it packets whose move this master never heard of take them back.
    for (const other of this.members.all()) other.ref.tell({ type: 'machine-down', master: this.context.system.node, machine: msg.id });
    this.dispatchAll();
    return placedAgain;
  }

  private tick(at: number): void {
    const now = this.clock.now();
    // Judge silence as of when the timer fired: whatever arrived before then was handled before this
    // tick, while heartbeats that queued up as the master was busy placing are not the machines' fault.
    for (const member of this.members.silentSince(at - this.settings.deadAfterMs)) {
      this.lost(member.id, `no heartbeat for ${Math.round(at - member.lastHeard)} ms`);
    }
    if (now - this.lastHello >= this.settings.helloEveryMs) this.hello();
    this.schedule();
    this.dispatchAll();
  }

  /** Declares a machine dead: what it held is placed again, and the others learn of it. */
  private lost(id: MachineId, reason: string): void {
    const member = this.members.remove(id);
    if (member === undefined) return;
    // If the machine comes back it has forgotten what it was sent: ship definitions again.
    for (const slot of member.slots) this.shipped.forget(slot.key);
    this.context.log.warn('machine declared dead', { machine: member.name, id, reason });
    this.activity.left(id, member.name, 'dead', reason, this.clock.now());
    for (const job of this.jobs.values()) {
      for (const [index, entry] of job.inFlight) {
        if (entry.machine !== id) continue;
        job.inFlight.delete(index);
        const attempts = entry.attempts + 1;
        if (attempts > job.options.maxRetries) {
          this.fail(job, new RetriesExhaustedError(index, attempts, new MachineLostError(member.name, reason)));
          break;
        }
        job.again.set(index, { index, arg: entry.arg, attempts });
      }
    }
    this.sharePeers();
    for (const other of this.members.all()) other.ref.tell({ type: 'machine-down', master: this.context.system.node, machine: id });
  }

  private sharePeers(): void {
    const msg: MachineMsg = { type: 'peers', master: this.context.system.node, agents: this.members.peers() };
    for (const member of this.members.all()) member.ref.tell(msg);
  }

  private hello(): void {
    this.lastHello = this.clock.now();
    this.context.system.broadcast(MACHINE_PATH, { type: 'master-hello', master: this.self } satisfies MachineMsg);
  }

  private waitMachines(msg: WaitMachines): void {
    if (this.members.size >= msg.count) {
      msg.resolve();
      return;
    }
    const timer = this.clock.setTimeout(() => {
      if (!this.waiters.delete(msg)) return;
      msg.reject(new NoMachinesError(msg.timeoutMs, `: ${this.members.size} of ${msg.count} machines registered`));
    }, msg.timeoutMs);
    this.waiters.set(msg, timer);
  }

  // --- jobs ---

  private submit(job: Job): void {
    job.header = {
      id: job.id,
      master: this.self,
      fn: job.fn.hash,
      maxRetries: job.options.maxRetries,
      retryErrors: job.options.retryErrors,
      stealable: job.options.stealing,
    };
    this.jobs.set(job.id, job);
    if (job.options.timeoutMs !== undefined) {
      job.timers.push(this.clock.setTimeout(() => this.self.tell({ type: 'job-timer', job: job.id, reason: 'timeout' }), job.options.timeoutMs));
    }
    this.dispatch(job);
  }

  private jobTimer(id: string, reason: 'timeout' | 'no-machines'): void {
    const job = this.jobs.get(id);
    if (job === undefined) return;
    if (reason === 'timeout') this.fail(job, new JobTimeoutError(job.options.timeoutMs!, job.done, job.total ?? job.done + job.inFlight.size));
    else if (this.members.placeableAgentCount === 0) this.fail(job, new NoMachinesError(job.options.waitForMachinesMs));
  }

  private results(msg: Results): void {
    this.members.heard(msg.machine, this.clock.now());
    const job = this.jobs.get(msg.job);
    if (job === undefined) return;
    const count = msg.indices.length + (msg.failures?.length ?? 0);
    if (count > 0 && msg.ms >= 0) {
      const perPacket = msg.ms / count;
      job.avgMs = job.avgMs === undefined ? perPacket : 0.7 * job.avgMs + 0.3 * perPacket;
    }
    // Thread deaths the agent retried count against maxRetries here too, should the machine die next.
    for (const [index, attempts] of msg.attempts ?? []) {
      const entry = job.inFlight.get(index);
      if (entry !== undefined) entry.attempts = Math.max(entry.attempts, attempts);
    }
    for (let k = 0; k < msg.indices.length; k++) {
      const index = msg.indices[k]!;
      const agent = job.inFlight.get(index)?.slot.key;
      if (!this.answered(job, index)) continue;
      job.results[index] = msg.values[k];
      job.done++;
      this.activity.accepted(agent, 1, false);
    }
    for (const failure of msg.failures ?? []) {
      const agent = job.inFlight.get(failure.index)?.slot.key;
      if (!this.answered(job, failure.index)) continue;
      this.activity.accepted(agent, 1, true);
      const e = failure.error;
      this.fail(job, e instanceof Error ? e : new TaskError(e.message, e.name, failure.index, failure.machine, e.stack, this.members.get(failure.machine)?.name));
      return;
    }
    if (job.settled) return;
    job.options.progress?.(job.done, job.total);
    if (job.complete) {
      job.resolve();
      this.finish(job);
      return;
    }
    this.dispatch(job);
  }

  /** Takes a packet off the books; false if it was answered before (the copy is dropped). */
  private answered(job: Job, index: number): boolean {
    const entry = job.inFlight.get(index);
    if (entry !== undefined) {
      job.inFlight.delete(index);
      entry.slot.outstanding--;
      return true;
    }
    // Its machine was declared dead but the answer made it: take it, and do not run it again.
    if (job.again.delete(index)) return true;
    job.duplicates++;
    return false;
  }

  private moved(msg: Moved): void {
    const job = this.jobs.get(msg.job);
    if (job === undefined) return;
    const thief = this.members.slot(msg.thief.toString());
    if (thief === undefined || !this.members.has(msg.to)) return; // the thief's machine is dead: the victim keeps them
    job.touched.add(msg.to);
    const released: number[] = [];
    for (const index of msg.indices) {
      const entry = job.inFlight.get(index);
      if (entry === undefined || entry.machine !== msg.from) continue;
      entry.slot.outstanding--;
      entry.machine = msg.to;
      entry.slot = thief;
      thief.outstanding++;
      released.push(index);
    }
    if (released.length > 0) this.activity.stolen(msg.victim.toString(), thief.key, released.length);
    if (released.length > 0) (msg.victim as AgentRef).tell({ type: 'release', job: job.id, indices: released } satisfies AgentMsg);
  }

  private fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.reject(error);
    this.finish(job);
  }

  /** Closes the books of a settled job and tells the machines to drop what is left of it. */
  private finish(job: Job): void {
    this.jobs.delete(job.id);
    for (const timer of job.timers) this.clock.clearTimeout(timer);
    if (job.noMachinesTimer !== undefined) this.clock.clearTimeout(job.noMachinesTimer);
    for (const entry of job.inFlight.values()) entry.slot.outstanding--;
    job.inFlight.clear();
    for (const id of job.touched) this.members.get(id)?.ref.tell({ type: 'cancel', job: job.id });
  }

  // --- placement ---

  private dispatchAll(): void {
    for (const job of [...this.jobs.values()]) this.dispatch(job);
  }

  /**
   * Places the job's waiting packets. A strategy that wants a health round gets one per pass: the
   * round runs while the master goes on handling messages (heartbeats, results), and the pass
   * places with its answers when they are in (`health-done`). Blocking on a round per group
   * stalled the master long enough for machines to give it up.
   */
  private dispatch(job: Job): void {
    const round = job.options.placement.healthRound ?? HealthRound.None;
    if (round === HealthRound.None || job.complete) {
      this.placeGroups(job, undefined);
      return;
    }
    if (job.healthPending || job.settled || !job.hasWaiting) return;
    if (this.members.placeableAgentCount === 0) {
      this.awaitMachines(job);
      return;
    }
    job.healthPending = true;
    void this.healthRound(round === HealthRound.FirstAnswer).then((fresh) => this.self.tell({ type: 'health-done', job: job.id, fresh }));
  }

  private healthDone(id: JobId, fresh: Fresh): void {
    const job = this.jobs.get(id);
    if (job === undefined) return;
    job.healthPending = false;
    this.placeGroups(job, fresh);
  }

  /** Places groups until the job's window is full or nothing is left, then sends one assign per agent. */
  private placeGroups(job: Job, fresh: Fresh | undefined): void {
    const assigns = new Map<AgentSlot, PacketBatch[]>();
    try {
      while (!job.settled && job.hasWaiting) {
        const agents = this.members.placeableAgentCount;
        if (agents === 0) {
          this.awaitMachines(job);
          break;
        }
        const timed = this.timedGroupSize(job);
        const group = this.groupSize(job, agents, timed);
        const window = Math.min(job.options.maxInFlight, Math.max(agents, agents * this.settings.groupsPerAgent * timed));
        const room = window - job.inFlight.size;
        if (room <= 0) break;
        let packets: Waiting[];
        try {
          packets = job.take(Math.min(group, room));
        } catch (error) {
          this.fail(job, error instanceof Error ? error : new Error(String(error)));
          break;
        }
        if (packets.length === 0) break;
        let slot: AgentSlot;
        try {
          slot = this.place(job, fresh);
        } catch (error) {
          for (const p of packets) job.again.set(p.index, p);
          this.fail(job, error instanceof Error ? error : new Error(String(error)));
          break;
        }
        this.book(job, slot, packets, assigns);
      }
    } finally {
      this.send(job, assigns);
    }
    if (!job.settled && job.complete) {
      job.resolve();
      this.finish(job);
    }
  }

  /** Packets worth about `targetGroupMs` of run time, by the average so far (1 until measured). */
  private timedGroupSize(job: Job): number {
    if (job.avgMs === undefined) return 1;
    return Math.max(1, Math.min(this.settings.maxGroup, Math.floor(this.settings.targetGroupMs / Math.max(job.avgMs, 1e-4))));
  }

  /** The timed size, but at least two groups per agent of what is left, so one group never holds the tail of the work. */
  private groupSize(job: Job, agents: number, timed: number): number {
    const unread = job.unread;
    return unread === undefined ? timed : Math.max(1, Math.min(timed, Math.ceil((unread + job.again.size) / (agents * 2))));
  }

  /** Asks the job's strategy for one of the live agents. Throws what the strategy throws. */
  private place(job: Job, fresh: Fresh | undefined): AgentSlot {
    const strategy = job.options.placement;
    const quietBefore = this.clock.now() - (this.settings.suspectAfterMs ?? this.settings.deadAfterMs / 2);
    const { candidates, slots } = this.members.candidates(fresh, quietBefore);
    const chosen = strategy.choose(candidates);
    const at = candidates.indexOf(chosen);
    if (at < 0) throw new InvalidStrategyError(`placement strategy ${strategy.name} returned an object that is not one of its candidates`);
    return slots[at]!;
  }

  /** Health-checks every live machine; resolves at the first answer or once all answered. */
  private healthRound(firstOnly: boolean): Promise<Fresh> {
    const fresh: Fresh = new Map();
    const members = [...this.members.all()];
    const started = this.clock.now();
    let rank = 0;
    return new Promise((resolve) => {
      let pending = members.length;
      const settle = () => {
        if (--pending === 0 || (firstOnly && fresh.size > 0)) resolve(fresh);
      };
      for (const member of members) {
        member.ref.ask<HealthReply>({ type: 'health' }, { timeoutMs: this.settings.healthTimeoutMs }).then(
          (reply) => {
            fresh.set(member.id, { stats: reply.stats, rank: rank++, rttMs: this.clock.now() - started });
            settle();
          },
          settle,
        );
      }
    });
  }

  private book(job: Job, slot: AgentSlot, packets: Waiting[], assigns: Map<AgentSlot, PacketBatch[]>): void {
    const indices: number[] = [];
    const args: unknown[] = [];
    let attempts: number[] | undefined;
    for (const p of packets) {
      const entry: InFlight = { arg: p.arg, attempts: p.attempts, machine: slot.machine, slot };
      job.inFlight.set(p.index, entry);
      indices.push(p.index);
      args.push(wideBigInt(p.arg));
      if (p.attempts > 0) (attempts ??= new Array(packets.length).fill(0))[indices.length - 1] = p.attempts;
    }
    slot.outstanding += packets.length;
    job.touched.add(slot.machine);
    const batch: PacketBatch = attempts === undefined ? { job: job.header, indices, args } : { job: job.header, indices, args, attempts };
    const list = assigns.get(slot);
    if (list === undefined) assigns.set(slot, [batch]);
    else list.push(batch);
  }

  private send(job: Job, assigns: Map<AgentSlot, PacketBatch[]>): void {
    for (const [slot, batches] of assigns) {
      const defs = this.shipped.needs(slot.key, job.fn) ? [job.fn] : [];
      slot.ref.tell({ type: 'assign', defs, batches });
    }
  }

  private awaitMachines(job: Job): void {
    if (job.noMachinesTimer !== undefined) return;
    job.noMachinesTimer = this.clock.setTimeout(
      () => this.self.tell({ type: 'job-timer', job: job.id, reason: 'no-machines' }),
      job.options.waitForMachinesMs,
    );
  }

  private view(): ClusterView {
    const now = this.clock.now();
    return {
      machines: [...this.members.all()].map((m) => ({
        id: m.id,
        name: m.name,
        stats: m.stats,
        lastHeardMs: Math.round(now - m.lastHeard),
        draining: m.draining === true,
        agents: m.slots.map((s) => ({ agent: s.key, queued: s.queued, outstanding: s.outstanding })),
      })),
      jobs: [...this.jobs.values()].map((j) => ({ id: j.id, done: j.done, total: j.total, inFlight: j.inFlight.size })),
      activity: this.activity.view(now, this.settings.deadAfterMs),
      definitionsShipped: this.shipped.shipped,
    };
  }

  private schedule(): void {
    this.tickTimer = this.clock.setTimeout(() => this.self.tell({ type: 'tick', at: this.clock.now() }), this.settings.tickMs);
  }
}
