import { Actor, inject, injectable } from '@armada/actors';
import { SchedulerTokens } from '../tokens.js';
import type { TaskExecutor } from './executor.js';
import type { Run, WorkerMsg } from './protocol.js';

/**
 * Runs the chunks its Agent (the parent) hands it on a {@link TaskExecutor}, one chunk at a time
 * and one packet at a time, and tells the agent the outcome or that the thread died. Holds no
 * queue of its own: the agent sends the next chunk only after the previous `ran`.
 */
@injectable()
export class Worker extends Actor<WorkerMsg> {
  constructor(@inject(SchedulerTokens.Executor) private readonly executor: TaskExecutor) {
    super();
  }

  async receive(msg: Run): Promise<void> {
    const agent = this.context.parent!;
    if (msg.timed !== undefined) {
      await this.executor.ready?.().catch(() => undefined);
      agent.tell({ type: 'started', run: msg.timed });
    }
    try {
      agent.tell({ type: 'ran', outcome: await this.executor.run(msg.fn, msg.args) });
    } catch (error) {
      agent.tell({ type: 'ran', outcome: { crashed: error instanceof Error ? error : new Error(String(error)) } });
    }
  }

  override async postStop(): Promise<void> {
    await this.executor.close();
  }
}
