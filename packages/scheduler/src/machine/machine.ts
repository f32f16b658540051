import { Actor, Tokens, inject, injectable, type Clock, type TimerHandle } from '@armada/actors';
import { Agent } from '../agent/agent.js';
import { AGENT_DEFAULTS, type AgentSettings } from '../agent/agent-settings.js';
import type { AgentMsg, AgentRef, PeerInfo } from '../agent/protocol.js';
import { machineId, type MachineId } from '../ids.js';
import { MASTER_PATH, type MasterMsg, type MasterRef } from '../master/protocol.js';
import { SchedulerTokens } from '../tokens.js';
import type { ExecutorFactory } from '../worker/executor.js';
import type { MachineSettings } from './machine-settings.js';
import type { StatsSource } from './machine-stats.js';
import type { Drain, DrainReport, HealthReply, MachineMsg } from './protocol.js';

/** Internal: the outcome of a registration or heartbeat ask. */
type Internal =
  | { readonly type: 'registered'; readonly master: MasterRef }
  | { readonly type: 'acked'; readonly master: string; readonly known: boolean; readonly draining: boolean }
  | { readonly type: 'register-failed'; readonly master: string }
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

interface KnownMaster {
  readonly ref: MasterRef;
  lastAck: number;
}

/**
 * One machine: spawns its Agent+Worker pairs (each Worker on its own thread), registers with every
 * master it hears of, heartbeats its stats and queue depths, answers health checks, and relays
 * masters' news (peers, dead machines, cancelled jobs) to its agents. A master that stops
 * answering heartbeats for `masterTimeoutMs` is forgotten and its queued packets dropped.
 */
@injectable()
export class Machine extends Actor<MachineMsg | Internal> {
  private agents: AgentRef[] = [];
  private readonly masters = new Map<string, KnownMaster>();
  private readonly registering = new Set<string>();
  private readonly peersByMaster = new Map<string, PeerInfo[]>();
  private beat: TimerHandle | undefined;
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

  async receive(msg: MachineMsg | Internal): Promise<unknown> {
    switch (msg.type) {
      case 'master-hello':
        if (this.draining === undefined) this.register(msg.master);
        return undefined;
      case 'registered':
        this.registering.delete(msg.master.address.node);
        this.masters.set(msg.master.address.node, { ref: msg.master, lastAck: this.clock.now() });
        this.context.log.info('registered with master', { machine: this.settings.name, master: msg.master.address.node });
        this.sharePeers();
        return undefined;
      case 'register-failed':
        this.registering.delete(msg.master);
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
          if (this.draining === undefined) this.register(master.ref);
        }
        return undefined;
      }
      case 'master-bye':
        if (this.masters.has(msg.master) || this.registering.has(msg.master)) this.forget(msg.master, 'left');
        return undefined;
      case 'health':
        return { machine: this.id, stats: this.stats() } satisfies HealthReply;
      case 'peers':
        // The master shares peers while it registers us, before our ask's reply arrives.
        if (!this.masters.has(msg.master) && !this.registering.has(msg.master)) return undefined;
        this.peersByMaster.set(msg.master, msg.agents);
        this.sharePeers();
        return undefined;
      case 'machine-down':
        this.tellAgents({ type: 'lent-lost', master: msg.master, machine: msg.machine });
        return undefined;
      case 'cancel':
        this.tellAgents({ type: 'cancel', job: msg.job });
        return undefined;
      case 'beat':
        await this.heartbeat();
        this.schedule();
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
    const depths = await Promise.all(this.agents.map((a) => a.ask<number>({ type: 'depth' }, { timeoutMs: this.settings.heartbeatMs }).catch(() => -1)));
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

  private register(master: MasterRef): void {
    const node = master.address.node;
    if (this.masters.has(node) || this.registering.has(node)) return;
    this.registering.add(node);
    const msg: MasterMsg = { type: 'register', id: this.id, name: this.settings.name, machine: this.self, agents: this.agents, stats: this.stats() };
    master.ask(msg, { timeoutMs: this.settings.masterTimeoutMs }).then(
      () => this.self.tell({ type: 'registered', master }),
      (error: unknown) => {
        this.context.log.warn('registration failed', { master: node, error });
        this.self.tell({ type: 'register-failed', master: node });
      },
    );
  }

  private async heartbeat(): Promise<void> {
    const now = this.clock.now();
    for (const [node, master] of [...this.masters]) {
      if (now - master.lastAck > this.settings.masterTimeoutMs) this.forget(node, 'silent');
    }
    if (this.masters.size === 0) return;
    const queued = await Promise.all(this.agents.map((a) => a.ask<number>({ type: 'depth' }, { timeoutMs: this.settings.heartbeatMs }).catch(() => -1)));
    const stats = this.stats();
    for (const [node, master] of this.masters) {
      const draining = this.draining !== undefined;
      const beat: MasterMsg = draining ? { type: 'heartbeat', id: this.id, stats, queued, draining } : { type: 'heartbeat', id: this.id, stats, queued };
      master.ref.ask<boolean>(beat, { timeoutMs: this.settings.masterTimeoutMs }).then(
        (known) => this.self.tell({ type: 'acked', master: node, known: known === true, draining }),
        () => undefined,
      );
    }
  }

  private forget(node: string, why: 'silent' | 'left'): void {
    this.masters.delete(node);
    this.registering.delete(node);
    this.peersByMaster.delete(node);
    if (why === 'left') this.context.log.info('master left', { machine: this.settings.name, master: node });
    else this.context.log.warn('master stopped answering; dropping its work', { machine: this.settings.name, master: node });
    this.tellAgents({ type: 'master-gone', master: node });
    this.sharePeers();
  }

  /** Agents steal from the union of the peers every master knows. */
  private sharePeers(): void {
    const seen = new Map<string, PeerInfo>();
    if (this.draining === undefined) for (const peers of this.peersByMaster.values()) for (const p of peers) seen.set(p.agent.toString(), p);
    this.tellAgents({ type: 'peers', peers: [...seen.values()], masters: [...new Set([...this.masters.keys(), ...this.registering])] });
  }

  private tellAgents(msg: AgentMsg): void {
    for (const agent of this.agents) agent.tell(msg);
  }

  private schedule(): void {
    this.beat = this.clock.setTimeout(() => this.self.tell({ type: 'beat' }), this.settings.heartbeatMs);
  }
}
