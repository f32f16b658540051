import type { JobId } from '../ids.js';
import type { Results } from '../master/protocol.js';

/** A `results` message without the fields the outbox fills in. */
export type UnnumberedResults = Omit<Results, 'seq'>;

interface Unacked {
  readonly msg: Results;
  sentAt: number;
}

/**
 * Results an agent sent and its master has not acknowledged yet (`results-ack`). Numbers every
 * message, keeps it until acknowledged, and hands back those overdue for sending again, oldest
 * first. Acknowledging twice, or a number it never gave, does nothing.
 */
export class ResultOutbox {
  private readonly unacked = new Map<number, Unacked>();
  private nextSeq = 0;

  /** Messages waiting for an acknowledgement. */
  get size(): number {
    return this.unacked.size;
  }

  /** Numbers `msg`, keeps it as sent at `now`, and returns it to send. */
  add(msg: UnnumberedResults, now: number): Results {
    const numbered: Results = { ...msg, seq: ++this.nextSeq };
    this.unacked.set(numbered.seq, { msg: numbered, sentAt: now });
    return numbered;
  }

  /** The master has message `seq`. */
  ack(seq: number): void {
    this.unacked.delete(seq);
  }

  /** Messages sent `resendMs` or longer before `now`, marked as sent again at `now`. */
  overdue(now: number, resendMs: number): Results[] {
    const out: Results[] = [];
    for (const entry of this.unacked.values()) {
      if (now - entry.sentAt < resendMs) continue;
      entry.sentAt = now;
      out.push(entry.msg);
    }
    return out;
  }

  /** Forgets every message of the jobs `which` picks (finished, cancelled, their master gone). */
  drop(which: (job: JobId) => boolean): void {
    for (const [seq, entry] of this.unacked) if (which(entry.msg.job)) this.unacked.delete(seq);
  }

  /** Indices answered in unacknowledged messages of `job` (values and failures). */
  *indices(job: JobId): Iterable<number> {
    for (const { msg } of this.unacked.values()) {
      if (msg.job !== job) continue;
      yield* msg.indices;
      for (const f of msg.failures ?? []) yield f.index;
    }
  }
}
