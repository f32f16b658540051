import type { Clock } from '@armada/actors';
import type { MachineId } from '../ids.js';
import type { HealthReply } from '../machine/protocol.js';
import type { MachineStats } from '../placement/placement-strategy.js';
import type { Member } from './membership.js';

/** A machine's answer to a health round: its fresh stats, the order it answered in, and the round trip. */
export type Fresh = Map<MachineId, { stats: MachineStats; rank: number | undefined; rttMs: number | undefined }>;

/** Weight of a new round trip in {@link LatencyBook}'s smoothed figure. */
const RTT_WEIGHT = 0.3;

/**
 * The health-check round trip of every machine as a master last measured it, smoothed. Filled by
 * every answer of every {@link healthRound}, those that come after the round resolved included:
 * a first-answer round settles with the nearest machine, and the far ones' answers are what
 * tell how far they are.
 */
export class LatencyBook {
  private readonly rtt = new Map<MachineId, number>();
  /** When the latest round started. */
  private roundAt = -Infinity;

  /** A round starts at `now`. */
  started(now: number): void {
    this.roundAt = now;
  }

  /** Whether a round started within `maxAgeMs` before `now` and every one of `members` has a round trip. */
  fresh(members: readonly Member[], now: number, maxAgeMs: number): boolean {
    return now - this.roundAt < maxAgeMs && members.every((m) => this.rtt.has(m.id));
  }

  /** Adds one measured round trip of `machine`. */
  record(machine: MachineId, rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    // The first figure counts in full: a far machine's is many times a near one's.
    const before = this.rtt.get(machine);
    this.rtt.set(machine, before === undefined ? rttMs : before + RTT_WEIGHT * (rttMs - before));
  }

  /** The smoothed round trip of `machine` in milliseconds, undefined until one was measured. */
  get(machine: MachineId): number | undefined {
    return this.rtt.get(machine);
  }

  /** Forgets machines not in `live` (gone or dead), so the book does not grow with churn. */
  keepOnly(live: ReadonlySet<MachineId>): void {
    for (const id of this.rtt.keys()) if (!live.has(id)) this.rtt.delete(id);
  }

  /**
   * `fresh` completed with the known round trip of every member that has not answered this round
   * (rank undefined, its heartbeat stats), so a strategy sees how far every machine is, not only
   * the first to answer.
   */
  complete(fresh: Fresh, members: Iterable<Member>): Fresh {
    for (const member of members) {
      if (fresh.has(member.id)) continue;
      const rttMs = this.rtt.get(member.id);
      if (rttMs !== undefined) fresh.set(member.id, { stats: member.stats, rank: undefined, rttMs });
    }
    return fresh;
  }
}

/**
 * Health-checks `members`; resolves at the first answer (`firstOnly`) or once all answered or
 * timed out. Never rejects: a machine that does not answer within `timeoutMs` is left out. Every
 * answer's round trip goes into `book`, also those that arrive after the round resolved.
 */
export function healthRound(members: readonly Member[], clock: Clock, timeoutMs: number, firstOnly: boolean, book?: LatencyBook): Promise<Fresh> {
  const fresh: Fresh = new Map();
  const started = clock.now();
  book?.started(started);
  let rank = 0;
  return new Promise((resolve) => {
    let pending = members.length;
    if (pending === 0) resolve(fresh);
    const settle = () => {
      if (--pending === 0 || (firstOnly && fresh.size > 0)) resolve(fresh);
    };
    for (const member of members) {
      member.ref.ask<HealthReply>({ type: 'health' }, { timeoutMs }).then(
        (reply) => {
          const rttMs = clock.now() - started;
          book?.record(member.id, rttMs);
          fresh.set(member.id, { stats: reply.stats, rank: rank++, rttMs });
          settle();
        },
        settle,
      );
    }
  });
}
