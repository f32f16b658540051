import { Actor, Tokens, inject, injectable, type Clock, type TimerHandle } from '@armada/actors';
import { RateLimitedWarning } from '@armada/actors/internal';
import type { AgentMsg } from '../agent/protocol.js';
import { agentCounts } from '../agent/protocol.js';
import { ClusterClosedError, JobTimeoutError, MachineLostError, NoMachinesError, RetriesExhaustedError } from '../errors.js';
import { CostMemory } from '../cost-memory.js';
import { ShippedDefinitions } from '../functions/shipped-definitions.js';
import type { JobId, MachineId } from '../ids.js';
import { MACHINE_PATH, type MachineMsg } from '../machine/protocol.js';
import { fromRanges } from '../packet-ranges.js';
import { SchedulerTokens } from '../tokens.js';
import { Activity } from './activity.js';
import type { MasterCommand, WaitMachines } from './commands.js';
import type { Job } from './job.js';
import type { MasterSettings } from './master-settings.js';
import { Membership, type Member } from './membership.js';
import type { AgentIdle, ClusterView, Deregister, Heartbeat, MasterMsg, Moved, Register, Results } from './protocol.js';
import { PlacementPass, type PlacementEvent } from './placement-pass.js';
import { reconcile, reconcileIdle } from './reconcile.js';
import { acceptResults, recordMove } from './result-book.js';
import { WorkHint } from './work-hint.js';
import { AckBatcher } from './ack-batcher.js';

/** The master's own timers and the end of its health rounds; never on the wire. */
type Internal = { readonly type: 'tick'; readonly at: number } | { readonly type: 'flush-acks' } | { readonly type: 'hint-quiet' } | { readonly type: 'flush-cancels' } | { readonly type: 'job-timer'; readonly job: JobId; readonly reason: 'timeout' | 'no-machines' } | PlacementEvent;

/**
 * The master (see `protocol.ts`): tracks membership from registrations and heartbeats, places
 * groups of packets through each job's placement strategy, keeps every unanswered packet's
 * machine in its books, reconciles them with what heartbeats say machines hold, places again what
 * a dead machine held or a lost message dropped, and accepts exactly one result per packet, in
 * input order.
 *
 * Group size adapts to the measured packet run time (about `targetGroupMs` of work per group), and
 * each job keeps at most `groupsPerAgent` groups per agent (and `maxInFlight` packets) in flight.
 */
@injectable()
export class Master extends Actor<MasterMsg | MasterCommand | Internal> {
  private readonly members: Membership;
  private readonly jobs = new Map<string, Job>();
  private readonly activity = new Activity();
  /** Definitions shipped per agent, across jobs: a second call of a function sends its hash only. */
  private readonly shipped = new ShippedDefinitions();
  /** Pending `waitForMachines` calls and their timeouts, cleared once settled so no timer outlives the master. */
  private readonly waiters = new Map<WaitMachines, TimerHandle>();
  /** Run time per packet of each function's last job: the next job of it starts with groups that fit. */
  private readonly costs = new CostMemory();
  private tickTimer: TimerHandle | undefined;
  private lastHello = 0;
  /** Numbers every peer list made, across machines, so each machine's versions only grow. */
  private peersVersion = 0;
  /** Machines whose peer list changed and was not sent yet: sent with the next tick, or heartbeat. */
  private readonly peersDue = new Set<Member>();
  private readonly hint = new WorkHint();
  /** Cancels of completed jobs that wait for `cancelTimer` (see `finish`). */
  private readonly cancelsDue: Array<{ readonly job: JobId; readonly machines: readonly MachineId[] }> = [];
  private cancelTimer: TimerHandle | undefined;
  /** Set while the flip of the hint to "no job runs" waits (see `refreshHint`). */
  private quietTimer: TimerHandle | undefined;
  private malformed: RateLimitedWarning | undefined;
  private readonly placement: PlacementPass;
  private readonly acks: AckBatcher;

  constructor(
    @inject(SchedulerTokens.MasterSettings) private readonly settings: MasterSettings,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(SchedulerTokens.Random) random: () => number,
  ) {
    super();
    this.members = new Membership({ peerMachines: settings.peerMachines, random });
    this.placement = new PlacementPass(this.members, settings, clock, {
      tellSelf: (msg) => this.self.tell(msg),
      fail: (job, error) => this.fail(job, error),
      complete: (job) => {
        job.resolve();
        this.finish(job, true);
      },
    }, this.shipped);
    this.acks = new AckBatcher(clock, settings.ackDelayMs, () => this.self.tell({ type: 'flush-acks' }));
  }

  override preStart(): void {
    this.hello();
    this.schedule();
  }

  override postStop(): void {
    if (this.tickTimer !== undefined) this.clock.clearTimeout(this.tickTimer);
    if (this.quietTimer !== undefined) this.clock.clearTimeout(this.quietTimer);
    // Machines drop every job of a master that says goodbye, these included.
    if (this.cancelTimer !== undefined) this.clock.clearTimeout(this.cancelTimer);
    this.acks.close();
    for (const job of [...this.jobs.values()]) this.fail(job, new ClusterClosedError());
    for (const [w, timer] of this.waiters) {
      this.clock.clearTimeout(timer);
      w.reject(new NoMachinesError(0, ': the master stopped'));
    }
    this.waiters.clear();
    // A normal exit: machines drop this master's work without taking it for a failure.
    const bye: MachineMsg = { type: 'master-closed', master: this.context.system.node };
    for (const member of this.members.all()) member.ref.tell(bye);
  }

  /** A protocol message that does not have the shape its type says (bad input) is dropped, never a restart that would lose the books. */
  receive(msg: MasterMsg | MasterCommand | Internal): unknown {
    try {
      return this.handle(msg);
    } catch (error) {
      (this.malformed ??= new RateLimitedWarning(this.context.log, 'dropped a malformed protocol message')).warn({ type: String(msg?.type), error });
      return undefined;
    }
  }

  private handle(msg: MasterMsg | MasterCommand | Internal): unknown {
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
      case 'agent-idle':
        this.agentIdle(msg);
        return undefined;
      case 'submit':
        this.submit(msg.job);
        return undefined;
      case 'flush-acks':
        this.acks.flush();
        return undefined;
      case 'tick':
        this.tick(msg.at);
        return undefined;
      case 'flush-cancels':
        this.flushCancels();
        return undefined;
      case 'hint-quiet':
        this.quietTimer = undefined;
        this.refreshHint(true);
        return undefined;
      case 'job-timer':
        this.jobTimer(msg.job, msg.reason);
        return undefined;
      case 'wait-machines':
        this.waitMachines(msg);
        return undefined;
      case 'view':
        return this.view();
      case 'health-done': {
        const job = this.jobs.get(msg.job);
        if (job !== undefined) this.placement.healthDone(job, msg.fresh);
        return undefined;
      }
    }
  }

  // --- membership ---

  private register(msg: Register): void {
    const existing = this.members.get(msg.id);
    if (existing !== undefined && existing.incarnation === msg.incarnation) {
      this.members.heard(existing.id, this.clock.now());
      return; // a copy of a registration already made
    }
    if (existing !== undefined) this.lost(existing.id, 'registered again');
    const { peersChanged } = this.members.add(
      { id: msg.id, name: msg.name, ref: msg.machine, stats: msg.stats, lastHeard: this.clock.now(), incarnation: msg.incarnation, reportSeq: -1 },
      msg.agents,
    );
    this.context.log.info('machine joined', { machine: msg.name, id: msg.id, agents: msg.agents.length });
    this.sharePeers(peersChanged, msg.id);
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
    this.members.heard(member.id, this.clock.now());
    member.stats = msg.stats;
    member.slots.forEach((slot, i) => (slot.queued = msg.queued[i] ?? slot.queued));
    if (Array.isArray(msg.counts)) member.slots.forEach((slot, i) => (slot.counts = agentCounts(msg.counts![i]) ?? slot.counts));
    if (msg.draining === true && this.members.drain(member)) {
      this.context.log.info('machine draining', { machine: member.name, id: member.id });
    }
    // The list it has is not the latest made for it (or it was lost): send the latest again.
    if (msg.peersVersion !== member.peersVersion) {
      this.peersDue.delete(member);
      member.ref.tell(this.peersMsg(member));
    }
    if (msg.hintVersion !== undefined && msg.hintVersion !== this.hint.version) member.ref.tell(this.hint.message(this.context.system.node));
    if (msg.seq > member.reportSeq && Array.isArray(msg.held)) {
      member.reportSeq = msg.seq;
      this.reconcile(member, msg.held);
    }
    return true;
  }

  /** Compares the books with what `member` says it holds: cancels jobs that ended, places again what went missing. */
  private reconcile(member: Member, held: NonNullable<Heartbeat['held']>): void {
    const byJob = new Map<string, Set<number>>();
    for (const h of held) byJob.set(h.job, fromRanges(h.ranges));
    for (const job of byJob.keys()) if (!this.jobs.has(job)) member.ref.tell({ type: 'cancel', job: job as JobId });
    let lost = 0;
    for (const job of this.jobs.values()) lost += reconcile(job, member.id, byJob.get(job.id)).length;
    if (lost === 0) return;
    this.context.log.info('packets lost on the way placed again', { machine: member.name, packets: lost });
    this.dispatchAll();
  }

  /** An agent ran dry: what the books still place there and it does not hold was lost. */
  private agentIdle(msg: AgentIdle): void {
    const slot = this.members.slot(msg.agent.toString());
    if (slot === undefined || !Number.isFinite(msg.lastSeq)) return;
    const byJob = new Map<string, Set<number>>();
    for (const h of msg.held) byJob.set(h.job, fromRanges(h.ranges));
    let lost = 0;
    for (const job of this.jobs.values()) lost += reconcileIdle(job, slot, msg.lastSeq, byJob.get(job.id)).length;
    if (lost === 0) return;
    this.context.log.info('packets lost on the way placed again', { agent: slot.key, packets: lost });
    this.dispatchAll();
  }

  /** A drained machine leaves: what is still booked on it is placed again, without charging an attempt. */
  private deregister(msg: Deregister): number {
    const removed = this.members.remove(msg.id);
    if (removed === undefined) return 0;
    const { member, peersChanged } = removed;
    // Should the machine join again it has forgotten what it was sent: ship definitions again.
    for (const slot of member.slots) this.shipped.forget(slot.key);
    let placedAgain = 0;
    for (const slot of member.slots) this.shipped.forget(slot.key);
    for (const job of this.jobs.values()) {
      for (const index of job.inFlight.onMachine(msg.id)) {
        const entry = job.inFlight.get(index)!;
        job.inFlight.delete(index);
        job.again.set(index, { index, arg: entry.arg, attempts: entry.attempts });
        placedAgain++;
      }
    }
    this.context.log.info('machine left', { machine: member.name, id: member.id, placedAgain });
    this.activity.left(member.id, member.name, 'left', `drained; ${placedAgain} placed again`, this.clock.now());
    this.sharePeers(peersChanged);
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
    this.members.markQuiet(at - (this.settings.suspectAfterMs ?? this.settings.deadAfterMs / 2));
    if (now - this.lastHello >= this.settings.helloEveryMs) this.hello();
    this.sendDuePeers();
    this.refreshHint();
    this.schedule();
    this.dispatchAll();
  }

  /** Declares a machine dead: what it held is placed again, and the others learn of it. */
  private lost(id: MachineId, reason: string): void {
    const removed = this.members.remove(id);
    if (removed === undefined) return;
    const { member, peersChanged } = removed;
    // If the machine comes back it has forgotten what it was sent: ship definitions again.
    for (const slot of member.slots) this.shipped.forget(slot.key);
    this.context.log.warn('machine declared dead', { machine: member.name, id, reason });
    this.activity.left(id, member.name, 'dead', reason, this.clock.now());
    for (const job of this.jobs.values()) {
      for (const index of job.inFlight.onMachine(id)) {
        const entry = job.inFlight.get(index)!;
        job.inFlight.delete(index);
        const attempts = entry.attempts + 1;
        if (attempts > job.options.maxRetries) {
          this.fail(job, new RetriesExhaustedError(index, attempts, new MachineLostError(member.name, reason)));
          break;
        }
        job.again.set(index, { index, arg: entry.arg, attempts });
      }
    }
    this.sharePeers(peersChanged);
    for (const other of this.members.all()) other.ref.tell({ type: 'machine-down', master: this.context.system.node, machine: id });
  }

  /**
   * Sends each of `changed` its new peer list: its own agents and those of its peer sample. Only
   * the machines whose sample changed, so a join or a death costs messages bounded by the sample
   * size, not the fleet; a list lost on the way is sent again when a heartbeat echoes an old version.
   * `joined`: the machine that just registered, which gets its list at once.
   */
  private sharePeers(changed: readonly Member[], joined?: MachineId): void {
    if (changed.length === 0) return;
    const version = ++this.peersVersion;
    // In a fleet small enough for everyone to steal from everyone, all learn of a newcomer at once;
    // in a large one the others' lists wait for the tick, so a burst of joins costs each one list.
    const now = joined === undefined || this.members.size <= this.settings.peerMachines + 1;
    for (const member of changed) {
      member.peersVersion = version;
      if (now || member.id === joined) member.ref.tell(this.peersMsg(member));
      else this.peersDue.add(member);
    }
  }

  private sendDuePeers(): void {
    for (const member of this.peersDue) if (this.members.get(member.id) === member) member.ref.tell(this.peersMsg(member));
    this.peersDue.clear();
  }

  private peersMsg(member: Member): MachineMsg {
    return { type: 'peers', master: this.context.system.node, agents: this.members.peersOf(member.id), version: member.peersVersion ?? 0 };
  }

  /**
   * Recomputes the work hint; machines get a changed one with their next heartbeat, except a flip
   * of `running`, which is news at once: parked thieves wake for a new job, searching ones park
   * when the last job ends (`quietHintDelayMs` later, see below; `quietLongEnough` when that timer
   * fired) instead of backing off until the next heartbeat.
   */
  private refreshHint(quietLongEnough = false): void {
    const wasRunning = this.hint.running;
    const runs = this.stealableJobRuns();
    // The flip to "none runs" waits `quietHintDelayMs`: a program that calls one job after another
    // starts the next before then, and the fleet hears of neither flip (two broadcasts per job).
    if (wasRunning && !runs && !quietLongEnough) {
      if (this.quietTimer === undefined) this.quietTimer = this.clock.setTimeout(() => this.self.tell({ type: 'hint-quiet' }), this.settings.quietHintDelayMs);
      return;
    }
    if (runs && this.quietTimer !== undefined) {
      this.clock.clearTimeout(this.quietTimer);
      this.quietTimer = undefined;
    }
    if (!this.hint.update(this.members.all(), runs) || this.hint.running === wasRunning) return;
    const msg = this.hint.message(this.context.system.node);
    for (const member of this.members.all()) member.ref.tell(msg);
  }

  /** Whether a job that allows stealing runs: only then is an idle agent's steal request worth a message. */
  private stealableJobRuns(): boolean {
    for (const job of this.jobs.values()) if (job.options.stealing) return true;
    return false;
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
    job.cost.seed(this.costs.get(job.fn.hash));
    job.header = {
      id: job.id,
      master: this.self,
      fn: job.fn.hash,
      maxRetries: job.options.maxRetries,
      retryErrors: job.options.retryErrors,
      stealable: job.options.stealing,
      ...(job.options.taskTimeoutMs !== undefined ? { taskTimeoutMs: job.options.taskTimeoutMs } : {}),
    };
    this.jobs.set(job.id, job);
    this.refreshHint();
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
    // Acknowledged whatever happens next, so the agent stops sending it; a job gone is said so at once.
    if (job === undefined) {
      msg.agent.tell({ type: 'results-ack', job: msg.job, seq: msg.seq, known: false } satisfies AgentMsg);
      return;
    }
    this.acks.add(msg.agent, msg.seq);
    const before = job.done;
    const failed = acceptResults(job, msg, (id) => this.members.get(id)?.name);
    const agent = msg.agent.toString();
    if (job.done > before) this.activity.accepted(agent, job.done - before, false);
    if (failed !== undefined) {
      this.activity.accepted(agent, 1, true);
      this.fail(job, failed);
      return;
    }
    job.options.progress?.(job.done, job.total);
    if (job.complete) {
      job.resolve();
      this.finish(job, true);
      return;
    }
    this.dispatch(job);
  }

  private moved(msg: Moved): void {
    const job = this.jobs.get(msg.job);
    if (job === undefined) return;
    const released = recordMove(job, this.members, msg);
    if (released.length > 0) {
      this.activity.stolen(msg.victim.toString(), msg.thief.toString(), released.length);
      msg.victim.tell({ type: 'release', job: job.id, indices: released } satisfies AgentMsg);
    }
  }

  private fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.reject(error);
    this.finish(job);
  }

  /**
   * Closes the books of a settled job and tells the machines to drop what is left of it: at once
   * for a job that failed (its queued packets should not run), with the acknowledgements'
   * `ackDelayMs` for one that `completed`, where nothing is left but duplicate runs. A program that
   * calls small jobs one after another then sends its next assign before these, not behind them,
   * and the cancels of several jobs go out together.
   */
  private finish(job: Job, completed = false): void {
    this.jobs.delete(job.id);
    this.costs.remember(job.fn.hash, job.cost.meanMs);
    for (const timer of job.timers) this.clock.clearTimeout(timer);
    if (job.noMachinesTimer !== undefined) this.clock.clearTimeout(job.noMachinesTimer);
    for (const entry of job.inFlight.values()) entry.slot.outstanding--;
    job.inFlight.clear();
    if (completed && this.settings.ackDelayMs > 0) {
      this.cancelsDue.push({ job: job.id, machines: [...job.touched] });
      this.cancelTimer ??= this.clock.setTimeout(() => this.self.tell({ type: 'flush-cancels' }), this.settings.ackDelayMs);
    } else {
      for (const id of job.touched) this.members.get(id)?.ref.tell({ type: 'cancel', job: job.id });
    }
    this.refreshHint();
  }

  private flushCancels(): void {
    this.cancelTimer = undefined;
    for (const { job, machines } of this.cancelsDue.splice(0)) for (const id of machines) this.members.get(id)?.ref.tell({ type: 'cancel', job });
  }

  // --- placement ---

  private dispatchAll(): void {
    for (const job of [...this.jobs.values()]) this.placement.dispatch(job);
  }

  private dispatch(job: Job): void {
    this.placement.dispatch(job);
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
        agents: m.slots.map((s) => ({ agent: s.key, queued: s.queued, outstanding: s.outstanding, ...s.counts })),
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
