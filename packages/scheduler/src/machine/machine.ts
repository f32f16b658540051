import { Actor, Tokens, inject, injectable, type Clock, type TimerHandle } from '@armada/actors';
import { RateLimitedWarning } from '@armada/actors/internal';
import { Agent } from '../agent/agent.js';
import { AGENT_DEFAULTS, type AgentSettings } from '../agent/agent-settings.js';
import type { AgentMsg, AgentRef, AgentReport, PeerInfo } from '../agent/protocol.js';
import { machineId, type JobId, type MachineId } from '../ids.js';
import { MASTER_PATH, type HeldPackets, type MasterMsg, type MasterRef } from '../master/protocol.js';
import { toRanges } from '../packet-ranges.js';
import { SchedulerTokens } from '../tokens.js';
import type { ExecutorFactory } from '../worker/executor.js';
import type { MachineSettings } from './machine-settings.js';
import type { StatsSource } from './machine-stats.js';
import type { Drain, DrainReport, HealthReply, MachineMsg, WorkHints } from './protocol.js';

/** The heartbeat timer and the outcomes of registration and heartbeat asks; never on the wire. */
type Internal =
  | { readonly type: 'beat' }
  | { readonly type: 'registered'; readonly master: MasterRef; readonly serial: number }
  | { readonly type: 'acked'; readonly master: string; readonly known: boolean; readonly draining: boolean }
  | { readonly type: 'register-failed'; readonly master: string; readonly serial: number }
  | { readonly type: 'drain-check' }
  | { readonly type: 'drained'; readonly report: DrainReport };

/** How often a draining machine looks at its queues. */
const DRAIN_CHECK_MS = 50;

interface Draining {
  readonly request: Drain;
  readonly deadline: number;
  /** Masters that acknowledged a heartbeat saying we drain: they place nothing more here. */
  readonly acked: Set<string>;
  leaving: boolean;
}

/** A master given up is tried again for this many `masterTimeoutMs`, then left to its next hello. */
const LAPSED_TRIES = 12;

/**
 * A registration under way: its register message, when that was last sent, and its serial. A lost
 * reply (or request) would leave the machine without heartbeats, deaf to hellos, until the ask
 * times out (`masterTimeoutMs`); so the same message, incarnation included, is sent again every
 * heartbeat, and the master takes a copy for what it is.
 */
interface Registration {
  readonly ref: MasterRef;
  readonly msg: MasterMsg;
  readonly serial: number;
  sentAt: number;
}

interface KnownMaster {
  readonly ref: MasterRef;
  lastAck: number;
  /** Version of this master's peer list we have (0: none yet). */
  peersVersion: number;
  /** Version of this master's work hint we have (0: none yet). */
  hintVersion: number;
}

/** Ask a master for an answer once its last one is this many heartbeats old; tell otherwise. */
const ACK_AFTER_BEATS = 1.5;

/**
 * One machine: spawns its Agent+Worker pairs (each Worker on its own thread), registers with every
 * master it hears of, heartbeats its stats and queue depths, answers health checks, and relays
 * masters' news (peers, work hints, dead machines, cancelled jobs) to its agents. Each heartbeat
 * lists what the agents hold of that master's jobs, so the master can find lost messages (see the
 * master's protocol), and the versions of the peer list and work hint it has. Heartbeats are told,
 * and asked for an answer only when the last answer is 1.5 heartbeats old. A master that closes
 * says so and is forgotten quietly; one that stops answering heartbeats for `masterTimeoutMs` is
 * forgotten with a warning. Either way its packets are dropped.
 */
@injectable()
export class Machine extends Actor<MachineMsg | Internal> {
  private agents: AgentRef[] = [];
  private readonly masters = new Map<string, KnownMaster>();
  private readonly registering = new Map<string, Registration>();
  /** Numbers registrations, so the outcome of one that was superseded changes nothing. */
  private registrations = 0;
  private readonly peersByMaster = new Map<string, PeerInfo[]>();
  private readonly hintsByMaster = new Map<string, WorkHints>();
  private beat: TimerHandle | undefined;
  private beatSeq = 0;
  /** Masters given up or that forgot us, tried again every heartbeat for `masterTimeoutMs` × {@link LAPSED_TRIES}. */
  private readonly lapsed = new Map<string, { readonly ref: MasterRef; readonly since: number; readonly incarnation: number }>();
  private incarnation = 0;
  private malformed: RateLimitedWarning | undefined;
  private draining: Draining | undefined;
  private drainTimer: TimerHandle | undefined;

  constructor(
    @inject(SchedulerTokens.MachineSettings) private readonly settings: MachineSettings,
    @inject(SchedulerTokens.ExecutorFactory) private readonly executors: ExecutorFactory,
    @inject(SchedulerTokens.StatsSource) private readonly stats: StatsSource,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {
    super();
  }

  private get id(): MachineId {
    return machineId(this.context.system.node);
  }

  override preStart(): void {
    const slow = this.settings.slow;
    const slowCount = slow === undefined ? 0 : Math.round(slow.fraction * this.settings.agents);
    for (let i = 0; i < this.settings.agents; i++) {
      const agentSettings: AgentSettings = { ...AGENT_DEFAULTS, ...this.settings.agent, machine: this.id };
      const executor = this.executors({
        slowFactor: i < slowCount ? slow!.factor : 1,
        name: `${this.settings.name}/agent-${i}`,
        ...(this.settings.maxThreadHeapMb !== undefined ? { maxHeapMb: this.settings.maxThreadHeapMb } : {}),
      });
      this.agents.push(
        this.context.spawn(Agent, {
          name: `agent-${i}`,
          provide: [
            { token: SchedulerTokens.AgentSettings, useValue: agentSettings },
            { token: SchedulerTokens.Executor, useValue: executor },
          ],
        }),
      );
    }
    this.context.system.broadcast(MASTER_PATH, { type: 'machine-hello', machine: this.self } satisfies MasterMsg);
    this.schedule();
  }

  override postStop(): void {
    if (this.beat !== undefined) this.clock.clearTimeout(this.beat);
    if (this.drainTimer !== undefined) this.clock.clearTimeout(this.drainTimer);
  }

  /** A message that does not have the shape its type says (bad input) is dropped; the machine keeps its agents. */
  async receive(msg: MachineMsg | Internal): Promise<unknown> {
    try {
      return await this.handle(msg);
    } catch (error) {
      (this.malformed ??= new RateLimitedWarning(this.context.log, 'dropped a malformed protocol message')).warn({ type: String(msg?.type), error });
      return undefined;
    }
  }

  private async handle(msg: MachineMsg | Internal): Promise<unknown> {
    switch (msg.type) {
      case 'master-hello':
        if (this.draining === undefined) this.register(msg.master);
        return undefined;
      case 'registered':
        // Only the registration under way: a late reply after a `master-closed`, or to one superseded, is stale.
        if (this.registering.get(msg.master.address.node)?.serial === msg.serial) this.joined(msg.master);
        return undefined;
      case 'register-failed':
        // The master's peers said it took us in (the reply was lost): we are registered.
        if (this.masters.has(msg.master) || this.registering.get(msg.master)?.serial !== msg.serial) return undefined;
        this.registering.delete(msg.master);
        // A master that knew us is tried again on the next heartbeats; a new one waits for its hello.
        this.peersByMaster.delete(msg.master);
        return undefined;
      case 'acked': {
        const master = this.masters.get(msg.master);
        if (master === undefined) return undefined;
        if (msg.known) {
          master.lastAck = this.clock.now();
          if (msg.draining) this.draining?.acked.add(msg.master);
        } else {
          this.masters.delete(msg.master);
          // A master that forgot us holds nothing of ours; a draining machine does not join it again.
          if (this.draining === undefined) {
            this.lapse(master.ref);
            this.register(master.ref);
          }
        }
        return undefined;
      }
      case 'health':
        return { machine: this.id, stats: this.stats() } satisfies HealthReply;
      case 'peers': {
        // The master shares peers while it registers us, before our ask's reply arrives.
        if (!this.masters.has(msg.master) && !this.registering.has(msg.master)) return undefined;
        // A master shares peers only with its members: the registration went through, whether or
        // not the ask's reply arrives. Waiting for a lost reply would leave the machine without
        // heartbeats (so the master soon counts it dead) and its agents without the master's hints.
        const pending = this.registering.get(msg.master);
        if (pending !== undefined) this.joined(pending.ref);
        const known = this.masters.get(msg.master);
        if (known !== undefined) {
          if (msg.version < known.peersVersion) return undefined; // an old list that arrived late
          known.peersVersion = msg.version;
        }
        this.peersByMaster.set(msg.master, msg.agents);
        this.sharePeers();
        return undefined;
      }
      case 'work-hint': {
        const known = this.masters.get(msg.master);
        if (known === undefined || msg.version < known.hintVersion) return undefined; // unknown master, or a late old hint
        known.hintVersion = msg.version;
        known.lastAck = Math.max(known.lastAck, this.clock.now());
        this.hintsByMaster.set(msg.master, msg);
        this.shareHints();
        return undefined;
      }
      case 'machine-down':
        this.tellAgents({ type: 'lent-lost', master: msg.master, machine: msg.machine });
        return undefined;
      case 'cancel':
        this.tellAgents({ type: 'drop-job', job: msg.job });
        return undefined;
      case 'master-closed':
        if (this.masters.has(msg.master) || this.registering.has(msg.master)) this.forget(msg.master, 'closed');
        else this.lapsed.delete(msg.master);
        return undefined;
      case 'beat':
        try {
          await this.heartbeat();
        } finally {
          this.schedule();
        }
        return undefined;
      case 'drain':
        this.startDrain(msg);
        return undefined;
      case 'drain-check':
        this.drainTimer = undefined;
        await this.drainCheck();
        return undefined;
      case 'drained':
        this.context.log.info('machine drained', { machine: this.settings.name, ...msg.report });
        this.draining?.request.done(msg.report);
        return undefined;
    }
  }

  private startDrain(msg: Drain): void {
    if (this.draining !== undefined) {
      // Already draining: report to this caller too when done.
      const first = this.draining.request.done;
      this.draining = { ...this.draining, request: { ...this.draining.request, done: (r) => (first(r), msg.done(r)) } };
      return;
    }
    this.draining = { request: msg, deadline: this.clock.now() + msg.timeoutMs, acked: new Set(), leaving: false };
    this.context.log.info('machine draining', { machine: this.settings.name, masters: this.masters.size });
    this.sharePeers(); // draining agents stop stealing
    void this.heartbeat();
    this.drainTimer = this.clock.setTimeout(() => this.self.tell({ type: 'drain-check' }), DRAIN_CHECK_MS);
  }

  /** Leaves once every master knows we drain and every queue is empty, or at the deadline. */
  private async drainCheck(): Promise<void> {
    const d = this.draining;
    if (d === undefined || d.leaving) return;
    const acked = [...this.masters.keys()].every((m) => d.acked.has(m));
    const depths = await Promise.all(
      this.agents.map((a) => a.ask<AgentReport>({ type: 'report' }, { timeoutMs: this.settings.heartbeatMs }).then((r) => r.queued, () => -1)),
    );
    const empty = acked && depths.every((n) => n === 0);
    if (!empty && this.clock.now() < d.deadline) {
      this.drainTimer = this.clock.setTimeout(() => this.self.tell({ type: 'drain-check' }), DRAIN_CHECK_MS);
      return;
    }
    d.leaving = true;
    const masters = [...this.masters.values()];
    const answers = await Promise.allSettled(
      masters.map((m) => m.ref.ask<number>({ type: 'deregister', id: this.id } satisfies MasterMsg, { timeoutMs: this.settings.masterTimeoutMs })),
    );
    let placedAgain = 0;
    let unanswered = 0;
    for (const a of answers) {
      if (a.status === 'fulfilled' && typeof a.value === 'number') placedAgain += a.value;
      else unanswered++;
    }
    this.masters.clear();
    this.self.tell({ type: 'drained', report: { emptied: empty, placedAgain, unanswered } });
  }

  /** `master` took us in: heartbeats go to it from now on. */
  private joined(master: MasterRef): void {
    const node = master.address.node;
    this.registering.delete(node);
    this.lapsed.delete(node);
    const before = this.masters.get(node);
    this.masters.set(node, {
      ref: master,
      lastAck: this.clock.now(),
      peersVersion: before?.peersVersion ?? 0,
      hintVersion: before?.hintVersion ?? 0,
    });
    if (before === undefined) this.context.log.info('registered with master', { machine: this.settings.name, master: node });
    this.sharePeers();
  }

  /**
   * Registers with `master`. Retries of a lapsed master repeat one incarnation, so the master takes
   * a late copy for what it is; they time out after a heartbeat, so the next one tries again.
   */
  private register(master: MasterRef): void {
    const node = master.address.node;
    const lapsed = this.lapsed.get(node);
    const retry = lapsed !== undefined;
    if (this.masters.has(node) || this.registering.has(node)) return;
    const msg: MasterMsg = {
      type: 'register',
      id: this.id,
      name: this.settings.name,
      machine: this.self,
      agents: this.agents,
      stats: this.stats(),
      incarnation: lapsed?.incarnation ?? ++this.incarnation,
    };
    const serial = ++this.registrations;
    this.registering.set(node, { ref: master, msg, serial, sentAt: this.clock.now() });
    master.ask(msg, { timeoutMs: retry ? this.settings.heartbeatMs : this.settings.masterTimeoutMs }).then(
      () => this.self.tell({ type: 'registered', master, serial }),
      (error: unknown) => {
        // Joined meanwhile (a copy sent with a heartbeat was answered, or `peers` came), or superseded.
        if (this.registering.get(node)?.serial !== serial) return;
        if (retry) this.context.log.debug('registration failed; trying again at the next heartbeat', { master: node, error });
        else this.context.log.warn('registration failed', { master: node, error });
        this.self.tell({ type: 'register-failed', master: node, serial });
      },
    );
  }

  private async heartbeat(): Promise<void> {
    const now = this.clock.now();
    for (const [node, master] of [...this.masters]) {
      if (now - master.lastAck > this.settings.masterTimeoutMs) this.forget(node, 'silent');
    }
    for (const sent of this.registering.values()) {
      if (now - sent.sentAt < this.settings.heartbeatMs || this.draining !== undefined) continue;
      sent.sentAt = now;
      sent.ref.ask(sent.msg, { timeoutMs: this.settings.heartbeatMs }).then(
        () => this.self.tell({ type: 'registered', master: sent.ref, serial: sent.serial }),
        () => undefined, // the first ask's own timeout decides that the registration failed
      );
    }
    // Without this a machine that gave a master up during an outage would wait for its next hello.
    for (const [node, { ref, since }] of [...this.lapsed]) {
      if (now - since > this.settings.masterTimeoutMs * LAPSED_TRIES || this.draining !== undefined) this.lapsed.delete(node);
      else this.register(ref);
    }
    if (this.masters.size === 0) return;
    const reports = await Promise.all(
      this.agents.map((a) => a.ask<AgentReport>({ type: 'report' }, { timeoutMs: this.settings.heartbeatMs }).catch(() => undefined)),
    );
    const queued = reports.map((r) => r?.queued ?? -1);
    const counts = reports.map((r) => r?.counts ?? null);
    // A partial list would make the master take the missing agents' packets for lost: send none then.
    const held = reports.every((r) => r !== undefined) ? heldByMaster(reports as AgentReport[]) : undefined;
    const stats = this.stats();
    const seq = ++this.beatSeq;
    for (const [node, master] of this.masters) {
      const draining = this.draining !== undefined;
      const msg: MasterMsg = {
        type: 'heartbeat',
        id: this.id,
        stats,
        queued,
        seq,
        peersVersion: master.peersVersion,
        counts,
        hintVersion: master.hintVersion,
        ...(held !== undefined ? { held: held.get(node) ?? [] } : {}),
        ...(draining ? { draining } : {}),
      };
      // An answer every other heartbeat proves the master alive; a late one makes every heartbeat ask.
      if (!draining && this.clock.now() - master.lastAck < ACK_AFTER_BEATS * this.settings.heartbeatMs) {
        master.ref.tell(msg);
        continue;
      }
      master.ref.ask<boolean>(msg, { timeoutMs: this.settings.masterTimeoutMs }).then(
        (known) => this.self.tell({ type: 'acked', master: node, known: known === true, draining }),
        () => undefined,
      );
    }
  }

  private forget(node: string, why: 'silent' | 'closed'): void {
    const ref = this.masters.get(node)?.ref;
    if (why === 'silent' && ref !== undefined) this.lapse(ref);
    else this.lapsed.delete(node);
    this.masters.delete(node);
    this.registering.delete(node);
    this.peersByMaster.delete(node);
    if (this.hintsByMaster.delete(node)) this.shareHints();
    if (why === 'silent') this.context.log.warn('master stopped answering; dropping its work', { machine: this.settings.name, master: node });
    // An ordinary close is news, not a warning.
    else this.context.log.info('master left', { machine: this.settings.name, master: node });
    this.tellAgents({ type: 'master-gone', master: node });
    this.sharePeers();
  }

  /** Starts trying `master` again on every heartbeat, as a new registration. */
  private lapse(master: MasterRef): void {
    this.lapsed.set(master.address.node, { ref: master, since: this.clock.now(), incarnation: ++this.incarnation });
  }

  /** Agents steal from the union of the peers every master knows. */
  private sharePeers(): void {
    const masters = [...new Set([...this.masters.keys(), ...this.registering.keys()])];
    // Draining agents stop stealing: they get no peers.
    if (this.draining !== undefined) return this.tellAgents({ type: 'set-peers', peers: [], masters });
    // One master (the common case) lists each agent once: no need to merge.
    if (this.peersByMaster.size <= 1) return this.tellAgents({ type: 'set-peers', peers: [...this.peersByMaster.values()].flat(), masters });
    const seen = new Map<string, PeerInfo>();
    for (const peers of this.peersByMaster.values()) for (const p of peers) seen.set(p.agent.toString(), p);
    this.tellAgents({ type: 'set-peers', peers: [...seen.values()], masters });
  }

  /** Agents get the masters' hints merged: a job runs if one runs anywhere; victims deepest first. */
  private shareHints(): void {
    const hints = [...this.hintsByMaster.values()];
    const victims = new Map<string, PeerInfo>();
    // Interleaved by rank, so every master's deepest queues come first.
    for (let rank = 0; hints.some((h) => rank < h.victims.length); rank++) {
      for (const h of hints) {
        const v = h.victims[rank];
        if (v !== undefined) victims.set(v.agent.toString(), v);
      }
    }
    this.tellAgents({ type: 'work-hint', running: hints.some((h) => h.running), victims: [...victims.values()] });
  }

  private tellAgents(msg: AgentMsg): void {
    for (const agent of this.agents) agent.tell(msg);
  }

  private schedule(): void {
    this.beat = this.clock.setTimeout(() => this.self.tell({ type: 'beat' }), this.settings.heartbeatMs);
  }
}

/** Merges the agents' reports into what the machine holds, per master node and job. */
function heldByMaster(reports: readonly AgentReport[]): Map<string, HeldPackets[]> {
  const merged = new Map<string, Map<JobId, number[]>>();
  for (const report of reports) {
    for (const { master, job, indices } of report.held) {
      let jobs = merged.get(master);
      if (jobs === undefined) merged.set(master, (jobs = new Map()));
      const list = jobs.get(job);
      if (list === undefined) jobs.set(job, [...indices]);
      else for (const i of indices) list.push(i);
    }
  }
  const out = new Map<string, HeldPackets[]>();
  for (const [master, jobs] of merged) out.set(master, [...jobs].map(([job, indices]) => ({ job, ranges: toRanges(indices) })));
  return out;
}
