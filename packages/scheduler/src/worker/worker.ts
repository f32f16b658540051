import { Actor, inject, injectable } from '@armada/actors';
import type { DefinitionClient } from '../functions/definition-client.js';
import type { FunctionDef } from '../functions/function-def.js';
import { SchedulerTokens } from '../tokens.js';
import { DefinitionUnavailableError, UntrustedModuleError } from '../errors.js';
import { neverStarted, type BatchOutcome, type Outcome, type TaskErrorData, type TaskExecutor } from './executor.js';
import type { Run, WorkerMsg } from './protocol.js';
import { failedOutcome } from './run-batch.cjs';

/**
 * Runs the chunks its Agent (the parent) hands it on a {@link TaskExecutor}, one chunk at a time
 * and one packet at a time, and tells the agent the outcome (`ran`, in the order the chunks came)
 * or that the thread died. Holds no queue of its own: with an executor that queues, the agent
 * keeps up to two chunks here (the second waits in the thread), else one.
 *
 * Before a chunk runs, what it names by hash is made present: the definition (when the agent
 * lacked it), a module's file and shared values, fetched from the job's master on a miss. A
 * fetch whose asks all went unanswered gives the chunk back to the agent as never started (it is
 * queued again once); any other fetch or load that fails becomes the error outcome of every packet.
 */
/** What a `ran` carries: the batch's outcomes, or that the thread died (`started`: with this chunk on it, rather than queued behind another). */
type RanOutcome = BatchOutcome | { readonly crashed: Error; readonly started: boolean };

@injectable()
export class Worker extends Actor<WorkerMsg> {
  /** Settles after the last `ran` was told. */
  private told: Promise<void> = Promise.resolve();

  constructor(
    @inject(SchedulerTokens.Executor) private readonly executor: TaskExecutor,
    @inject(SchedulerTokens.Definitions) private readonly definitions: DefinitionClient,
  ) {
    super();
  }

  async receive(msg: Run): Promise<void> {
    const agent = this.context.parent!;
    let fn: FunctionDef;
    let args: unknown[];
    try {
      fn = msg.fn ?? (await this.definitions.definition(msg.hash, msg.master));
      this.definitions.admit(fn, msg.master);
      // A trusting machine takes no `url` from the wire: only one it verified itself.
      if (fn.kind === 'module' && (fn.url === undefined || this.definitions.trusting)) {
        fn = { ...fn, url: this.definitions.knownModuleUrl(fn.module) ?? (await this.definitions.moduleUrl(fn.module, msg.master)) };
      }
      args = await this.definitions.resolveShared(msg.args, msg.master);
    } catch (error) {
      // Every fetch ask went unanswered (lost, or the master was busy): nothing ran, and nothing is
      // the packets' fault. The agent queues them again, uncharged, once; the next try fetches anew.
      if (error instanceof DefinitionUnavailableError && error.retryable) {
        this.context.log.warn('could not fetch what a chunk needs from its master; it is queued again once, then fails', { master: msg.master, packets: msg.args.length, error });
        await this.tellInOrder(Promise.resolve({ crashed: error, started: false }));
        return;
      }
      // A refusal travels as its own class, so the job fails with `UntrustedModuleError`, not a `TaskError` about user code.
      const outcome: Outcome = error instanceof UntrustedModuleError ? { ok: false, error: error as TaskErrorData } : failedOutcome(error);
      await this.tellInOrder(Promise.resolve({ outcomes: msg.args.map(() => outcome), ms: 0 } satisfies BatchOutcome));
      return;
    }
    if (msg.timed !== undefined) {
      await this.executor.ready?.().catch(() => undefined);
      agent.tell({ type: 'started', run: msg.timed });
    }
    const ran = this.tellInOrder(
      this.executor.run(fn, args).catch((error: unknown) => ({ crashed: error instanceof Error ? error : new Error(String(error)), started: !neverStarted(error) })),
    );
    // An executor that queues takes the next chunk while this one runs; runs settle in order, so
    // the agent hears of its chunks in the order it sent them.
    if (this.executor.queues !== true) await ran;
  }

  /** Tells the agent `ran` with `outcome` once every earlier chunk's `ran` was told. */
  private tellInOrder(outcome: Promise<RanOutcome>): Promise<void> {
    const agent = this.context.parent!;
    this.told = this.told.then(() => outcome).then((o) => agent.tell({ type: 'ran', outcome: o }));
    return this.told;
  }

  override async postStop(): Promise<void> {
    await this.executor.close();
  }
}
