import { fork, type ChildProcess } from 'node:child_process';

/**
 * Benchmark peers running in their own OS process. The parent forks a compiled script with an IPC
 * channel; the script calls {@link signalReady} once it serves, and {@link onStopRequest} to shut
 * down cleanly (so `--cpu-prof` profiles get written). Every child still running when the parent
 * exits is killed, and a child exits by itself when its parent goes away.
 */

/** Messages on the IPC channel. */
type ToParent = { type: 'ready'; info?: unknown } | { type: 'failed'; message: string } | { type: 'cpu'; seq: number; usage: NodeJS.CpuUsage };
type ToChild = { type: 'stop' } | { type: 'cpu'; seq: number };

export interface StartChildOptions {
  /** Shown in errors. */
  name: string;
  /** Absolute path or file URL of the compiled script. */
  script: string | URL;
  args?: readonly string[];
  /** Node flags for the child (the parent's own flags are never inherited). Default none. */
  execArgv?: readonly string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long to wait for the ready message. Default 15 000 ms. */
  readyTimeoutMs?: number;
  /** Where the child's stdout goes. Default `inherit`; stderr is always inherited. */
  stdout?: 'inherit' | 'ignore';
  /**
   * For a script that does not call {@link onStopRequest} (such as the scheduler's machine entry
   * point): `stop` sends this signal instead of the stop message. Such a script need not call
   * {@link signalReady} either: any `{ type: 'ready' }` message will do, and becomes `info` whole
   * when it has no `info` field. It does not answer CPU usage queries.
   */
  stopSignal?: NodeJS.Signals;
}

/** A running child; `info` is what it passed to {@link signalReady}. */
export interface ChildHandle<I> {
  readonly name: string;
  readonly process: ChildProcess;
  readonly info: I;
  /**
   * Asks the child to stop, then SIGKILLs it if it has not exited within `graceMs` (default
   * 5 000 ms). Resolves once it has exited. Idempotent; never rejects.
   */
  stop(graceMs?: number): Promise<void>;
  /** The child's `process.cpuUsage()` (µs of user and system CPU since it started). */
  cpuUsage(timeoutMs?: number): Promise<NodeJS.CpuUsage>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Forks `script` and resolves once it reports ready. On failure or timeout the child is killed first. */
export function startChild<I = unknown>(options: StartChildOptions): Promise<ChildHandle<I>> {
  installExitHook();
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const child = fork(options.script, [...(options.args ?? [])], {
    execArgv: [...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5_000): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      if (exited(child)) {
        resolve();
        return;
      }
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      if (options.stopSignal !== undefined) {
        child.kill(options.stopSignal);
      } else if (child.connected) {
        try {
          child.send({ type: 'stop' } satisfies ToChild);
        } catch {
          child.kill('SIGTERM');
        }
      } else {
        child.kill('SIGTERM');
      }
    });
    return stopping;
  };

  let cpuSeq = 0;
  const cpuUsage = (timeoutMs = 5_000): Promise<NodeJS.CpuUsage> =>
    new Promise((resolve, reject) => {
      const seq = ++cpuSeq;
      const done = (error: Error | undefined, usage?: NodeJS.CpuUsage) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error !== undefined) reject(error);
        else resolve(usage!);
      };
      const onMessage = (raw: unknown) => {
        const msg = raw as ToParent;
        if (msg?.type === 'cpu' && msg.seq === seq) done(undefined, msg.usage);
      };
      const onExit = () => done(new Error(`${options.name}: exited before reporting its CPU usage`));
      const timer = setTimeout(() => done(new Error(`${options.name}: no CPU usage report within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      try {
        child.send({ type: 'cpu', seq } satisfies ToChild);
      } catch (error) {
        done(error as Error);
      }
    });

  return new Promise<ChildHandle<I>>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      void stop(1_000).then(() => reject(new Error(`${options.name}: ${message}`)));
    };
    const onMessage = (raw: unknown) => {
      const msg = raw as ToParent;
      if (msg?.type === 'failed') fail(`failed to start: ${msg.message}`);
      if (msg?.type !== 'ready' || settled) return;
      settled = true;
      cleanup();
      const info = 'info' in msg ? msg.info : msg;
      resolve({ name: options.name, process: child, info: info as I, stop, cpuUsage });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(`cannot start: ${error.message}`);
    const timer = setTimeout(() => fail(`not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

// --- the child's side ---

/**
 * Tells the parent this child serves; `info` must be structured-cloneable. From then on the child
 * also answers the parent's CPU usage queries.
 */
export function signalReady(info: unknown = null): void {
  if (process.send === undefined) throw new Error('not started by startChild (no IPC channel)');
  process.on('message', (raw: unknown) => {
    const msg = raw as ToChild;
    if (msg?.type === 'cpu') process.send?.({ type: 'cpu', seq: msg.seq, usage: process.cpuUsage() } satisfies ToParent);
  });
  process.send({ type: 'ready', info } satisfies ToParent);
}

/** Tells the parent this child could not start, then exits with code 1. */
export function signalFailed(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  try {
    process.send?.({ type: 'failed', message } satisfies ToParent);
  } finally {
    console.error(message);
  }
  process.exit(1);
}

/**
 * Runs `shutdown` once when the parent asks to stop, sends SIGTERM or SIGINT, or goes away, then
 * exits with code 0 (1 if `shutdown` threw or took longer than `timeoutMs`, default 3 000 ms).
 */
export function onStopRequest(shutdown: () => Promise<void> | void, timeoutMs = 3_000): void {
  let started = false;
  const run = () => {
    if (started) return;
    started = true;
    const killer = setTimeout(() => process.exit(1), timeoutMs);
    Promise.resolve()
      .then(shutdown)
      .then(
        () => {
          clearTimeout(killer);
          process.exit(0);
        },
        (error: unknown) => {
          console.error('shutdown failed:', error);
          process.exit(1);
        },
      );
  };
  process.on('message', (raw: unknown) => {
    if ((raw as ToChild)?.type === 'stop') run();
  });
  process.once('disconnect', run);
  process.once('SIGTERM', run);
  process.once('SIGINT', run);
}
