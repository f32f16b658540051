import { InvalidArgumentError, type Clock, type Logger } from '@armada/actors';
import { RecordingLogger, type SimulatedClock } from '@armada/actors/testkit';
import { Cluster } from '../cluster.js';
import type { DmapOptions } from '../dmap-options.js';
import type { MachineId } from '../ids.js';
import type { MachineSettings, SlowWorkers } from '../machine/machine-settings.js';
import type { StatsSource } from '../machine/machine-stats.js';
import type { DrainReport } from '../machine/protocol.js';
import { startMachine, type MachineHandle } from '../machine/start-machine.js';
import type { MasterSettings } from '../master/master-settings.js';
import { Mode, PlacementRegistry } from '../placement/registry.js';
import { RoundRobinPlacement } from '../placement/round-robin.js';
import type { StealPolicy } from '../stealing/steal-policy.js';
import { SimulationStalledError, SimulationTimeoutError } from './errors.js';
import { mulberry32 } from './mulberry32.js';
import { SimulatedExecutor, type BatchEvent, type PacketCost } from './simulated-executor.js';
import { SimulatedNetwork, type SimulatedNetworkOptions } from './simulated-network.js';
import { SimulatedTransport } from './simulated-transport.js';
import { SimulationClock } from './simulation-clock.js';

/** Options of {@link Simulation.start}, merged over {@link SIMULATION_DEFAULTS}. */
export interface SimulationOptions {
  /** Machines to start, named and identified `machine-0`, `machine-1`, ... */
  readonly machines?: number;
  /** Agent+Worker pairs per machine. */
  readonly agentsPerMachine?: number;
  /** Seeds everything random: message delays, steal victims, round-robin order. */
  readonly seed?: number;
  /** Shortest message delay, in simulated milliseconds. Default 0. */
  readonly minDelayMs?: number;
  /** Longest message delay, in simulated milliseconds. Default 5. */
  readonly maxDelayMs?: number;
  /** Probability that any one message is lost (NATS core is at most once). Default 0. */
  readonly lossRate?: number;
  /** Probability that any one message arrives twice. Default 0. */
  readonly duplicateRate?: number;
  /** Fixed delays per link (`master`, `machine-<i>`), instead of the random ones; see `SimulatedNetworkOptions`. */
  readonly linkDelayMs?: SimulatedNetworkOptions['linkDelayMs'];
  /** Called with each message as the network delivers it (see `SimulatedNetworkOptions`), to record or fingerprint a run. */
  readonly onDeliver?: SimulatedNetworkOptions['onDeliver'];
  /** Simulated run time of each packet before the slow-down; default 1 ms. */
  readonly cost?: PacketCost;
  /** Kills a worker's simulated thread when it starts a packet for which this returns true. */
  readonly crashWhen?: (arg: unknown) => boolean;
  /** Called as each batch starts on a worker (`executor` is `<machine>/agent-<i>`), to see where packets ran. */
  readonly onBatch?: (event: BatchEvent) => void;
  /**
   * Workers take a second chunk while one runs, as worker threads do (`SimulatedExecutorOptions.queues`),
   * so agents keep one waiting behind the running one. Default false: one chunk at a time.
   */
  readonly queueing?: boolean;
  /** Slow workers, for every machine or per machine index. */
  readonly slow?: SlowWorkers | ((machine: number) => SlowWorkers | undefined);
  /**
   * The stats each machine reports (for `by-memory` and custom strategies), by machine index; the
   * simulation's clock is passed so figures can change over time. Default: fixed figures, the same
   * on every machine (8 GiB total, 4 GiB free, no load), never the host's.
   */
  readonly stats?: (machine: number, clock: Clock) => StatsSource;
  /** Master tunables (failure detection, group sizes). */
  readonly master?: Partial<MasterSettings>;
  /** Machine tunables (heartbeat, master timeout, agent settings). */
  readonly machine?: Partial<Omit<MachineSettings, 'name' | 'agents' | 'slow'>>;
  /**
   * Where `mode` names are looked up; register your strategies here. Default the built-ins. Their
   * round-robin is seeded either way: the registry's factories get the master's seeded randomness
   * (a strategy of yours that draws from the `random` its factory gets replays too).
   */
  readonly placements?: PlacementRegistry;
  /** Makes each machine's steal policy from that machine's seeded randomness; default `RandomHalfPolicy`. */
  readonly stealPolicy?: (random: () => number) => StealPolicy;
  /** Defaults for every `dmap` of the cluster. */
  readonly defaults?: DmapOptions;
  /** Where every node logs; default a `RecordingLogger`, kept in {@link Simulation.logger}. */
  readonly logger?: Logger;
  /** Event-loop turns let pass after each step so actors react before time moves on. */
  readonly settleTurns?: number;
  /** Simulated time the machines get to register in `start`. */
  readonly startTimeoutMs?: number;
  /** Default limit of {@link Simulation.run} and of `close`, in simulated milliseconds. */
  readonly maxSimulatedMs?: number;
}

/** Defaults of {@link SimulationOptions}; a simulation's `run` limit is `maxSimulatedMs`. */
export const SIMULATION_DEFAULTS = {
  machines: 2,
  agentsPerMachine: 2,
  seed: 1,
  settleTurns: 3,
  startTimeoutMs: 10_000,
  maxSimulatedMs: 60_000,
} as const;

/** Options of one {@link Simulation.run}. */
export interface RunOptions {
  /** Give up (with `SimulationTimeoutError`) after this much simulated time. Default the simulation's `maxSimulatedMs`. */
  readonly maxSimulatedMs?: number;
}

/** Steps at one instant of simulated time before the simulation counts as stuck there. */
const MAX_STEPS_PER_INSTANT = 100_000;
const GiB = 1024 ** 3;

/**
 * A whole cluster in one process on simulated time: a master (the {@link cluster} handle) and
 * `machines` machines, running the real Master, Machine, Agent and Worker actors over a
 * {@link SimulatedNetwork} (seeded random delays, crashes) with {@link SimulatedExecutor}s
 * (packets take simulated time). Nothing moves by itself: {@link run} drives the simulation
 * until a promise settles, so `await sim.run(sim.cluster.dmap(fn, inputs))` is a `dmap` under
 * delays, reorderings and whatever crashes were scheduled.
 *
 * Reproducible: everything random is derived from `seed` (delays, losses, victims, placement,
 * ask and job ids), time is the simulated clock, and each step lets the event loop settle the
 * same way, so the same seed and inputs give the same run, message for message (`onDeliver`
 * records them). Node ids are fixed (`master`, `machine-<i>`). Not covered: functions that use
 * real time or randomness themselves, and module functions (`importFunctionFile`, exported
 * functions), which machines fetch to disk and import: real I/O that settles when it will.
 */
export class Simulation {
  private readonly crashed = new Set<number>();
  private driving = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly steps: SimulationClock,
    /** The wire between the nodes; its `stats` count messages delivered and dropped. */
    readonly network: SimulatedNetwork,
    /** The cluster handle: its master runs in the simulation. Call `dmap` on it inside {@link run}. */
    readonly cluster: Cluster,
    private readonly handles: readonly MachineHandle[],
    /** Where every node logs (a `RecordingLogger` unless one was given). */
    readonly logger: Logger,
    private readonly settleTurns: number,
    private readonly maxSimulatedMs: number,
  ) {}

  /**
   * Builds the simulated cluster and drives it until every machine registered with the master.
   * Throws `InvalidArgumentError` for bad options and `NoMachinesError` when the machines did not
   * register within `startTimeoutMs` of simulated time.
   */
  static async start(options: SimulationOptions = {}): Promise<Simulation> {
    const o = { ...SIMULATION_DEFAULTS, ...options };
    for (const key of ['machines', 'agentsPerMachine', 'settleTurns'] as const) {
      if (!(Number.isInteger(o[key]) && o[key] >= 1)) throw new InvalidArgumentError(`${key} must be a positive integer, got ${String(o[key])}`);
    }
    for (const key of ['startTimeoutMs', 'maxSimulatedMs'] as const) {
      if (!(o[key] > 0)) throw new InvalidArgumentError(`${key} must be a positive number, got ${String(o[key])}`);
    }
    // Every stream is forked in a fixed order, so one seed fixes them all whatever the options.
    const seeds = mulberry32(o.seed);
    const fork = () => mulberry32(Math.floor(seeds() * 2 ** 32));
    const clock = new SimulationClock();
    const network = new SimulatedNetwork(clock, {
      random: fork(),
      ...(o.minDelayMs !== undefined ? { minDelayMs: o.minDelayMs } : {}),
      ...(o.maxDelayMs !== undefined ? { maxDelayMs: o.maxDelayMs } : {}),
      ...(o.lossRate !== undefined ? { lossRate: o.lossRate } : {}),
      ...(o.duplicateRate !== undefined ? { duplicateRate: o.duplicateRate } : {}),
      ...(o.linkDelayMs !== undefined ? { linkDelayMs: o.linkDelayMs } : {}),
      ...(o.onDeliver !== undefined ? { onDeliver: o.onDeliver } : {}),
    });
    const executors = SimulatedExecutor.factory(clock, {
      ...(o.cost !== undefined ? { cost: o.cost } : {}),
      ...(o.crashWhen !== undefined ? { crashWhen: o.crashWhen } : {}),
      ...(o.onBatch !== undefined ? { onBatch: o.onBatch } : {}),
      ...(o.queueing === true ? { queues: true } : {}),
    });
    const logger = o.logger ?? new RecordingLogger();
    const masterRandom = fork();
    const roundRobinRandom = fork();
    const placements = o.placements ?? new PlacementRegistry().register(Mode.RoundRobin, () => new RoundRobinPlacement(roundRobinRandom));
    const cluster = await Cluster.start({
      transport: new SimulatedTransport(network),
      nodeId: 'master',
      clock,
      logger,
      random: masterRandom,
      executors,
      placements,
      ...(o.master !== undefined ? { master: o.master } : {}),
      ...(o.defaults !== undefined ? { defaults: o.defaults } : {}),
    });
    const handles: MachineHandle[] = [];
    const sim = new Simulation(clock, network, cluster, handles, logger, o.settleTurns, o.maxSimulatedMs);
    try {
      for (let i = 0; i < o.machines; i++) {
        const random = fork();
        const slow = typeof o.slow === 'function' ? o.slow(i) : o.slow;
        const agents = o.agentsPerMachine;
        handles.push(
          await startMachine({
            ...o.machine,
            transport: new SimulatedTransport(network),
            nodeId: `machine-${i}`,
            name: `machine-${i}`,
            agents,
            clock,
            logger,
            random,
            executors,
            stats: o.stats?.(i, clock) ?? (() => ({ cores: agents, totalMemory: 8 * GiB, freeMemory: 4 * GiB, load: 0 })),
            ...(slow !== undefined ? { slow } : {}),
            ...(o.stealPolicy !== undefined ? { stealPolicy: o.stealPolicy(random) } : {}),
          }),
        );
      }
      await sim.run(cluster.waitForMachines(o.machines, o.startTimeoutMs), { maxSimulatedMs: o.startTimeoutMs + 1 });
    } catch (error) {
      await sim.close().catch(() => undefined);
      throw error;
    }
    return sim;
  }

  /** The simulated clock every node runs on. Move it with {@link run} or {@link advance}, not directly. */
  get clock(): SimulatedClock {
    return this.steps;
  }

  /** Simulated milliseconds since the start. */
  get now(): number {
    return this.steps.now();
  }

  /** The machines' ids, by index (`machine-0`, ...), crashed ones included. */
  get machines(): readonly MachineId[] {
    return this.handles.map((h) => h.id);
  }

  /** The ids of the machines not crashed. */
  live(): MachineId[] {
    return this.handles.filter((_, i) => !this.crashed.has(i)).map((h) => h.id);
  }

  /**
   * Kills machine `machine` (an index into {@link machines}) now, or once `afterMs` of simulated
   * time have passed: it drops off the network with every message to or from it still queued,
   * and its actors stop without a word to anyone. The master learns of it only by missed
   * heartbeats (`deadAfterMs`). Crashing a crashed machine does nothing. Throws `InvalidArgumentError` for
   * an index that is not a machine.
   */
  crash(machine: number, afterMs = 0): void {
    const handle = this.handles[machine];
    if (handle === undefined) throw new InvalidArgumentError(`no machine ${machine}; there are ${this.handles.length}`);
    if (afterMs > 0) {
      this.steps.setTimeout(() => this.crash(machine), afterMs);
      return;
    }
    if (this.crashed.has(machine)) return;
    this.crashed.add(machine);
    this.network.crash(handle.system.node);
    // Stopping its actors keeps its timers from running on; nothing it says gets out any more.
    handle.close().catch((error: unknown) => this.logger.warn('crashed machine did not stop cleanly', { machine: handle.id, error }));
  }

  /**
   * Drains machine `machine` (see `MachineHandle.drain`) once `afterMs` of simulated time have
   * passed, and resolves with its report once it has left; drive the simulation meanwhile (`run`
   * a dmap, or `run` this promise). Throws `InvalidArgumentError` for an index that is not a machine.
   */
  drain(machine: number, afterMs = 0, timeoutMs?: number): Promise<DrainReport> {
    const handle = this.handles[machine];
    if (handle === undefined) throw new InvalidArgumentError(`no machine ${machine}; there are ${this.handles.length}`);
    const start = () => handle.drain(timeoutMs !== undefined ? { timeoutMs } : {});
    if (afterMs <= 0) return start();
    return new Promise((resolve, reject) => this.steps.setTimeout(() => start().then(resolve, reject), afterMs));
  }

  /**
   * Drives the simulation until `promise` settles and settles the same way. Each step delivers
   * the messages now due, lets the event loop turn so actors react, and moves the clock to the
   * next timer or delivery. Throws `SimulationTimeoutError` if the promise is still pending after
   * `maxSimulatedMs` of simulated time, and `SimulationStalledError` when nothing is left to
   * happen or time stops moving; either way it returns promptly in real time. Only one `run` or
   * `advance` may drive at a time.
   */
  async run<T>(promise: PromiseLike<T>, options: RunOptions = {}): Promise<T> {
    const maxSimulatedMs = options.maxSimulatedMs ?? this.maxSimulatedMs;
    if (!(maxSimulatedMs > 0)) throw new InvalidArgumentError(`maxSimulatedMs must be a positive number, got ${String(maxSimulatedMs)}`);
    let outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown } | undefined;
    Promise.resolve(promise).then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    const settled = await this.drive(() => outcome !== undefined, this.now + maxSimulatedMs, true);
    if (!settled || outcome === undefined) throw new SimulationTimeoutError(maxSimulatedMs, this.now, this.describe());
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Drives the simulation for `ms` of simulated time (heartbeats, timeouts, deliveries included). */
  async advance(ms: number): Promise<void> {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new InvalidArgumentError(`advance needs a finite number of milliseconds ≥ 0, got ${String(ms)}`);
    await this.drive(() => false, this.now + ms, false);
  }

  /**
   * Closes the cluster handle (running jobs reject with `ClusterClosedError`) and every machine,
   * driving the simulation while they stop. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.run(Promise.all([this.cluster.close(), ...this.handles.map((h) => h.close())]).then(() => undefined));
    return this.closing;
  }

  /** Steps until `done()` holds (true) or the clock reached `until` (false). */
  private async drive(done: () => boolean, until: number, stallIfIdle: boolean): Promise<boolean> {
    if (this.driving) throw new InvalidArgumentError('the simulation is already being driven: await the running run or advance first');
    this.driving = true;
    try {
      let instant = this.now;
      let stepsAtInstant = 0;
      for (;;) {
        await this.settle();
        if (done()) return true;
        const now = this.now;
        if (now !== instant) {
          instant = now;
          stepsAtInstant = 0;
        } else if (++stepsAtInstant > MAX_STEPS_PER_INSTANT) {
          throw new SimulationStalledError(now, `${MAX_STEPS_PER_INSTANT} steps without time moving (${this.describe()})`);
        }
        if (this.network.deliverDue() > 0) continue;
        const next = minOf(this.network.nextDeliveryAt(), this.steps.nextTimerAt());
        if (next === undefined && stallIfIdle) throw new SimulationStalledError(now, 'no timer and no message is pending, and the promise has not settled');
        if (next === undefined || next > until) {
          await this.steps.advance(Math.max(0, until - now));
          await this.settle();
          return done();
        }
        await this.steps.advance(Math.max(0, next - now));
      }
    } finally {
      this.driving = false;
    }
  }

  /** Lets the event loop turn a few times, so actors drain their mailboxes and awaited work resumes. */
  private async settle(): Promise<void> {
    for (let i = 0; i < this.settleTurns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private describe(): string {
    const s = this.network.stats;
    const crashed = [...this.crashed].map((i) => this.handles[i]!.id);
    return (
      `${s.inFlight} messages in flight, ${s.delivered} delivered, ${s.dropped} dropped, ${s.lost} lost, ${this.steps.pending} timers pending` +
      (crashed.length > 0 ? `, crashed: ${crashed.join(', ')}` : '')
    );
  }
}

function minOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
