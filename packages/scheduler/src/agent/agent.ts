import { Actor, Tokens, inject, injectable, type ActorRef, type Clock, type TimerHandle } from '@armada/actors';
import { wideBigInt } from '@armada/actors/internal';
import { RetriesExhaustedError, WorkerCrashedError } from '../errors.js';
import type { DefinitionClient } from '../functions/definition-client.js';
import type { FunctionDef } from '../functions/function-def.js';
import type { JobId, MachineId } from '../ids.js';
import type { Results } from '../master/protocol.js';
import type { JobHeader, PacketBatch, PacketFailure } from '../packet.js';
import type { StealPolicy } from '../stealing/steal-policy.js';
import { SchedulerTokens } from '../tokens.js';
import type { BatchOutcome, TaskExecutor } from '../worker/executor.js';
import { Worker } from '../worker/worker.js';
import type { WorkerRef } from '../worker/protocol.js';
import type { AgentSettings } from './agent-settings.js';
import { Deque } from './deque.js';
import type { AgentMsg, AgentRef, Grant, PeerInfo, Ran, Steal } from './protocol.js';

/** The steal-timeout id that means "the back-off pause is over". */
const BACKOFF_OVER = -1;

/** One job as an agent knows it. */
interface AgentJob {
  readonly header: JobHeader;
  readonly master: string;
  def: FunctionDef | undefined;
  /** Packets given to thieves and not yet released by the master: index → (entry, thief's machine). */
  readonly lent: Map<number, { entry: Entry; thief: MachineId }>;
  /** Average run time of one packet, in milliseconds (undefined until measured). */
  avgMs: number | undefined;
  lastChunk: number;
  /** Results not yet sent to the master, and when the first of them came in. */
  unsent: { indices: number[]; values: unknown[]; ms: number; since: number } | undefined;
}

interface Entry {
  readonly job: AgentJob;
  readonly index: number;
  readonly arg: unknown;
  attempts: number;
  /** Was in a chunk whose thread died: runs alone until it succeeds. */
  suspect: boolean;
}

/**
 * Owns one Worker's FIFO queue (see `protocol.ts` for the steal transaction). Hands the worker
 * chunks sized to take about `targetChunkMs`, so tiny tasks are not dominated by messaging;
 * batches the results of successive chunks into one message per master (sent within
 * `resultFlushMs`, at once when idle); retries packets whose thread died
 * up to the job's `maxRetries`.
 */
@injectable()
export class Agent extends Actor<AgentMsg> {
  private readonly queue = new Deque<Entry>();
  private readonly jobs = new Map<JobId, AgentJob>();
  private worker!: WorkerRef;
  private running: Entry[] | undefined;
  private peers: PeerInfo[] = [];
  private masters: string[] = [];
  private stealId = 0;
  private stealing: { id: number; timer: TimerHandle } | undefined;
  private stealAttempt = 0;
  private stealTimer: TimerHandle | undefined;
  private backedOff = false;

  constructor(
    @inject(SchedulerTokens.AgentSettings) private readonly settings: AgentSettings,
    @inject(SchedulerTokens.StealPolicy) private readonly policy: StealPolicy,
    @inject(SchedulerTokens.Executor) private readonly executor: TaskExecutor,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(SchedulerTokens.Definitions) private readonly definitions: DefinitionClient,
  ) {
    super();
  }

  override preStart(): void {
    this.worker = this.context.spawn(Worker, { name: 'worker', provide: [{ token: SchedulerTokens.Executor, useValue: this.executor }] });
  }

  override postStop(): void {
    if (this.stealing !== undefined) this.clock.clearTimeout(this.stealing.timer);
    if (this.stealTimer !== undefined) this.clock.clearTimeout(this.stealTimer);
  }

  receive(msg: AgentMsg): unknown {
    switch (msg.type) {
      case 'assign':
        this.accept(msg.defs, msg.batches);
        this.resetStealing();
        break;
      case 'steal':
        this.giveTo(msg);
        return undefined;
      case 'grant':
        this.granted(msg);
        break;
      case 'release': {
        const job = this.jobs.get(msg.job);
        if (job !== undefined) for (const i of msg.indices) job.lent.delete(i);
        return undefined;
      }
      case 'lent-lost':
        this.reclaim(msg.master, msg.machine);
        break;
      case 'cancel':
        this.drop((job) => job.header.id === msg.job);
        return undefined;
      case 'master-gone':
        this.drop((job) => job.master === msg.master);
        return undefined;
      case 'peers':
        this.peers = msg.peers.filter((p) => !p.agent.equals(this.self));
        this.masters = msg.masters;
        this.resetStealing();
        break;
      case 'ran':
        this.ran(msg);
        break;
      case 'steal-timeout':
        if (msg.id === BACKOFF_OVER) this.backedOff = true;
        else if (this.stealing?.id === msg.id) {
          this.stealing = undefined;
          this.stealAttempt++;
        }
        break;
      case 'depth':
        return this.queue.length + (this.running?.length ?? 0);
    }
    this.pump();
    this.flushDue();
    return undefined;
  }

  /** Starts the next chunk, or a steal when there is nothing to run. */
  private pump(): void {
    if (this.running !== undefined) return;
    const chunk = this.nextChunk();
    if (chunk !== undefined) {
      this.running = chunk;
      const job = chunk[0]!.job;
      this.worker.tell({ type: 'run', fn: job.def, hash: job.header.fn, master: job.master, args: chunk.map((e) => e.arg) });
      return;
    }
    this.maybeSteal();
  }

  private nextChunk(): Entry[] | undefined {
    // A job whose definition the agent lacks still runs: its worker fetches the definition by hash.
    const head = this.queue.shift();
    if (head === undefined) return undefined;
    const chunk = [head];
    if (head.suspect) return chunk;
    const job = head.job;
    let size = job.avgMs === undefined ? 1 : Math.max(1, Math.min(this.settings.maxChunk, Math.floor(this.settings.targetChunkMs / Math.max(job.avgMs, 1e-4)), job.lastChunk * 4));
    // Leave work for thieves: never take more than half of what is queued of a stealable job.
    if (job.header.stealable && this.peers.length > 0) size = Math.min(size, Math.max(1, Math.ceil((this.queue.length + 1) / 2)));
    while (chunk.length < size) {
      const next = this.queue.at(0);
      if (next === undefined || next.job !== job || next.suspect) break;
      chunk.push(this.queue.shift()!);
    }
    job.lastChunk = chunk.length;
    return chunk;
  }

  private ran(msg: Ran): void {
    const chunk = this.running;
    this.running = undefined;
    if (chunk === undefined) return;
    const job = chunk[0]!.job;
    if ('crashed' in msg.outcome) {
      this.crashed(chunk, msg.outcome.crashed);
      return;
    }
    const { outcomes, ms } = msg.outcome as BatchOutcome;
    const perPacket = ms / chunk.length;
    job.avgMs = job.avgMs === undefined ? perPacket : 0.5 * job.avgMs + 0.5 * perPacket;
    if (!this.jobs.has(job.header.id)) return; // cancelled while running
    const indices: number[] = [];
    const values: unknown[] = [];
    const failures: PacketFailure[] = [];
    const retry: Entry[] = [];
    for (let k = 0; k < chunk.length; k++) {
      const entry = chunk[k]!;
      const outcome = outcomes[k]!;
      if (outcome.ok) {
        indices.push(entry.index);
        values.push(wideBigInt(outcome.value));
      } else if (job.header.retryErrors && entry.attempts < job.header.maxRetries) {
        entry.attempts++;
        retry.push(entry);
      } else {
        failures.push({ index: entry.index, error: outcome.error, machine: this.settings.machine });
      }
    }
    for (let k = retry.length - 1; k >= 0; k--) this.queue.unshift(retry[k]!);
    if (failures.length > 0) {
      this.report(job, indices, values, failures, ms);
      return;
    }
    const unsent = (job.unsent ??= { indices: [], values: [], ms: 0, since: this.clock.now() });
    for (let k = 0; k < indices.length; k++) {
      unsent.indices.push(indices[k]!);
      unsent.values.push(values[k]);
    }
    unsent.ms += ms;
  }

  /** Sends batched results that waited `resultFlushMs`, or all of them when there is nothing left to run. */
  private flushDue(): void {
    const idle = this.running === undefined;
    const now = this.clock.now();
    for (const job of this.jobs.values()) {
      const unsent = job.unsent;
      if (unsent === undefined || (!idle && now - unsent.since < this.settings.resultFlushMs)) continue;
      job.unsent = undefined;
      this.send(job, unsent.indices, unsent.values, [], unsent.ms, []);
    }
  }

  /** The thread died under `chunk`: only a packet that ran alone is charged a retry. */
  private crashed(chunk: Entry[], error: Error): void {
    const job = chunk[0]!.job;
    if (!this.jobs.has(job.header.id)) return;
    const failures: PacketFailure[] = [];
    const again: Entry[] = [];
    for (const entry of chunk) {
      entry.suspect = true;
      if (chunk.length === 1) entry.attempts++;
      if (entry.attempts > job.header.maxRetries) {
        const cause = error instanceof WorkerCrashedError ? error : new WorkerCrashedError(error.message, error);
        failures.push({ index: entry.index, error: new RetriesExhaustedError(entry.index, entry.attempts, cause), machine: this.settings.machine });
      } else {
        again.push(entry);
      }
    }
    for (let k = again.length - 1; k >= 0; k--) this.queue.unshift(again[k]!);
    this.context.log.warn('worker thread died; packets queued again', { agent: this.self.toString(), packets: chunk.length, error: error.message });
    const charged = chunk.length === 1 ? again.map((e): [number, number] => [e.index, e.attempts]) : [];
    if (failures.length > 0 || charged.length > 0) this.report(job, [], [], failures, 0, charged);
  }

  /** Sends results now, after any batched ones of the job, so the master sees them in order. */
  private report(job: AgentJob, indices: number[], values: unknown[], failures: PacketFailure[], ms: number, attempts: Array<[number, number]> = []): void {
    const unsent = job.unsent;
    job.unsent = undefined;
    if (unsent !== undefined) this.send(job, unsent.indices, unsent.values, [], unsent.ms, []);
    this.send(job, indices, values, failures, ms, attempts);
  }

  private send(job: AgentJob, indices: number[], values: unknown[], failures: PacketFailure[], ms: number, attempts: Array<[number, number]>): void {
    const msg: Results = {
      type: 'results',
      job: job.header.id,
      machine: this.settings.machine,
      indices,
      values,
      ms,
      ...(failures.length > 0 ? { failures } : {}),
      ...(attempts.length > 0 ? { attempts } : {}),
    };
    (job.header.master as ActorRef<Results>).tell(msg);
  }

  private accept(defs: readonly FunctionDef[], batches: readonly PacketBatch[]): void {
    for (const def of defs) this.definitions.definitions.add(def);
    for (const batch of batches) {
      let job = this.jobs.get(batch.job.id);
      if (job === undefined) {
        job = { header: batch.job, master: batch.job.master.address.node, def: undefined, lent: new Map(), avgMs: undefined, lastChunk: 1, unsent: undefined };
        this.jobs.set(batch.job.id, job);
      }
      job.def ??= this.definitions.definitions.get(batch.job.fn) ?? this.knownDef(batch.job.fn);
      const { indices, args, attempts } = batch;
      for (let k = 0; k < indices.length; k++) {
        this.queue.push({ job, index: indices[k]!, arg: args[k], attempts: attempts?.[k] ?? 0, suspect: false });
      }
    }
  }

  private knownDef(hash: string): FunctionDef | undefined {
    for (const job of this.jobs.values()) if (job.def?.hash === hash) return job.def;
    return undefined;
  }

  // --- stealing ---

  /** There is work in the cluster again: the next idle moment steals at once, without back-off. */
  private resetStealing(): void {
    this.stealAttempt = 0;
    this.backedOff = false;
    if (this.stealTimer !== undefined) this.clock.clearTimeout(this.stealTimer);
    this.stealTimer = undefined;
  }

  private maybeSteal(): void {
    if (!this.settings.stealing || this.stealing !== undefined || this.stealTimer !== undefined || this.peers.length === 0) return;
    // One quick round over the peers, then exponential back-off, so an idle cluster stays quiet.
    const delay = this.stealAttempt < this.peers.length ? 0 : Math.min(this.settings.maxStealBackoffMs, 2 ** (this.stealAttempt - this.peers.length));
    if (delay > 0 && !this.backedOff) {
      this.stealTimer = this.clock.setTimeout(() => {
        this.stealTimer = undefined;
        this.self.tell({ type: 'steal-timeout', id: BACKOFF_OVER });
      }, delay);
      return;
    }
    this.backedOff = false;
    const victim = this.policy.victim(this.peers.map((p) => ({ agent: p.agent.toString(), machine: p.machine })), this.stealAttempt);
    const peer = victim === undefined ? undefined : this.peers.find((p) => p.agent.toString() === victim.agent);
    if (peer === undefined) return;
    const id = ++this.stealId;
    const timer = this.clock.setTimeout(() => this.self.tell({ type: 'steal-timeout', id }), this.settings.stealTimeoutMs);
    this.stealing = { id, timer };
    const request: Steal = { type: 'steal', id, thief: this.self, machine: this.settings.machine, masters: this.masters };
    peer.agent.tell(request);
  }

  private granted(msg: Grant): void {
    if (this.stealing?.id === msg.id) {
      this.clock.clearTimeout(this.stealing.timer);
      this.stealing = undefined;
    }
    if (msg.batches.length === 0) {
      this.stealAttempt++;
      return;
    }
    this.resetStealing();
    this.accept(msg.defs, msg.batches);
    for (const batch of msg.batches) {
      batch.job.master.tell({ type: 'moved', job: batch.job.id, indices: batch.indices, from: msg.machine, to: this.settings.machine, thief: this.self, victim: msg.victim });
    }
  }

  /** A peer asked for work: lend it part of the queue's tail, packets of stealable jobs only. */
  private giveTo(msg: Steal): void {
    const masters = new Set(msg.masters);
    const movable = (e: Entry) => e.job.header.stealable && masters.has(e.job.master) && !e.suspect;
    let stealable = 0;
    for (const e of this.queue) if (movable(e)) stealable++;
    const amount = Math.max(0, Math.min(stealable, Math.floor(this.policy.amount(stealable, this.queue.length))));
    const taken = amount === 0 ? [] : this.queue.takeFromTail(amount, movable);
    const byJob = new Map<AgentJob, Entry[]>();
    for (const e of taken) {
      e.job.lent.set(e.index, { entry: e, thief: msg.machine });
      const list = byJob.get(e.job);
      if (list === undefined) byJob.set(e.job, [e]);
      else list.push(e);
    }
    const batches: PacketBatch[] = [];
    const defs: FunctionDef[] = [];
    for (const [job, entries] of byJob) {
      batches.push({ job: job.header, indices: entries.map((e) => e.index), args: entries.map((e) => wideBigInt(e.arg)), attempts: entries.map((e) => e.attempts) });
      if (job.def !== undefined && !defs.includes(job.def)) defs.push(job.def);
    }
    const grant: Grant = { type: 'grant', id: msg.id, victim: this.self, machine: this.settings.machine, defs, batches };
    msg.thief.tell(grant);
  }

  /** A master declared `machine` dead: what was lent to it for that master runs here after all. */
  private reclaim(master: string, machine: MachineId): void {
    for (const job of this.jobs.values()) {
      if (job.master !== master) continue;
      for (const [index, { entry, thief }] of job.lent) {
        if (thief !== machine) continue;
        job.lent.delete(index);
        this.queue.unshift(entry);
      }
    }
  }

  private drop(which: (job: AgentJob) => boolean): void {
    const gone = new Set<AgentJob>();
    for (const job of this.jobs.values()) if (which(job)) gone.add(job);
    if (gone.size === 0) return;
    for (const job of gone) this.jobs.delete(job.header.id);
    this.queue.remove((e) => gone.has(e.job));
  }
}

export type { AgentRef };
