import type { TransportHandlers } from '@armada/actors';

/** Resolves once `predicate` holds (checked on every `notify`), rejects after `timeoutMs`. */
export class Waiter {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what} not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

/** Records everything a transport delivers. */
export class Inbox extends Waiter {
  readonly messages: Uint8Array[] = [];
  readonly replies: Array<{ correlationId: string; data: Uint8Array }> = [];
  readonly undeliverable: Array<{ correlationId: string }> = [];
  readonly handlers: TransportHandlers = {
    onMessage: (data) => {
      this.messages.push(data);
      this.notify();
    },
    onReply: (correlationId, data) => {
      this.replies.push({ correlationId, data });
      this.notify();
    },
    onUndeliverable: (correlationId) => {
      this.undeliverable.push({ correlationId });
      this.notify();
    },
  };
}

/** A logger that keeps its records, for asserting on warnings. */
export { RecordingLogger as CaptureLogger } from '@armada/actors/testkit';

let counter = 0;
/** A node id no other test uses. */
export function uniqueId(label: string): string {
  return `${label}-${process.pid}-${++counter}`;
}

/** Bytes of a Float64Array of `bytes` bytes filled with a recognisable pattern. */
export function patternBytes(bytes: number): Uint8Array {
  const floats = new Float64Array(bytes / 8);
  for (let i = 0; i < floats.length; i++) floats[i] = i * 1.5 - 7;
  return new Uint8Array(floats.buffer);
}
