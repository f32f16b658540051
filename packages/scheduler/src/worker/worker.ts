import { Actor, inject, injectable } from '@armada/actors';
import type { DefinitionClient } from '../functions/definition-client.js';
import type { FunctionDef } from '../functions/function-def.js';
import { SchedulerTokens } from '../tokens.js';
import { UntrustedModuleError } from '../errors.js';
import type { BatchOutcome, Outcome, TaskErrorData, TaskExecutor } from './executor.js';
import type { Run, WorkerMsg } from './protocol.js';
import { failedOutcome } from './run-batch.js';

/**
 * Runs the chunks its Agent (the parent) hands it on a {@link TaskExecutor}, one chunk at a time
 * and one packet at a time, and tells the agent the outcome or that the thread died. Holds no
 * queue of its own: the agent sends the next chunk only after the previous `ran`.
 *
 * Before a chunk runs, what it names by hash is made present: the definition (when the agent
 * lacked it), a module's file and shared values, fetched from the job's master on a miss. A
 * fetch or load that fails becomes the error outcome of every packet of the chunk.
 */
@injectable()
export class Worker extends Actor<WorkerMsg> {
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
      // A refusal travels as its own class, so the job fails with `UntrustedModuleError`, not a `TaskError` about user code.
      const outcome: Outcome = error instanceof UntrustedModuleError ? { ok: false, error: error as TaskErrorData } : failedOutcome(error);
      agent.tell({ type: 'ran', outcome: { outcomes: msg.args.map(() => outcome), ms: 0 } satisfies BatchOutcome });
      return;
    }
    if (msg.timed !== undefined) {
      await this.executor.ready?.().catch(() => undefined);
      agent.tell({ type: 'started', run: msg.timed });
    }
    try {
      agent.tell({ type: 'ran', outcome: await this.executor.run(fn, args) });
    } catch (error) {
      agent.tell({ type: 'ran', outcome: { crashed: error instanceof Error ? error : new Error(String(error)) } });
    }
  }

  override async postStop(): Promise<void> {
    await this.executor.close();
  }
}
