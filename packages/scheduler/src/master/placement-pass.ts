import type { Clock } from '@armada/actors';
import { wideBigInt } from '@armada/actors/internal';
import { InvalidStrategyError } from '../errors.js';
import type { ShippedDefinitions } from '../functions/shipped-definitions.js';
import type { JobId } from '../ids.js';
import type { PacketBatch } from '../packet.js';
import { HealthRound } from '../placement/placement-strategy.js';
import { groupSize, timedGroupSize, transitAllowance, windowSize } from './group-size.js';
import { healthRound, LatencyBook, type Fresh } from './health-round.js';
import type { InFlight, Job, Waiting } from './job.js';
import type { MasterSettings } from './master-settings.js';
import type { AgentSlot, Membership } from './membership.js';

/** What a placement pass tells its master's own mailbox. */
export type PlacementEvent =
  | { readonly type: 'job-timer'; readonly job: JobId; readonly reason: 'timeout' | 'no-machines' }
  | { readonly type: 'health-done'; readonly job: JobId; readonly fresh: Fresh };

/** The master, as a placement pass sees it. */
export interface PlacementHost {
  tellSelf(msg: PlacementEvent): void;
  /** Rejects the job and closes its books. */
  fail(job: Job, error: Error): void;
  /** Resolves the job (every packet answered) and closes its books. */
  complete(job: Job): void;
}

/**
 * The master's placement: takes a job's waiting packets in groups sized to the measured run time,
 * asks the job's strategy for an agent per group among the machines heard from lately, books
 * each packet where it went (see `Job.inFlight`), and sends one `assign` per agent, with the
 * function's definition the first time. Keeps each job within its window of packets in flight.
 */
export class PlacementPass {
  constructor(
    private readonly members: Membership,
    private readonly settings: MasterSettings,
    private readonly clock: Clock,
    private readonly host: PlacementHost,
    private readonly shipped: ShippedDefinitions,
  ) {}

  /** Numbers placement passes; every assign of a pass carries it (see `AgentIdle`). */
  private assignSeq = 0;
  /** Round trips measured by health rounds, late answers included. */
  private readonly latency = new LatencyBook();

  /**
   * Places the job's waiting packets. A strategy that wants a health round gets one per pass: the
   * round runs while the master goes on handling messages (heartbeats, results), and the pass
   * places with its answers when they are in (`health-done`). Blocking on a round per group
   * stalled the master long enough for machines to give it up. A `first-answer` round younger
   * than `healthReuseMs` that every machine answered serves the pass at once instead.
   */
  dispatch(job: Job): void {
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
    const members = [...this.members.all()];
    // Round trips change slowly: a recent first-answer round serves this pass without a wait, so
    // a busy job does not send every machine a health check per result that comes in.
    if (round === HealthRound.FirstAnswer && this.latency.fresh(members, this.clock.now(), this.settings.healthReuseMs)) {
      this.placeGroups(job, this.latency.complete(new Map(), members));
      return;
    }
    job.healthPending = true;
    this.latency.keepOnly(new Set(members.map((m) => m.id)));
    void healthRound(members, this.clock, this.settings.healthTimeoutMs, round === HealthRound.FirstAnswer, this.latency).then((fresh) =>
      this.host.tellSelf({ type: 'health-done', job: job.id, fresh }),
    );
  }

  /** A health round started by {@link dispatch} is in: place with its answers. */
  healthDone(job: Job, fresh: Fresh): void {
    job.healthPending = false;
    this.placeGroups(job, this.latency.complete(fresh, this.members.all()));
  }

  /** Places groups until the job's window is full or nothing is left, then sends one assign per agent. */
  private placeGroups(job: Job, fresh: Fresh | undefined): void {
    const assigns = new Map<AgentSlot, PacketBatch[]>();
    const seq = ++this.assignSeq;
    const transit = fresh === undefined ? 0 : this.transit(job, fresh);
    try {
      while (!job.settled && job.hasWaiting) {
        const agents = this.members.placeableAgentCount;
        if (agents === 0) {
          this.awaitMachines(job);
          break;
        }
        const timed = timedGroupSize(job.avgMs, this.settings);
        const unread = job.unread;
        const group = groupSize(timed, agents, unread === undefined ? undefined : unread + job.again.size);
        const window = windowSize(agents, timed, this.settings.groupsPerAgent, job.options.maxInFlight, transit);
        const room = window - job.inFlight.size;
        // Tops up in whole groups: filling every bit of room sent one small assign per results
        // message (a third of a small-packet job's messages). Packets to place again do not wait.
        if (room <= 0 || (room < Math.min(group, window) && job.again.size === 0)) break;
        let packets: Waiting[];
        try {
          packets = job.take(Math.min(group, room));
        } catch (error) {
          this.host.fail(job, error instanceof Error ? error : new Error(String(error)));
          break;
        }
        if (packets.length === 0) break;
        let slot: AgentSlot;
        try {
          slot = this.place(job, fresh);
        } catch (error) {
          for (const p of packets) job.again.set(p.index, p);
          this.host.fail(job, error instanceof Error ? error : new Error(String(error)));
          break;
        }
        this.book(job, slot, packets, assigns, seq);
      }
    } finally {
      this.send(job, assigns, seq);
    }
    if (!job.settled && job.complete) this.host.complete(job);
  }

  /** Packets in flight to and from far machines, allowed on top of the window (see `transitAllowance`). */
  private transit(job: Job, fresh: Fresh): number {
    const machines: Array<{ agents: number; rttMs: number | undefined }> = [];
    for (const m of this.members.all()) if (m.draining !== true) machines.push({ agents: m.slots.length, rttMs: fresh.get(m.id)?.rttMs });
    return transitAllowance(machines, job.avgMs);
  }

  /** Asks the job's strategy for one of the live agents. Throws what the strategy throws. */
  private place(job: Job, fresh: Fresh | undefined): AgentSlot {
    const strategy = job.options.placement;
    const list = this.members.candidates(fresh);
    const slot = list.slotOf(strategy.choose(list.candidates));
    if (slot === undefined) throw new InvalidStrategyError(`placement strategy ${strategy.name} returned an object that is not one of its candidates`);
    return slot;
  }

  private book(job: Job, slot: AgentSlot, packets: Waiting[], assigns: Map<AgentSlot, PacketBatch[]>, seq: number): void {
    const indices: number[] = [];
    const args: unknown[] = [];
    let attempts: number[] | undefined;
    for (const p of packets) {
      const entry: InFlight = { arg: p.arg, attempts: p.attempts, machine: slot.machine, slot, misses: 0, seq };
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

  private send(job: Job, assigns: Map<AgentSlot, PacketBatch[]>, seq: number): void {
    for (const [slot, batches] of assigns) {
      const defs = this.shipped.needs(slot.key, job.fn) ? [job.fn] : [];
      slot.ref.tell({ type: 'assign', defs, batches, seq });
    }
  }

  private awaitMachines(job: Job): void {
    if (job.noMachinesTimer !== undefined) return;
    job.noMachinesTimer = this.clock.setTimeout(
      () => this.host.tellSelf({ type: 'job-timer', job: job.id, reason: 'no-machines' }),
      job.options.waitForMachinesMs,
    );
  }
}
