import os from 'node:os';
import { InMemoryNetwork, InvalidArgumentError, type ActorSystem } from '@armada/actors';
import { checkDmapOptions, DMAP_DEFAULTS, type DmapOptions } from './dmap-options.js';
import { ClusterClosedError, NatsUrlMissingError } from './errors.js';
import { natsOptionsFromEnv } from '@armada/transport-nats';
import { CborSerializer } from '@armada/actors';
import { createHash } from 'node:crypto';
import { bundleModule } from './functions/bundle-module.js';
import { readSignaturesOffThread } from './functions/read-signatures-off-thread.js';
import { DefinitionRegistry, type EgressStats } from './functions/definition-registry.js';
import { DefinitionServer } from './functions/definition-server.js';
import { DEFINITIONS_PATH } from './functions/definitions-protocol.js';
import { signingKeyFrom, type KeyInput } from './functions/module-signing.js';
import { describeFunction } from './functions/describe-function.js';
import type { FunctionDef } from './functions/function-def.js';
import { moduleDefinition, moduleExportOf } from './functions/module-function.js';
import type { IngressStats } from './functions/definition-client.js';
import { INGRESS_PATH, type IngressQuery } from './functions/ingress-reporter.js';
import type { SharedHandle } from './functions/shared-handle.js';
import { SharedObjectStore } from './functions/shared-object-store.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { FunctionModule } from './gluster/function-module.js';
import { jobId } from './ids.js';
import { startMachine, type MachineHandle } from './machine/start-machine.js';
import type { MachineSettings } from './machine/machine-settings.js';
import { Job } from './master/job.js';
import { Master } from './master/master.js';
import { MASTER_DEFAULTS, type MasterSettings } from './master/master-settings.js';
import type { MasterCommandRef } from './master/commands.js';
import { MASTER_PATH, type ClusterView } from './master/protocol.js';
import { startNode, type NodeOptions } from './node-options.js';
import { PlacementTokens } from './placement/placement-tokens.js';
import { PlacementRegistry } from './placement/registry.js';
import { SchedulerTokens } from './tokens.js';

/** Options of {@link Cluster.start}. */
export interface ClusterOptions extends NodeOptions {
  /**
   * Without `nats` or `transport`: how many machines to start in this process, on the in-memory
   * transport (the embedded default). Default 1. Ignored when connecting to NATS.
   */
  machines?: number;
  /** Agents per in-process machine; default the cores divided among the machines (at least 1). */
  agentsPerMachine?: number;
  /** Other settings of in-process machines (slow workers, heartbeat). */
  machineSettings?: Partial<Omit<MachineSettings, 'agents'>>;
  /** Master tunables (failure detection, group sizes). */
  master?: Partial<MasterSettings>;
  /**
   * Where `mode` names are looked up; default the one registered under `PlacementTokens.Registry`
   * in the container (see `container`), else the built-ins. Register user strategies here.
   */
  placements?: PlacementRegistry;
  /** Defaults for every `dmap` of this cluster. */
  defaults?: DmapOptions;
  /**
   * Where `share` puts values: `auto` (default) uses the JetStream object store when the NATS
   * server runs JetStream, else machines fetch from the master; `master` always the latter.
   */
  sharedStore?: 'auto' | 'master';
  /**
   * The ed25519 private key (PEM text or `KeyObject`) this master signs every bundled function
   * module with, for machines started with `--trust`. Default: the key file named by
   * `ARMADA_SIGNING_KEY`, else modules go unsigned. A key that is not ed25519 throws `InvalidArgumentError`.
   */
  signingKey?: KeyInput;
}

const cbor = new CborSerializer();

/**
 * A handle on a cluster: its master lives in this process. Connect to machines over NATS, or
 * start an embedded cluster of in-process machines. Several handles (masters) may share one
 * cluster; each gets its own results.
 */
export class Cluster {
  private closed = false;
  /** Jobs not yet settled, so `close` can reject even those the master never saw. */
  private readonly running = new Set<Job>();
  /** What machines may fetch from this master by hash: definitions, modules, shared values. */
  private readonly registry = new DefinitionRegistry();
  /**
   * Job ids are `<node>-<tag>-<n>`: the tag, drawn from the node's randomness, keeps apart the
   * jobs of handles that share a node id (a master restarted with a fixed id); the counter is
   * the handle's own, so a seeded simulation names its jobs the same whatever ran before it.
   */
  private readonly jobTag: string;
  private jobCounter = 0;
  /** The node's randomness: job tags and the strategies `placements` makes. */
  private readonly random: () => number;
  private objectStore: Promise<SharedObjectStore | undefined> | undefined;

  private constructor(
    /** The actor system the master runs in. */
    readonly system: ActorSystem,
    private readonly master: MasterCommandRef,
    private readonly placements: PlacementRegistry,
    private readonly defaults: DmapOptions,
    private readonly machines: MachineHandle[],
  ) {
    this.random = system.container.resolve<() => number>(SchedulerTokens.Random);
    this.jobTag = this.random().toString(36).slice(2, 6);
  }

  /**
   * Starts a master. With `nats` it joins the machines on that server (start them with
   * `armada machine` or `startMachine`); without the option (or with only `machines`), it starts
   * `machines` in-process machines and resolves once they registered. `nats: undefined` given
   * explicitly — an unset variable, usually — means the `ARMADA_*` variables `armada run` exports
   * (`ARMADA_NATS_URL`, and beside it the token, user and password, credentials file, TLS files,
   * cluster, prefix and connect timeout: see `NATS_ENV` of `@armada/transport-nats`), and with
   * `ARMADA_NATS_URL` unset throws `NatsUrlMissingError`: never a silent embedded cluster. Throws
   * `InvalidArgumentError` or `NatsCredentialsError` for variables that contradict each other or
   * name a file that cannot be used. Logs (info) which cluster it joined.
   */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    if (options.defaults !== undefined) checkDmapOptions(options.defaults);
    const signingKey = signingKeyFrom(options.signingKey);
    if ('nats' in options && options.nats === undefined && options.transport === undefined) {
      const fromEnv = await natsOptionsFromEnv();
      if (fromEnv === undefined) throw new NatsUrlMissingError();
      options = { ...options, nats: fromEnv };
    }
    const embedded = options.nats === undefined && options.transport === undefined;
    const network = embedded ? (options.network ?? new InMemoryNetwork()) : undefined;
    const system = await startNode('master', { ...options, ...(network !== undefined ? { network } : {}) });
    system.container.register(SchedulerTokens.MasterSettings, { useValue: { ...MASTER_DEFAULTS, ...options.master } });
    if (options.placements !== undefined || !system.container.isRegistered(PlacementTokens.Registry, true)) {
      system.container.register(PlacementTokens.Registry, { useValue: options.placements ?? new PlacementRegistry() });
    }
    const master = system.spawn(Master, { name: MASTER_PATH.slice('/user/'.length) });
    system.log.info('master joined cluster', describeCluster(options, embedded));
    const machines: MachineHandle[] = [];
    const placements = system.container.resolve<PlacementRegistry>(PlacementTokens.Registry);
    const cluster = new Cluster(system, master, placements, options.defaults ?? {}, machines);
    if (options.sharedStore === 'master') cluster.objectStore = Promise.resolve(undefined);
    cluster.registry.signingKey = signingKey;
    system.spawn(() => new DefinitionServer(cluster.registry), { name: DEFINITIONS_PATH.slice('/user/'.length) });
    if (!embedded) return cluster;
    const count = options.machines ?? 1;
    if (!(Number.isInteger(count) && count >= 1)) throw new InvalidArgumentError(`machines must be a positive integer, got ${String(count)}`);
    const agents = options.agentsPerMachine ?? Math.max(1, Math.floor(os.availableParallelism() / count));
    try {
      for (let i = 0; i < count; i++) {
        const { nodeId: _ignored, ...shared } = options;
        machines.push(await startMachine({ ...shared, ...options.machineSettings, network, name: `local-${i}`, agents }));
      }
      await cluster.waitForMachines(count);
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /**
   * Runs `fn` on every input on the cluster's workers and resolves with the results in input
   * order, each exactly once. `fn` must be self-contained: it may use its parameter, standard
   * globals and the keys of `options.env`; anything else it captures fails here with
   * `CapturedVariableError` naming the variable. Rejects with `TaskError` (remote stack included)
   * when `fn` throws, `RetriesExhaustedError` when a packet's thread or machine died more than
   * `maxRetries` times, `NoMachinesError`, `JobTimeoutError` or `ClusterClosedError`.
   */
  async dmap<T, R>(fn: (input: T) => R | Promise<R>, inputs: Iterable<T>, options: DmapOptions = {}): Promise<Awaited<R>[]> {
    if (this.closed) throw new ClusterClosedError();
    checkDmapOptions(options);
    const exported = moduleExportOf(fn);
    const def = exported !== undefined ? moduleDefinition(exported, false) : describeFunction(fn as (...args: never[]) => unknown, options.env ?? this.defaults.env);
    return this.runDefinition(def, inputs, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Runs a described function on every input, as `dmap` does (internal: the facade's entry).
   * The definition is kept where machines can fetch it by hash, so packets carry only the hash.
   */
  runDefinition(def: FunctionDef, inputs: Iterable<unknown>, options: DmapOptions = {}): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    if (inputs === null || typeof (inputs as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
      throw new InvalidArgumentError('dmap inputs must be an iterable (an array, a Set, a generator, ...)');
    }
    checkDmapOptions(options);
    const o = { ...DMAP_DEFAULTS, ...this.defaults, ...options };
    this.registry.definitions.add(def);
    const placement = o.placement ?? this.placements.create(o.mode, this.random);
    const job = new Job(jobId(`${this.system.node}-${this.jobTag}-${(++this.jobCounter).toString(36)}`), def, inputs, {
      stealing: o.stealing,
      maxRetries: o.maxRetries,
      retryErrors: o.retryErrors,
      timeoutMs: o.timeoutMs,
      taskTimeoutMs: o.taskTimeoutMs,
      waitForMachinesMs: o.waitForMachinesMs,
      maxInFlight: o.maxInFlight,
      progress: o.progress,
      placement,
    });
    this.running.add(job);
    const forget = () => this.running.delete(job);
    job.promise.then(forget, forget);
    this.master.tell({ type: 'submit', job });
    return job.promise;
  }

  /**
   * Bundles a function file (`.ts`, `.js`, `.mjs`) with its imports into one ESM module (esbuild,
   * source map inline) and makes it available to machines by its sha256: each machine fetches it
   * once on first use and keeps it in its disk cache. Importing an unchanged file again ships
   * nothing. Throws `BundleError` with esbuild's message when the file does not bundle.
   * Pass `module.fn('name')` to `dmap` to run an export on every input.
   */
  async importFunctionFile(file: string): Promise<FunctionModule> {
    if (this.closed) throw new ClusterClosedError();
    const bundle = await bundleModule(file);
    const signatures = await readSignaturesOffThread(bundle.source, bundle.file);
    this.registry.addModule(bundle.hash, bundle.code);
    return new FunctionModule(bundle, signatures);
  }

  /**
   * Shares `value` with jobs: pass the handle in place of the value (as an argument, or an
   * element of an array argument). Each machine fetches the value once by content hash (sha256 of
   * its CBOR encoding) and keeps it within a byte budget, however many jobs use it. Where the NATS
   * server runs JetStream the value is uploaded once to its object store and machines read it
   * there, so the master sends it once whatever the fleet size; otherwise machines fetch it from
   * the master. Rejects with `InvalidArgumentError` when the value cannot be encoded.
   */
  async share<T>(value: T): Promise<SharedHandle<T>> {
    if (this.closed) throw new ClusterClosedError();
    let bytes: Uint8Array;
    try {
      bytes = cbor.encode(value);
    } catch (cause) {
      throw new InvalidArgumentError(`shared value cannot be serialised: ${(cause as Error).message}`);
    }
    const hash = createHash('sha256').update(bytes).digest('base64url');
    // Kept here too: machines fall back to the master if the object store fails them.
    this.registry.addShared(hash, bytes);
    const store = await (this.objectStore ??= this.probeObjectStore());
    if (store === undefined) return { armadaShared: hash, bytes: bytes.byteLength, store: 'master' };
    this.registry.uploaded(await store.put(hash, bytes));
    return { armadaShared: hash, bytes: bytes.byteLength, store: 'jetstream' };
  }

  private async probeObjectStore(): Promise<SharedObjectStore | undefined> {
    const nc = this.system.container.resolve<() => NatsConnection | undefined>(SchedulerTokens.NatsConnection)();
    return nc === undefined ? undefined : SharedObjectStore.probe(nc);
  }

  /**
   * Forgets a shared value here, so machines can no longer fetch it from this master; jobs already
   * holding it on their machine keep it until the machine's budget evicts it. Returns false when
   * it was not shared (or already released).
   */
  unshare(handle: SharedHandle): boolean {
    return this.registry.releaseShared(handle.armadaShared);
  }

  /** Bytes this master sent to machines for modules and shared values, in total and per machine. */
  transferStats(): EgressStats {
    return this.registry.stats();
  }

  /**
   * What each registered machine received by hash (from this and other masters, and from the
   * object store), by machine name. A machine that does not answer within `timeoutMs` is left out.
   */
  async machineIngress(timeoutMs = 5_000): Promise<Record<string, IngressStats>> {
    const view = await this.view();
    const out: Record<string, IngressStats> = {};
    await Promise.all(
      view.machines.map(async (m) => {
        const ref = this.system.ref<IngressQuery>(m.id, INGRESS_PATH);
        const stats = await ref.ask<IngressStats>({ type: 'ingress' }, { timeoutMs }).catch(() => undefined);
        if (stats !== undefined) out[m.name] = stats;
      }),
    );
    return out;
  }

  /** Resolves once at least `count` machines are registered; rejects with `NoMachinesError` after `timeoutMs` (default 10 s). */
  waitForMachines(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    return new Promise((resolve, reject) => this.master.tell({ type: 'wait-machines', count, timeoutMs, resolve, reject }));
  }

  /** The master's view: machines with their stats and agents' queues, and running jobs. */
  view(): Promise<ClusterView> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    return this.master.ask<ClusterView>({ type: 'view' });
  }

  /** The in-process machines of an embedded cluster (empty on NATS). */
  get localMachines(): readonly MachineHandle[] {
    return this.machines;
  }

  /** Rejects running jobs with `ClusterClosedError`, stops the master and any in-process machines. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.running) job.reject(new ClusterClosedError());
    await this.system.terminate();
    await Promise.all(this.machines.map((m) => m.close()));
  }
}

/** Which cluster a master joins, for its log line. */
function describeCluster(options: ClusterOptions, embedded: boolean): Record<string, unknown> {
  if (embedded) return { kind: 'embedded', machines: options.machines ?? 1 };
  if (options.transport !== undefined) return { kind: 'transport', transport: options.transport.constructor.name };
  const nats = options.nats!;
  if (typeof nats === 'string') return { kind: 'nats', servers: nats, cluster: 'default', prefix: 'armada' };
  const servers = nats.servers ?? nats.connection?.servers;
  return { kind: 'nats', servers: Array.isArray(servers) ? servers.join(',') : servers, cluster: nats.cluster ?? 'default', prefix: nats.prefix ?? 'armada' };
}
