import type { ActorCell } from './actor-cell.js';
import type { ActorRef } from './actor-ref.js';
import type { EndpointWriter } from './endpoint-writer.js';
import { AskTimeoutError } from './errors.js';
import type { ActorPath, NodeId } from './ids.js';
import type { PendingAsks } from './pending-asks.js';
import { Kind } from './wire.js';

/**
 * Death watch across nodes. A local watch is an entry in the watchee's cell; a remote one is a
 * `Watch` envelope the remote node acknowledges with whether the actor exists, and a `Terminated`
 * envelope back when it stops.
 *
 * Guarantee: a watcher hears at most once per watch that its watchee is gone: when it stops, or
 * at once (`existed: false`) when it is absent or its node unreachable. A lost acknowledgement
 * proves nothing, so a timed-out watch stays in place rather than reporting a death.
 */
export class DeathWatch {
  constructor(
    private readonly node: NodeId,
    private readonly cells: ReadonlyMap<string, ActorCell<unknown>>,
    private readonly pending: PendingAsks,
    private readonly writer: EndpointWriter,
    private readonly ackTimeoutMs: number,
  ) {}

  /** `watcher` (on this node) starts watching `target` (anywhere). */
  watch(target: ActorRef<unknown>, watcher: ActorRef<unknown>): void {
    if (target.address.node === this.node) {
      const cell = this.cells.get(target.address.path);
      if (cell === undefined) this.notifyTerminated(watcher, target, false);
      else cell.watchers.set(watcher.toString(), watcher);
      return;
    }
    const id = this.pending.nextId();
    this.pending.track({
      id,
      target: target.address,
      timeoutMs: this.ackTimeoutMs,
      deadline: 0,
      done: false,
      settle: (ok, value) => {
        const absent = ok ? value === false : !(value instanceof AskTimeoutError);
        if (absent) this.notifyTerminated(watcher, target, false);
      },
    });
    try {
      this.writer.send(target.address.node, [Kind.Watch, target.address.path, watcher, id], id);
    } catch (error) {
      this.pending.settle(id, false, error);
    }
  }

  /** `watcher` (on this node) stops watching `target`. */
  unwatch(target: ActorRef<unknown>, watcher: ActorRef<unknown>): void {
    if (target.address.node === this.node) {
      this.cells.get(target.address.path)?.watchers.delete(watcher.toString());
      return;
    }
    this.writer.sendQuietly(target.address.node, [Kind.Unwatch, target.address.path, watcher]);
  }

  /** Tells `watcher` (anywhere) that `watchee` has stopped, or was never there. */
  notifyTerminated(watcher: ActorRef<unknown>, watchee: ActorRef<unknown>, existed: boolean): void {
    if (watcher.address.node === this.node) this.cells.get(watcher.address.path)?.watcheeTerminated(watchee, existed);
    else this.writer.sendQuietly(watcher.address.node, [Kind.Terminated, watcher.address.path, watchee, existed]);
  }

  /** A remote `watcher` asks to watch the actor at `path`; acknowledged with whether it exists. */
  onWatch(path: ActorPath, watcher: ActorRef<unknown>, id: string): void {
    const cell = this.cells.get(path);
    if (cell !== undefined) cell.watchers.set(watcher.toString(), watcher);
    this.writer.reply(watcher.address.node, id, true, cell !== undefined);
  }

  /** A remote `watcher` no longer watches the actor at `path`. */
  onUnwatch(path: ActorPath, watcher: ActorRef<unknown>): void {
    this.cells.get(path)?.watchers.delete(watcher.toString());
  }

  /** A remote `watchee` that the actor at `path` watches has stopped. */
  onTerminated(path: ActorPath, watchee: ActorRef<unknown>, existed: boolean): void {
    this.cells.get(path)?.watcheeTerminated(watchee, existed);
  }
}
