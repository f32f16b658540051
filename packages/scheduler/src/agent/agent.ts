import { Actor, Tokens, inject, injectable, type Clock, type TimerHandle } from '@armada/actors';
import { RateLimitedWarning, wideBigInt } from '@armada/actors/internal';
import { CostMemory } from '../cost-memory.js';
import { DefinitionUnavailableError, RetriesExhaustedError, TaskTimeoutError, WorkerCrashedError } from '../errors.js';
import type { DefinitionClient } from '../functions/definition-client.js';
import type { FunctionDef } from '../functions/function-def.js';
import type { JobId, MachineId } from '../ids.js';
import type { JobHeader, PacketBatch, PacketFailure } from '../packet.js';
import { toRanges } from '../packet-ranges.js';
import type { StealPolicy } from '../stealing/steal-policy.js';
import { SchedulerTokens } from '../tokens.js';
import type { BatchOutcome, TaskExecutor } from '../worker/executor.js';
import { failedOutcome } from '../worker/run-batch.cjs';
import { Worker } from '../worker/worker.js';
import type { WorkerRef } from '../worker/protocol.js';
import type { AgentSettings } from './agent-settings.js';
import { grantBatches, heldPackets, newAgentJob, type AgentJob, type Entry } from './agent-job.js';
import { chunkSize } from './chunk-size.js';
import { Deque } from './deque.js';
import type { AgentCounts, AgentMsg, AgentReport, AgentRef, Grant, PeerInfo, Steal } from './protocol.js';
import { ResultOutbox } from './result-outbox.js';
import { NO_HINT, Thief, type StealHint } from './thief.js';

/** Times a chunk whose definition fetch went unanswered is queued again before its packets fail. */
const MAX_FETCH_PUT_BACKS = 1;

/** From the agent's own Worker and timers; never on the wire. */
type Internal =
  | { readonly type: 'ran'; readonly outcome: BatchOutcome | { readonly crashed: Error; readonly started: boolean } }
  | { readonly type: 'steal-timeout'; readonly id: number }
  | { readonly type: 'grace-over' }
  | { readonly type: 'task-timeout'; readonly run: number }
  | { readonly type: 'started'; readonly run: number };

/**
 * Owns one Worker's FIFO queue (see `protocol.ts` for the steal transaction and how it survives
 * lost messages). Hands the worker chunks sized to take about `targetChunkMs`, so tiny tasks are
 * not dominated by messaging; batches the results of successive chunks into one message per
 * master (sent within `resultFlushMs`, at once when idle) and keeps each until its master
 * acknowledges it; retries packets whose thread died up to the job's `maxRetries`.
 */
@injectable()
export class Agent extends Actor<AgentMsg | Internal> {
  private readonly queue = new Deque<Entry>();
  private readonly jobs = new Map<JobId, AgentJob>();
  private readonly outbox = new ResultOutbox();
  private worker!: WorkerRef;
  /**
   * Chunks handed to the worker and not yet answered, oldest (the one running) first. With an
   * executor that queues (`TaskExecutor.queues`) one more waits in the thread while one runs, so
   * the thread does not idle while a result travels back; answers come in this order.
   */
  private readonly running: Entry[][] = [];
  /** Chunks of `running` a copy of which went to a thief: each is copied once. */
  private readonly copied = new WeakSet<readonly Entry[]>();
  /** When the head of `running` started (about: when the chunk before it was answered, or it was handed over). */
  private runningSince = 0;
  /** A running copy of a dropped job, left to end by itself until the timer (see `stopDropped`). */
  private grace: { readonly chunk: readonly Entry[]; readonly timer: TimerHandle } | undefined;
  /** Numbers chunks handed to the worker, so a late task timer finds its chunk gone. */
  private runId = 0;
  private taskTimer: TimerHandle | undefined;
  /** Why the running chunk is being stopped, once it is. */
  private stopping: 'timeout' | 'cancelled' | undefined;
  private peers: PeerInfo[] = [];
  private masters: string[] = [];
  private readonly thief: Thief;
  private hint: StealHint = NO_HINT;
  /** Work hints received that said no job to steal from runs (see `holdsStealableJob`). */
  private quietHints = 0;
  private malformed: RateLimitedWarning | undefined;
  /** Masters heard of through assigns and grants, by node, with the highest assign `seq` received. */
  private readonly knownMasters = new Map<string, { readonly ref: JobHeader['master']; lastSeq: number }>();
  /** Whether this idle spell was reported (`agent-idle`), and when the last report went out. */
  private idleReported = false;
  private lastIdleReport = -Infinity;
  /** Cumulative counts for status displays (see `AgentCounts`). */
  private readonly counts = { done: 0, stolenIn: 0, stolenOut: 0 };
  /** Run time per packet of each function's last chunks here: a new job of it starts with chunks that fit. */
  private readonly costs = new CostMemory();

  constructor(
    @inject(SchedulerTokens.AgentSettings) private readonly settings: AgentSettings,
    @inject(SchedulerTokens.StealPolicy) private readonly policy: StealPolicy,
    @inject(SchedulerTokens.Executor) private readonly executor: TaskExecutor,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(SchedulerTokens.Definitions) private readonly definitions: DefinitionClient,
  ) {
    super();
    this.thief = new Thief(settings, clock, policy, (id) => this.self.tell({ type: 'steal-timeout', id }));
  }

  override preStart(): void {
    this.worker = this.context.spawn(Worker, { name: 'worker', provide: [{ token: SchedulerTokens.Executor, useValue: this.executor }] });
  }

  override postStop(): void {
    if (this.taskTimer !== undefined) this.clock.clearTimeout(this.taskTimer);
    if (this.grace !== undefined) this.clock.clearTimeout(this.grace.timer);
    this.thief.close();
  }

  /** A message that does not have the shape its type says (bad input) is dropped; the queue survives. */
  receive(msg: AgentMsg | Internal): unknown {
    try {
      return this.handle(msg);
    } catch (error) {
      (this.malformed ??= new RateLimitedWarning(this.context.log, 'dropped a malformed protocol message')).warn({ type: String(msg?.type), error });
      return undefined;
    }
  }

  private handle(msg: AgentMsg | Internal): unknown {
    switch (msg.type) {
      case 'assign':
        if (msg.seq !== undefined && msg.batches.length > 0) this.sawAssign(msg.batches[0]!.job.master, msg.seq);
        this.accept(msg.defs, msg.batches);
        this.thief.reset();
        break;
      case 'steal':
        this.giveTo(msg);
        return undefined;
      case 'grant':
        this.granted(msg);
        break;
      case 'release': {
        const job = this.jobs.get(msg.job);
        if (job !== undefined) {
          for (const i of msg.indices) if (job.lent.delete(i)) job.holding.delete(i);
        }
        return undefined;
      }
      case 'results-ack':
        this.outbox.ack(msg.seq);
        if (!msg.known) this.drop((job) => job.header.id === msg.job);
        return undefined;
      case 'results-acks':
        for (const seq of msg.seqs) this.outbox.ack(seq);
        return undefined;
      case 'lent-lost':
        this.reclaim((job, loan) => job.master === msg.master && loan.thief === msg.machine);
        break;
      case 'drop-job':
        this.drop((job) => job.header.id === msg.job);
        return undefined;
      case 'master-gone':
        this.drop((job) => job.master === msg.master);
        return undefined;
      case 'set-peers':
        this.peers = msg.peers.filter((p) => !p.agent.equals(this.self));
        this.masters = msg.masters;
        this.thief.reset();
        break;
      case 'work-hint':
        this.hint = { running: msg.running, victims: msg.victims.map((v) => v.agent.toString()) };
        if (!msg.running) this.quietHints++;
        // A parked thief looks again only when a job runs; a searching one just gets better targets.
        if (msg.running && this.thief.isParked) this.thief.reset();
        break;
      case 'report':
        return this.report();
      case 'ran':
        this.ran(msg.outcome);
        break;
      case 'started':
        this.startTaskTimer(msg.run);
        return undefined;
      case 'task-timeout':
        if (msg.run === this.runId && this.running.length > 0) this.stopRunning('timeout');
        break;
      case 'steal-timeout':
        this.thief.timedOut(msg.id);
        break;
      case 'grace-over':
        if (this.grace !== undefined && this.running[0] === this.grace.chunk) this.stopRunning('cancelled');
        this.grace = undefined;
        break;
    }
    this.pump();
    this.flushDue();
    return undefined;
  }

  /** Starts the next chunk, or a steal when there is nothing to run. */
  private pump(): void {
    while (this.running.length < this.depth() && this.stopping === undefined) {
      const chunk = this.nextChunk();
      if (chunk === undefined) break;
      this.idleReported = false;
      if (this.running.length === 0) this.runningSince = this.clock.now();
      this.running.push(chunk);
      const job = chunk[0]!.job;
      const run = ++this.runId;
      const msg = { type: 'run', fn: job.def, hash: job.header.fn, master: job.master, args: chunk.map((e) => e.arg) } as const;
      this.worker.tell(job.header.taskTimeoutMs === undefined ? msg : { ...msg, timed: run });
    }
    if (this.running.length > 0) {
      // Nothing left to hand the worker: look for more now, so the steal's round trip overlaps the
      // run. One round only: after an empty one the worker's next answer is awaited, not a back-off.
      if (this.queue.length === 0 && !this.thief.searched) this.maybeSteal();
      return;
    }
    if (this.queue.length === 0) this.reportIdle();
    this.maybeSteal();
  }

  /**
   * Chunks the worker may hold now: two when its executor queues them, but one alone when it or
   * the next is a suspect packet or has a time limit (the stop and the blame must hit only it).
   */
  private depth(): number {
    if (this.executor.queues !== true || this.running.length === 0) return 1;
    const alone = (e: Entry | undefined) => e !== undefined && (e.suspect || e.job.header.taskTimeoutMs !== undefined);
    return this.running.some((c) => alone(c[0])) || alone(this.queue.at(0)) ? 1 : 2;
  }

  private nextChunk(): Entry[] | undefined {
    // A job whose definition the agent lacks still runs: its worker fetches the definition by hash.
    const head = this.queue.shift();
    if (head === undefined) return undefined;
    const chunk = [head];
    // A time limit is per packet: such packets run alone, so the limit and the stop hit only one.
    if (head.suspect || head.job.header.taskTimeoutMs !== undefined) return chunk;
    const job = head.job;
    const size = chunkSize(job.cost.avgMs, job.lastChunk, this.settings, job.header.stealable && this.peers.length > 0 ? this.queue.length : undefined);
    while (chunk.length < size) {
      const next = this.queue.at(0);
      if (next === undefined || next.job !== job || next.suspect) break;
      chunk.push(this.queue.shift()!);
    }
    job.lastChunk = chunk.length;
    return chunk;
  }

  private ran(outcome: BatchOutcome | { readonly crashed: Error; readonly started: boolean }): void {
    const chunk = this.running.shift();
    this.runningSince = this.clock.now();
    if (this.grace !== undefined && this.grace.chunk === chunk) {
      this.clock.clearTimeout(this.grace.timer);
      this.grace = undefined;
    }
    const stopped = this.stopping;
    // A stop ends every chunk the thread held: it is over once the last of them is answered.
    if (this.running.length === 0) this.stopping = undefined;
    if (this.taskTimer !== undefined) this.clock.clearTimeout(this.taskTimer);
    this.taskTimer = undefined;
    if (chunk === undefined) return;
    const job = chunk[0]!.job;
    if (stopped === 'timeout' && 'crashed' in outcome && outcome.started) {
      this.timedOut(chunk[0]!);
      return;
    }
    if ('crashed' in outcome) {
      if (outcome.started) {
        this.crashed(chunk, outcome.crashed);
        return;
      }
      // Never started: queued behind a thread that died, or every ask of its fetch went unanswered.
      // A fetch is given one more full round, then fails as any fetch error does, so a master that
      // stays unreachable or too slow cannot hold the packets here for ever.
      if (!(outcome.crashed instanceof DefinitionUnavailableError)) {
        this.requeue(chunk);
        return;
      }
      for (const e of chunk) e.putBack = (e.putBack ?? 0) + 1;
      if (chunk.every((e) => e.putBack! <= MAX_FETCH_PUT_BACKS)) {
        this.requeue(chunk);
        return;
      }
      const failed = failedOutcome(outcome.crashed);
      outcome = { outcomes: chunk.map(() => failed), ms: 0 };
    }
    const { outcomes, ms } = outcome;
    job.cost.observe(ms, chunk.length);
    this.costs.remember(job.header.fn, job.cost.meanMs);
    if (!this.jobs.has(job.header.id)) return; // cancelled while running
    const indices: number[] = [];
    const values: unknown[] = [];
    const failures: PacketFailure[] = [];
    const retry: Entry[] = [];
    for (let k = 0; k < chunk.length; k++) {
      const entry = chunk[k]!;
      const o = outcomes[k]!;
      if (o.ok) {
        indices.push(entry.index);
        values.push(wideBigInt(o.value));
        job.holding.delete(entry.index);
      } else if (job.header.retryErrors && entry.attempts < job.header.maxRetries) {
        entry.attempts++;
        retry.push(entry);
      } else {
        failures.push({ index: entry.index, error: o.error, machine: this.settings.machine });
        job.holding.delete(entry.index);
      }
    }
    for (let k = retry.length - 1; k >= 0; k--) this.queue.unshift(retry[k]!);
    if (failures.length > 0) {
      this.reportNow(job, indices, values, failures, ms);
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
    const idle = this.running.length === 0;
    const now = this.clock.now();
    for (const job of this.jobs.values()) {
      const unsent = job.unsent;
      if (unsent === undefined || (!idle && now - unsent.since < this.settings.resultFlushMs)) continue;
      job.unsent = undefined;
      this.send(job, unsent.indices, unsent.values, [], unsent.ms, []);
    }
  }

  /** The worker has a thread ready for chunk `run`: its time limit counts from now. */
  private startTaskTimer(run: number): void {
    const limit = this.running[0]?.[0]?.job.header.taskTimeoutMs;
    if (run !== this.runId || limit === undefined) return;
    if (this.taskTimer !== undefined) this.clock.clearTimeout(this.taskTimer);
    this.taskTimer = this.clock.setTimeout(() => this.self.tell({ type: 'task-timeout', run }), limit);
  }

  /**
   * Stops the chunk that is running: the executor terminates and replaces its thread, and the
   * worker then reports the chunk as crashed, which `ran` reads by `reason`.
   */
  private stopRunning(reason: 'timeout' | 'cancelled'): void {
    if (this.stopping !== undefined) return;
    this.stopping = reason;
    this.executor.stop().catch((error: unknown) => this.context.log.warn('could not stop a running packet', { agent: this.self.toString(), error }));
  }

  /** A packet ran past its job's `taskTimeoutMs` and was stopped: it fails, or runs again when user errors are retried. */
  private timedOut(entry: Entry): void {
    const job = entry.job;
    if (!this.jobs.has(job.header.id)) return;
    if (job.header.retryErrors && entry.attempts < job.header.maxRetries) {
      entry.attempts++;
      this.queue.unshift(entry);
      return;
    }
    job.holding.delete(entry.index);
    const error = new TaskTimeoutError(entry.index, job.header.taskTimeoutMs!, this.settings.machine);
    this.reportNow(job, [], [], [{ index: entry.index, error, machine: this.settings.machine }], job.header.taskTimeoutMs!);
  }

  /** A chunk that was queued in the thread and never started when it died: queued again as it was, nothing charged. */
  private requeue(chunk: Entry[]): void {
    if (!this.jobs.has(chunk[0]!.job.header.id)) return;
    for (let k = chunk.length - 1; k >= 0; k--) this.queue.unshift(chunk[k]!);
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
        job.holding.delete(entry.index);
      } else {
        again.push(entry);
      }
    }
    for (let k = again.length - 1; k >= 0; k--) this.queue.unshift(again[k]!);
    this.context.log.warn('worker thread died; packets queued again', { agent: this.self.toString(), packets: chunk.length, error: error.message });
    const charged = chunk.length === 1 ? again.map((e): [number, number] => [e.index, e.attempts]) : [];
    if (failures.length > 0 || charged.length > 0) this.reportNow(job, [], [], failures, 0, charged);
  }

  /** Sends results now, after any batched ones of the job, so the master sees them in order. */
  private reportNow(job: AgentJob, indices: number[], values: unknown[], failures: PacketFailure[], ms: number, attempts: Array<[number, number]> = []): void {
    const unsent = job.unsent;
    job.unsent = undefined;
    if (unsent !== undefined) this.send(job, unsent.indices, unsent.values, [], unsent.ms, []);
    this.send(job, indices, values, failures, ms, attempts);
  }

  private send(job: AgentJob, indices: number[], values: unknown[], failures: PacketFailure[], ms: number, attempts: Array<[number, number]>): void {
    this.counts.done += indices.length + failures.length;
    const msg = this.outbox.add(
      {
        type: 'results',
        job: job.header.id,
        machine: this.settings.machine,
        agent: this.self,
        indices,
        values,
        ms,
        ...(failures.length > 0 ? { failures } : {}),
        ...(attempts.length > 0 ? { attempts } : {}),
      },
      this.clock.now(),
    );
    job.header.master.tell(msg);
  }

  /**
   * For the machine's heartbeat: what this agent holds per master and job. Also the agent's
   * recovery step, once per heartbeat: results not acknowledged in time are sent again and
   * expired loans are taken back.
   */
  private report(): AgentReport {
    const now = this.clock.now();
    this.resendOverdue(now);
    this.reclaim((_, loan) => now - loan.since >= this.settings.lentLeaseMs);
    this.pump();
    const held = heldPackets(this.jobs.values(), this.outbox).map(({ job, indices }) => ({ master: job.master, job: job.header.id, indices }));
    const running = this.running.reduce((n, c) => n + c.length, 0);
    const counts: AgentCounts = { running, ...this.counts };
    return { queued: this.queue.length + running, held, counts };
  }

  /** Sends again the results not acknowledged within `resultResendMs`. */
  private resendOverdue(now: number): void {
    if (this.outbox.size === 0) return;
    const masters = new Map<JobId, JobHeader['master']>();
    for (const job of this.jobs.values()) masters.set(job.header.id, job.header.master);
    for (const msg of this.outbox.overdue(now, this.settings.resultResendMs)) masters.get(msg.job)?.tell(msg);
  }

  private sawAssign(master: JobHeader['master'], seq: number): void {
    const known = this.knownMasters.get(master.address.node);
    if (known === undefined) this.knownMasters.set(master.address.node, { ref: master, lastSeq: seq });
    else known.lastSeq = Math.max(known.lastSeq, seq);
  }

  /**
   * Out of work: tells each master what is still held here of its jobs and the last assign it got,
   * so a lost assign is placed again at once (see `AgentIdle`). Once per idle spell, at most every
   * `idleReportMs`; heartbeats cover the rest.
   */
  private reportIdle(): void {
    const now = this.clock.now();
    if (this.idleReported || now - this.lastIdleReport < this.settings.idleReportMs) return;
    this.idleReported = true;
    this.lastIdleReport = now;
    this.resendOverdue(now);
    for (const [node, { ref, lastSeq }] of this.knownMasters) {
      const held = heldPackets(this.jobs.values(), this.outbox)
        .filter(({ job }) => job.master === node)
        .map(({ job, indices }) => ({ job: job.header.id, ranges: toRanges(indices) }));
      ref.tell({ type: 'agent-idle', agent: this.self, lastSeq, held });
    }
  }

  /** Queues packets from an assign or a grant, except those held here already; asks for a definition that did not come. */
  private accept(defs: readonly FunctionDef[], batches: readonly PacketBatch[], copy = false): void {
    for (const def of defs) this.definitions.definitions.add(def);
    for (const batch of batches) {
      let job = this.jobs.get(batch.job.id);
      if (job === undefined) {
        job = newAgentJob(batch.job, this.quietHints);
        job.cost.seed(this.costs.get(batch.job.fn));
        // A known cost needs no cautious growth from one packet.
        if (job.cost.avgMs !== undefined) job.lastChunk = this.settings.maxChunk;
        this.jobs.set(batch.job.id, job);
      }
      job.def ??= this.definitions.definitions.get(batch.job.fn) ?? this.knownDef(batch.job.fn);
      const { indices, args, attempts } = batch;
      for (let k = 0; k < indices.length; k++) {
        const index = indices[k]!;
        if (job.holding.has(index)) {
          // Lent from here and now given back (stolen back, or placed here again): it runs here, and
          // the release of the old loan that may still come finds nothing to drop.
          const loan = job.lent.get(index);
          if (loan !== undefined && job.lent.delete(index)) this.queue.push(loan.entry);
          continue;
        }
        job.holding.add(index);
        this.queue.push({ job, index, arg: args[k], attempts: attempts?.[k] ?? 0, suspect: false, ...(copy ? { copy } : {}) });
      }
    }
    // A definition that came for a job whose packets came earlier (a lost or late assign).
    if (defs.length > 0) for (const job of this.jobs.values()) job.def ??= this.definitions.definitions.get(job.header.fn);
  }

  private knownDef(hash: string): FunctionDef | undefined {
    for (const job of this.jobs.values()) if (job.def?.hash === hash) return job.def;
    return undefined;
  }

  // --- stealing ---

  private maybeSteal(): void {
    // A job of its own that allows stealing counts as a running one: the hint that says so may be
    // lost or late (a machine that has not yet heard of the master drops it), and a thief that
    // waited for it would idle until the next heartbeat repeats it.
    const hint = this.hint.running || !this.holdsStealableJob() ? this.hint : { ...this.hint, running: true };
    const next = this.thief.next(this.peers, hint);
    if (next === undefined) return;
    const request: Steal = {
      type: 'steal',
      id: next.id,
      thief: this.self,
      machine: this.settings.machine,
      masters: this.masters,
      ...(this.running.length > 0 ? this.aheadFields() : {}),
    };
    const copies = this.settings.lendCopies && this.running.length <= 1 && this.thief.searched;
    next.peer.agent.tell(copies ? { ...request, copies: true, paces: this.paces() } : request);
  }

  /**
   * Whether the agent knows of a job that allows stealing and no hint since said that none runs.
   * A job is forgotten only when its master says so (a `drop-job` that may be lost), so knowing it
   * is not enough: once a "none runs" hint came after it, the hint decides.
   */
  private holdsStealableJob(): boolean {
    for (const job of this.jobs.values()) if (job.header.stealable && job.quietHints === this.quietHints) return true;
    return false;
  }

  private granted(msg: Grant): void {
    this.thief.granted(msg.id, msg.batches.length === 0, msg.victim.toString());
    if (msg.batches.length === 0) return;
    for (const batch of msg.batches) this.counts.stolenIn += batch.indices.length;
    this.accept(msg.defs, msg.batches, msg.copy === true);
    // Copies stay booked on the victim, which runs them too: its machine's death, not this one's, places them again.
    if (msg.copy === true) return;
    for (const batch of msg.batches) {
      batch.job.master.tell({ type: 'moved', job: batch.job.id, indices: batch.indices, from: msg.machine, to: this.settings.machine, thief: this.self, victim: msg.victim });
    }
  }

  /** A peer asked for work: lend it part of the queue's tail, packets of stealable jobs only. */
  private giveTo(msg: Steal): void {
    const masters = new Set(msg.masters);
    // A copy stays where it was copied to: lending it on would move a packet booked elsewhere.
    const movable = (e: Entry) => e.job.header.stealable && masters.has(e.job.master) && !e.suspect && e.job.def !== undefined && e.copy !== true;
    let stealable = 0;
    for (const e of this.queue) if (movable(e)) stealable++;
    const now = this.clock.now();
    // A thief that asks ahead gets only what this agent can spare beyond its next packet, unless it runs dry first.
    const ownEnd = this.runningEndsAt();
    const freeInMs = validMs(msg.freeInMs);
    const thiefFirst = freeInMs !== undefined && ownEnd !== undefined && freeInMs < ownEnd - now;
    const spare = msg.ahead === true && !thiefFirst ? Math.max(0, stealable - 1) : stealable;
    const amount = Math.max(0, Math.min(spare, Math.floor(this.policy.amount(spare, this.queue.length))));
    const taken = amount === 0 ? [] : this.queue.takeFromTail(amount, movable);
    for (const e of taken) e.job.lent.set(e.index, { entry: e, thief: msg.machine, since: now });
    const given = taken.length === 0 && msg.copies === true ? this.copyFor(msg, movable) : taken;
    this.counts.stolenOut += given.length;
    const { batches, defs } = grantBatches(given);
    const grant: Grant = { type: 'grant', id: msg.id, victim: this.self, machine: this.settings.machine, defs, batches, ...(given !== taken ? { copy: true } : {}) };
    msg.thief.tell(grant);
  }

  /**
   * A chunk the worker holds, to copy to a thief whose last round found nothing queued (see
   * `Steal.copies`): of the running chunk and the one waiting behind it, the one the thief would
   * finish soonest before this agent does, at each side's mean pace for the chunk's job (the
   * thief's from its request; one not given counts as this agent's, so only a waiting chunk can
   * go to it). None when lending copies is off, nothing pays, or this agent has not measured its
   * own pace yet. Each chunk is copied once; it stays here and runs here too, so nothing is lent.
   */
  private copyFor(msg: Steal, movable: (e: Entry) => boolean): readonly Entry[] {
    if (!this.settings.lendCopies || this.stopping !== undefined) return [];
    // A thief still running starts the copy once it runs dry; one that does not say when gets none.
    const thiefFree = msg.ahead === true ? validMs(msg.freeInMs) : 0;
    if (thiefFree === undefined) return [];
    const now = this.clock.now();
    const ends = this.chunkEnds();
    if (ends === undefined) return [];
    let best: { chunk: readonly Entry[]; gainMs: number } | undefined;
    for (let k = 0; k < this.running.length; k++) {
      const chunk = this.running[k]!;
      const job = chunk[0]!.job;
      const theirs = paceOf(msg.paces, job.header.id);
      if (theirs === undefined && k === 0) continue;
      const gainMs = ends[k]! - now - thiefFree - (theirs ?? job.cost.meanMs!) * chunk.length;
      const fit = this.jobs.has(job.header.id) && !this.copied.has(chunk) && chunk.every(movable);
      if (gainMs > 0 && (best === undefined || gainMs > best.gainMs) && fit) best = { chunk, gainMs };
    }
    if (best === undefined) return [];
    this.copied.add(best.chunk);
    return best.chunk;
  }

  /**
   * When each chunk of `running` is expected to end (at least now: one that ran past its expected
   * end may end any moment), at this agent's mean pace for its job; undefined when a pace is unknown.
   */
  private chunkEnds(): number[] | undefined {
    const now = this.clock.now();
    const ends: number[] = [];
    let endsAt = this.runningSince;
    for (const chunk of this.running) {
      const mine = chunk[0]!.job.cost.meanMs;
      if (mine === undefined) return undefined;
      endsAt = Math.max(endsAt + mine * chunk.length, now);
      ends.push(endsAt);
    }
    return ends;
  }

  /** When the worker is expected to run dry (at least now); undefined when a pace is unknown. */
  private runningEndsAt(): number | undefined {
    const ends = this.chunkEnds();
    return ends === undefined ? undefined : (ends.at(-1) ?? this.clock.now());
  }

  /** What a steal asked ahead carries (see `Steal.ahead`). */
  private aheadFields(): Pick<Steal, 'ahead' | 'freeInMs'> {
    const endsAt = this.runningEndsAt();
    return endsAt === undefined ? { ahead: true } : { ahead: true, freeInMs: endsAt - this.clock.now() };
  }

  /** This agent's mean run time per packet of each job it measured, for a steal that asks for copies. */
  private paces(): Array<[JobId, number]> {
    const out: Array<[JobId, number]> = [];
    for (const job of this.jobs.values()) if (job.cost.meanMs !== undefined) out.push([job.header.id, job.cost.meanMs]);
    return out;
  }

  /** Queues again the lent packets `which` picks: their thief's machine died, or their lease ran out. */
  private reclaim(which: (job: AgentJob, loan: { thief: MachineId; since: number }) => boolean): void {
    for (const job of this.jobs.values()) {
      for (const [index, loan] of job.lent) {
        if (!which(job, loan)) continue;
        job.lent.delete(index);
        this.queue.unshift(loan.entry);
      }
    }
  }

  /**
   * Stops `head`, the running chunk of a dropped job, at once; unless it is a tail copy (given to a
   * thief, or received as one) whose pace is known. Such a chunk is usually a duplicate near its
   * end (the job ended because the other copy answered), and stopping it terminates the thread:
   * the replacement takes ~45 ms to start and runs its first packets many times slower. It gets
   * until twice its expected run time from its start, then it is stopped (a runaway copy too).
   */
  private stopDropped(head: readonly Entry[]): void {
    const mean = head[0]!.job.cost.meanMs;
    const copy = this.copied.has(head) || head.some((e) => e.copy === true);
    if (!copy || mean === undefined) {
      this.stopRunning('cancelled');
      return;
    }
    if (this.grace !== undefined) return;
    const graceMs = Math.max(0, this.runningSince + 2 * mean * head.length - this.clock.now());
    this.grace = { chunk: head, timer: this.clock.setTimeout(() => this.self.tell({ type: 'grace-over' }), graceMs) };
  }

  private drop(which: (job: AgentJob) => boolean): void {
    const gone = new Set<AgentJob>();
    for (const job of this.jobs.values()) if (which(job)) gone.add(job);
    if (gone.size === 0) return;
    for (const job of gone) this.jobs.delete(job.header.id);
    this.queue.remove((e) => gone.has(e.job));
    // A packet of a dropped job that still runs is stopped rather than left to hold the thread (a
    // tail copy gets a grace, see `stopDropped`). When it is stopped, a chunk queued behind it in the
    // thread is rejected as never started, and `requeue` drops it if its job is gone; a queued chunk
    // of a dropped job behind a chunk that runs on is run, and its results dropped.
    const head = this.running[0];
    if (head !== undefined && gone.has(head[0]!.job)) this.stopDropped(head);
    const ids = new Set([...gone].map((j) => j.header.id));
    this.outbox.drop((id) => ids.has(id));
  }
}

/** A duration from the wire: a finite number ≥ 0, else undefined. */
function validMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The thief's pace for `job` from a steal's `paces`, ignoring what is not a `[job, ms]` pair. */
function paceOf(paces: unknown, job: JobId): number | undefined {
  if (!Array.isArray(paces)) return undefined;
  for (const pair of paces) if (Array.isArray(pair) && pair[0] === job) return validMs(pair[1]);
  return undefined;
}

export type { AgentRef };
