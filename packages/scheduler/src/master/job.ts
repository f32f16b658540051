import type { TimerHandle } from '@armada/actors';
import type { FunctionDef } from '../functions/function-def.js';
import type { JobId, MachineId } from '../ids.js';
import type { JobHeader } from '../packet.js';
import type { PlacementStrategy } from '../placement/placement-strategy.js';
import { JobCost } from '../cost-memory.js';
import { InFlightBook } from './in-flight-book.js';
import type { AgentSlot } from './membership.js';

/** Per-call options of a job, resolved (see `DmapOptions` for the documented defaults). */
export interface JobOptions {
  readonly stealing: boolean;
  readonly maxRetries: number;
  readonly retryErrors: boolean;
  readonly timeoutMs: number | undefined;
  readonly taskTimeoutMs: number | undefined;
  readonly waitForMachinesMs: number;
  readonly maxInFlight: number;
  readonly progress: ((done: number, total: number | undefined) => void) | undefined;
  readonly placement: PlacementStrategy;
}

/** A packet placed on an agent and not yet answered. */
export interface InFlight {
  readonly arg: unknown;
  attempts: number;
  /** Change it through `InFlightBook.move`, which keeps the book's index by machine. */
  machine: MachineId;
  slot: AgentSlot;
  /** Heartbeats of `machine` in a row that did not list this packet (see `reconcile.ts`). */
  misses: number;
  /** The `seq` of the assign that placed it; 0 once a steal moved it. */
  seq: number;
}

/** A packet waiting to be placed (again). */
export interface Waiting {
  readonly index: number;
  readonly arg: unknown;
  readonly attempts: number;
}

/**
 * The master's books for one `dmap`: which inputs were read, where every unanswered packet is,
 * and the results in input order. Inputs are read lazily, so only the packets in flight (at most
 * `maxInFlight`) and the results are held in memory.
 */
export class Job {
  /** Packets placed and not yet answered, by index (and by machine). */
  readonly inFlight = new InFlightBook();
  /** Packets to place again (their machine died, or they came back), in the order they arrived. */
  readonly again = new Map<number, Waiting>();
  readonly results: unknown[] = [];
  /** Machines that were given packets of this job (placed or stolen), to tell when it ends. */
  readonly touched = new Set<MachineId>();
  readonly timers: TimerHandle[] = [];
  readonly promise: Promise<unknown[]>;
  header!: JobHeader;
  done = 0;
  /** Results that arrived for a packet already answered, and were dropped. */
  duplicates = 0;
  /** Run time of one packet: remembered for the function until the first results, then measured (see `JobCost`). */
  readonly cost = new JobCost(0.3);
  settled = false;
  /** A health round for this job's next placement pass is running. */
  healthPending = false;
  noMachinesTimer: TimerHandle | undefined;
  private readonly array: readonly unknown[] | undefined;
  private readonly iterator: Iterator<unknown> | undefined;
  private nextIndex = 0;
  private exhausted = false;
  private resolvePromise!: (results: unknown[]) => void;
  private rejectPromise!: (error: unknown) => void;

  constructor(
    readonly id: JobId,
    readonly fn: FunctionDef,
    inputs: Iterable<unknown>,
    readonly options: JobOptions,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    if (Array.isArray(inputs)) this.array = inputs;
    else this.iterator = inputs[Symbol.iterator]();
  }

  /** Number of inputs, once known (at once for arrays, at the end for other iterables). */
  /** Average run time of one packet in milliseconds (see `cost`). */
  get avgMs(): number | undefined {
    return this.cost.avgMs;
  }

  /** Number of inputs, once known (at once for arrays, at the end for other iterables). */
  get total(): number | undefined {
    return this.array !== undefined ? this.array.length : this.exhausted ? this.nextIndex : undefined;
  }

  /** Inputs not yet read, when known. */
  get unread(): number | undefined {
    return this.array !== undefined ? this.array.length - this.nextIndex : undefined;
  }

  /** Whether anything is left to place. */
  get hasWaiting(): boolean {
    return this.again.size > 0 || !this.drained();
  }

  /** Every input read and every packet answered. */
  get complete(): boolean {
    return this.again.size === 0 && this.inFlight.size === 0 && this.drained();
  }

  /** Takes up to `n` packets to place: those to place again first, then fresh inputs. Throws what the input iterator throws. */
  take(n: number): Waiting[] {
    const out: Waiting[] = [];
    for (const [index, waiting] of this.again) {
      if (out.length >= n) return out;
      this.again.delete(index);
      out.push(waiting);
    }
    if (this.array !== undefined) {
      const end = Math.min(this.array.length, this.nextIndex + n - out.length);
      for (let i = this.nextIndex; i < end; i++) out.push({ index: i, arg: this.array[i], attempts: 0 });
      this.nextIndex = end;
      return out;
    }
    while (out.length < n && !this.exhausted) {
      const step = this.iterator!.next();
      if (step.done === true) this.exhausted = true;
      else out.push({ index: this.nextIndex++, arg: step.value, attempts: 0 });
    }
    return out;
  }

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolvePromise(this.results);
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectPromise(error);
  }

  private drained(): boolean {
    return this.array !== undefined ? this.nextIndex >= this.array.length : this.exhausted;
  }
}
