import { Cluster, type ClusterOptions } from '../cluster.js';
import type { DmapOptions } from '../dmap-options.js';
import { JobNotDoneError, UnknownFunctionError, UnknownJobError, UnknownMachineError } from '../errors.js';
import { isSharedHandle, type SharedHandle } from '../functions/shared-handle.js';
import { moduleExportFunction } from '../functions/module-function.js';
import type { MachineId } from '../ids.js';
import type { FunctionModule } from './function-module.js';
import type { RemoteFunctions } from './remote-functions.js';
import { RunnersPlacement } from './runners-placement.js';

/** Options of a {@link Gluster} facade, merged over {@link GLUSTER_DEFAULTS}. */
export interface GlusterOptions {
  /** Fail a job with `JobTimeoutError` after this long. Default: no limit. */
  jobTimeoutMs?: number;
  /** How long `addRunner` waits for a machine of that name to register. */
  runnerTimeoutMs?: number;
  /** Re-runs of a job whose thread or machine died. */
  maxRetries?: number;
}

export const GLUSTER_DEFAULTS = {
  runnerTimeoutMs: 10_000,
  maxRetries: 3,
  /** How often `addRunner` looks at the cluster view while it waits. */
  runnerPollMs: 50,
} as const;

/** A job's state: pending until it is done (a value) or failed (an error); never both, never back. */
type JobState = { state: 'pending' } | { state: 'done'; value: unknown } | { state: 'failed'; error: unknown };

interface JobEntry {
  current: JobState;
  readonly promise: Promise<unknown>;
}

/**
 * Gluster's five calls on Armada: `addRunner`, `importFunctionFile`, `runDist`, `jobDone`,
 * `getReturn` (plus `result`, `all`, `share` and the typed `importFunctions`). Each `runDist` is
 * one job on the cluster (a one-packet `dmap` of a module export), so it gets placement, stealing
 * and recovery: a job whose machine dies runs elsewhere, and its result is taken once.
 *
 * A job always ends: done, or failed (the code threw, its module failed to load, its retries ran
 * out, no runner is alive, or `jobTimeoutMs` passed). Job states are kept until `forget`.
 */
export class Gluster {
  private readonly modules = new Map<string, FunctionModule>();
  private readonly jobs = new Map<string, JobEntry>();
  private readonly runners = new Set<MachineId>();
  /** Values shared through this facade, by hash, so arguments given as handles are checked as the values. */
  private readonly sharedValues = new Map<string, unknown>();
  private readonly options: { jobTimeoutMs?: number; runnerTimeoutMs: number; maxRetries: number; runnerPollMs: number };
  private counter = 0;

  constructor(
    /** The cluster the jobs run on. */
    readonly cluster: Cluster,
    options: GlusterOptions = {},
    private readonly ownsCluster = false,
  ) {
    this.options = { ...GLUSTER_DEFAULTS, ...options };
  }

  /** Starts a cluster (embedded by default, or on NATS with `nats`) and a facade on it; `close` stops both. */
  static async start(options: ClusterOptions & { gluster?: GlusterOptions } = {}): Promise<Gluster> {
    const { gluster, ...cluster } = options;
    return new Gluster(await Cluster.start(cluster), gluster, true);
  }

  /**
   * Runs jobs only on machines named `machineName` (all of them, should several share it). Until
   * a runner is added, jobs run on every machine. Rejects with `UnknownMachineError` when no such
   * machine registered within `timeoutMs`.
   */
  async addRunner(machineName: string, timeoutMs: number = this.options.runnerTimeoutMs): Promise<void> {
    // The cluster's clock: real time in production, the simulated one on a simulated cluster.
    const clock = this.cluster.system.clock;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      const view = await this.cluster.view();
      const matches = view.machines.filter((m) => m.name === machineName);
      if (matches.length > 0) {
        for (const m of matches) this.runners.add(m.id);
        return;
      }
      if (clock.now() >= deadline) throw new UnknownMachineError(machineName, timeoutMs, view.machines.map((m) => m.name));
      await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(this.options.runnerPollMs, Math.max(0, deadline - clock.now()))));
    }
  }

  /**
   * Bundles and registers a function file; `runDist('<base name>.<export>', ...)` then runs its
   * exports. Importing a changed file replaces the module for new jobs; running jobs keep theirs.
   */
  async importFunctionFile(file: string): Promise<FunctionModule> {
    const module = await this.cluster.importFunctionFile(file);
    this.modules.set(module.name, module);
    return module;
  }

  /**
   * The typed form: `await g.importFunctions<typeof import('./f.js')>('./f.ts')`, then
   * `await fns.f(a, b)` runs `f` as a job with the file's own types. `fns.f` also works with
   * `Cluster.dmap`. Calling a name the file does not export rejects with `UnknownFunctionError`.
   */
  async importFunctions<M>(file: string): Promise<RemoteFunctions<M>> {
    const module = await this.importFunctionFile(file);
    const cache = new Map<string, unknown>();
    return new Proxy({} as RemoteFunctions<M>, {
      get: (_target, key) => {
        // `await` looks for `then`: the proxy is not a promise.
        if (typeof key !== 'string' || key === 'then') return undefined;
        let fn = cache.get(key);
        if (fn === undefined) {
          const call = (...args: unknown[]) => this.result(this.runIn(module, key, args));
          fn = module.exports.includes(key) ? moduleExportFunction({ module: module.hash, exportName: key, file: module.file }, call) : call;
          cache.set(key, fn);
        }
        return fn;
      },
    });
  }

  /**
   * Starts `module.function` (as `functions.matrixMultiply`) on `args` and returns the job id at
   * once. Throws before anything is sent: `UnknownFunctionError` (listing the exported names) for
   * a name not imported, `ArgumentTypeError` for arguments that do not fit the signature.
   */
  runDist(name: string, ...args: unknown[]): string {
    const dot = name.lastIndexOf('.');
    const module = dot < 0 ? undefined : this.modules.get(name.slice(0, dot));
    if (module === undefined) throw UnknownFunctionError.forName(name, this.knownNames());
    return this.runIn(module, name.slice(dot + 1), args);
  }

  /** True once the job is done or failed. Throws `UnknownJobError` for an id not handed out. */
  jobDone(id: string): boolean {
    return this.entry(id).current.state !== 'pending';
  }

  /**
   * The job's value; throws the job's error (a remote `TaskError` carries the remote stack), or
   * `JobNotDoneError` while it is pending.
   */
  getReturn(id: string): unknown {
    const current = this.entry(id).current;
    if (current.state === 'done') return current.value;
    if (current.state === 'failed') throw current.error;
    throw new JobNotDoneError(id);
  }

  /** Resolves with the job's value or rejects with its error, once it ends. */
  result(id: string): Promise<unknown> {
    try {
      return this.entry(id).promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Resolves with the values of all `ids` in order once all are done; rejects with the first failure. */
  all(ids: readonly string[]): Promise<unknown[]> {
    return Promise.all(ids.map((id) => this.result(id)));
  }

  /** Drops a finished job's state (its id becomes unknown). Returns false for a pending or unknown job. */
  forget(id: string): boolean {
    const entry = this.jobs.get(id);
    if (entry === undefined || entry.current.state === 'pending') return false;
    return this.jobs.delete(id);
  }

  /**
   * Shares a value with jobs (see `Cluster.share`): pass the handle as an argument. `runDist`
   * checks a handle made here as the value it stands for; the facade keeps a reference to the
   * value until `unshare`.
   */
  async share<T>(value: T): Promise<SharedHandle<T>> {
    const handle = await this.cluster.share(value);
    this.sharedValues.set(handle.armadaShared, value);
    return handle;
  }

  /** Forgets a shared value here and on the master (see `Cluster.unshare`). */
  unshare(handle: SharedHandle): boolean {
    this.sharedValues.delete(handle.armadaShared);
    return this.cluster.unshare(handle);
  }

  /** Closes the cluster if this facade started it; pending jobs fail with `ClusterClosedError`. */
  async close(): Promise<void> {
    if (this.ownsCluster) await this.cluster.close();
  }

  private runIn(module: FunctionModule, fnName: string, args: unknown[]): string {
    const checkable = this.asValues(args);
    const def = module.spreadDefinition(fnName, checkable ?? args, checkable !== undefined);
    const options: DmapOptions = {
      maxRetries: this.options.maxRetries,
      ...(this.options.jobTimeoutMs !== undefined ? { timeoutMs: this.options.jobTimeoutMs } : {}),
      // Thieves could take a job off the runners, so runners turn stealing off.
      ...(this.runners.size > 0 ? { placement: new RunnersPlacement(this.runners), stealing: false } : {}),
    };
    const id = `job-${++this.counter}`;
    const promise = this.cluster.runDefinition(def, [args], options).then((values) => values[0]);
    const entry: JobEntry = { current: { state: 'pending' }, promise };
    promise.then(
      (value) => (entry.current = { state: 'done', value }),
      (error: unknown) => (entry.current = { state: 'failed', error }),
    );
    this.jobs.set(id, entry);
    return id;
  }

  /**
   * `args` with shared handles (arguments, or elements of array arguments) swapped for their
   * values, for checking; undefined when a handle was not made by this facade, whose value is
   * unknown here (such calls are not checked).
   */
  private asValues(args: unknown[]): unknown[] | undefined {
    let out: unknown[] | undefined;
    const value = (a: unknown): { ok: boolean; v: unknown } => {
      if (!isSharedHandle(a)) return { ok: true, v: a };
      return this.sharedValues.has(a.armadaShared) ? { ok: true, v: this.sharedValues.get(a.armadaShared) } : { ok: false, v: a };
    };
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (isSharedHandle(arg)) {
        const r = value(arg);
        if (!r.ok) return undefined;
        (out ??= [...args])[i] = r.v;
      } else if (Array.isArray(arg) && arg.some(isSharedHandle)) {
        const mapped = arg.map(value);
        if (mapped.some((r) => !r.ok)) return undefined;
        (out ??= [...args])[i] = mapped.map((r) => r.v);
      }
    }
    return out ?? args;
  }

  private entry(id: string): JobEntry {
    const entry = this.jobs.get(id);
    if (entry === undefined) throw new UnknownJobError(id);
    return entry;
  }

  private knownNames(): string[] {
    return [...this.modules.values()].flatMap((m) => m.exports.map((e) => `${m.name}.${e}`));
  }
}
