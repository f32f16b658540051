import { Worker, type ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from '@armada/actors';
import { WorkerCrashedError } from '../errors.js';
import type { FunctionDef } from '../functions/function-def.js';
import { queuedBehind, type BatchOutcome, type ExecutorOptions, type TaskExecutor } from './executor.js';
import { checkSlowFactor } from './slow-factor.js';
import { unpackOutcomes, type RunRequest, type ThreadReply } from './thread-protocol.cjs';

const DEFAULTS = {
  slowFactor: 1,
  name: 'worker',
  /** Hashes remembered as sent to the thread; past it the oldest are sent again when used. */
  sentCapacity: 1024,
} as const;

/** Options of a {@link ThreadExecutor}. */
export interface ThreadExecutorOptions extends ExecutorOptions {
  /** Heap limits of the thread, so a packet that runs out of memory kills only its thread. */
  readonly resourceLimits?: ResourceLimits;
}

interface Thread {
  readonly worker: Worker;
  readonly loaded: Promise<void>;
  readonly sent: Set<string>;
}

interface PendingRun {
  request: RunRequest;
  readonly fn: FunctionDef;
  readonly resolve: (outcome: BatchOutcome) => void;
  readonly reject: (error: Error) => void;
  /** Set when the thread answered before an earlier run did (that one was sent again): runs settle in order. */
  done?: BatchOutcome;
}

const NO_DEFS: readonly FunctionDef[] = Object.freeze([]);

/**
 * Runs batches on a dedicated `worker_thread`. The first thread starts when the executor is made;
 * each function definition is sent to a thread once. When the thread dies (`process.exit`, out of
 * memory, an uncaught error) the pending `run` rejects with `WorkerCrashedError` and the next
 * `run` (or `ready`) starts a fresh thread, so it works. Replacing lazily means an entry that
 * cannot start fails each run instead of respawning in a loop. The thread keeps the process
 * alive only while a run or `ready` is pending.
 *
 * Unlike the {@link TaskExecutor} contract asks, `run` may be called again before the previous run
 * settled: the batch is queued in the thread and starts as soon as the one before it ends, so
 * the thread does not idle while its caller handles a result. Runs settle in the order they were
 * made, one packet at a time throughout; when the thread dies every queued run rejects.
 */
export class ThreadExecutor implements TaskExecutor {
  readonly queues = true;
  private readonly slowFactor: number;
  private readonly name: string;
  private readonly resourceLimits: ResourceLimits | undefined;
  private thread: Thread | undefined;
  /** Runs sent and not yet settled, oldest first. */
  private readonly pending: PendingRun[] = [];
  private nextId = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: ThreadExecutorOptions = {}) {
    this.slowFactor = checkSlowFactor(options.slowFactor ?? DEFAULTS.slowFactor);
    this.name = options.name ?? DEFAULTS.name;
    this.resourceLimits = options.resourceLimits ?? (options.maxHeapMb !== undefined ? { maxOldGenerationSizeMb: options.maxHeapMb } : undefined);
    this.thread = this.start();
  }

  /**
   * Resolves when the thread has loaded and can run (starting one if the last one died), so a
   * benchmark can leave start-up out of its timing. Rejects with `WorkerCrashedError` if the
   * thread dies first or the executor is closed.
   */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`executor "${this.name}" is closed`));
    const thread = (this.thread ??= this.start());
    thread.worker.ref();
    // Not a thread being terminated (closed, stopped): it must keep the process up until it has exited.
    return thread.loaded.finally(() => this.thread === thread && this.pending.length === 0 && thread.worker.unref());
  }

  run(fn: FunctionDef, args: readonly unknown[]): Promise<BatchOutcome> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`executor "${this.name}" is closed`));
    const thread = (this.thread ??= this.start());
    const sent = thread.sent.has(fn.hash);
    const request: RunRequest = { type: 'run', id: ++this.nextId, defs: sent ? NO_DEFS : [fn], hash: fn.hash, args, slowFactor: this.slowFactor };
    return new Promise<BatchOutcome>((resolve, reject) => {
      try {
        thread.worker.postMessage(request);
      } catch (cause) {
        reject(new InvalidArgumentError(`arguments cannot be sent to thread "${this.name}": ${(cause as Error)?.message}`));
        return;
      }
      if (!sent) remember(thread.sent, fn.hash);
      this.pending.push({ request, fn, resolve, reject });
      thread.worker.ref();
    });
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    if (this.pending.length === 0 || thread === undefined) return;
    this.thread = undefined;
    this.failPending(new WorkerCrashedError(`batch stopped: worker thread "${this.name}" was terminated`));
    // A fresh thread right away, so the next packet does not wait for one to load.
    if (!this.closed) this.thread = this.start();
    await thread.worker.terminate();
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      const thread = this.thread;
      this.thread = undefined;
      this.failPending(new WorkerCrashedError(`executor "${this.name}" was closed while a batch was running`));
      this.closing = thread === undefined ? Promise.resolve() : thread.worker.terminate().then(() => undefined);
    }
    return this.closing;
  }

  private start(): Thread {
    const worker = spawnThread({ name: this.name, resourceLimits: this.resourceLimits });
    // The thread says `ready` once its modules are loaded, which is later than the `online` event.
    const loaded = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (error) => reject(new WorkerCrashedError(`worker thread "${this.name}" failed to start: ${error?.message}`, error)));
      worker.once('exit', (code) => reject(new WorkerCrashedError(`worker thread "${this.name}" exited with code ${code} before it was ready`)));
    });
    // Only `ready` reports a failed start; a run learns of it from the exit event.
    loaded.catch(() => undefined);
    const thread: Thread = { worker, loaded, sent: new Set() };
    worker.unref();
    worker.on('message', (reply: ThreadReply) => this.onReply(thread, reply));
    worker.on('error', (error) => this.onDeath(thread, `died: ${error?.message ?? String(error)}`, error));
    worker.on('exit', (code) => this.onDeath(thread, `exited with code ${code}`, undefined));
    return thread;
  }

  private onReply(thread: Thread, reply: ThreadReply): void {
    if (reply.type === 'ready' || thread !== this.thread) return;
    const pending = this.pending.find((p) => p.request.id === reply.id);
    if (pending === undefined || pending.done !== undefined) return;
    if (reply.type === 'missing') {
      pending.request = { ...pending.request, defs: [pending.fn] };
      remember(thread.sent, pending.fn.hash);
      thread.worker.postMessage(pending.request);
      return;
    }
    pending.done = { outcomes: unpackOutcomes(reply.values, reply.failures), ms: reply.ms };
    while (this.pending[0]?.done !== undefined) {
      const head = this.pending.shift()!;
      head.resolve(head.done!);
    }
    if (this.pending.length === 0) thread.worker.unref();
  }

  /** Called for both the `error` and the `exit` event of a thread; only the first one counts. */
  private onDeath(thread: Thread, how: string, cause: unknown): void {
    if (thread !== this.thread) return;
    this.thread = undefined;
    this.failPending(new WorkerCrashedError(`worker thread "${this.name}" ${how}`, cause));
    void thread.worker.terminate();
  }

  private failPending(error: WorkerCrashedError): void {
    const [running, ...waiting] = this.pending.splice(0);
    running?.reject(error);
    for (const pending of waiting) pending.reject(queuedBehind(error));
  }
}

function remember(sent: Set<string>, hash: string): void {
  if (sent.size >= DEFAULTS.sentCapacity) sent.delete(sent.values().next().value as string);
  sent.add(hash);
}

/**
 * A thread on the parent's Node options when the thread accepts them; without them when one of
 * them is per-process (`--expose-gc` and other V8 flags), rather than failing every run.
 */
function spawnThread(options: { name: string; resourceLimits: ResourceLimits | undefined }): Worker {
  const entry = new URL('./worker-thread.cjs', import.meta.url);
  try {
    return new Worker(entry, { ...options, execArgv: threadExecArgv() });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(entry, { ...options, execArgv: [] });
  }
}

/** The parent's Node options minus `--input-type`, which stops a thread from loading a file entry. */
function threadExecArgv(): string[] {
  const argv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) argv.push(arg);
  }
  return argv;
}
