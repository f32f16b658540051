import type { Clock } from '@armada/actors';
import type { MachineId } from '../ids.js';
import type { HealthReply } from '../machine/protocol.js';
import type { MachineStats } from '../placement/placement-strategy.js';
import type { Member } from './membership.js';

/** A machine's answer to a health round: its fresh stats, the order it answered in, and the round trip. */
export type Fresh = Map<MachineId, { stats: MachineStats; rank: number | undefined; rttMs: number | undefined }>;

/**
 * Health-checks `members`; resolves at the first answer (`firstOnly`) or once all answered or
 * timed out. Never rejects: a machine that does not answer within `timeoutMs` is left out.
 */
export function healthRound(members: readonly Member[], clock: Clock, timeoutMs: number, firstOnly: boolean): Promise<Fresh> {
  const fresh: Fresh = new Map();
  const started = clock.now();
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
          fresh.set(member.id, { stats: reply.stats, rank: rank++, rttMs: clock.now() - started });
          settle();
        },
        settle,
      );
    }
  });
}
