/**
 * Packet indices as runs, for reports that list what a machine holds: `[start, count, start,
 * count, ...]`. Placement hands out consecutive indices, so a report of thousands of packets is a
 * few numbers.
 */
export type PacketRanges = number[];

/** Encodes indices (any order, duplicates allowed) as sorted, merged runs. */
export function toRanges(indices: Iterable<number>): PacketRanges {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const out: PacketRanges = [];
  for (let k = 0; k < sorted.length; ) {
    const start = sorted[k]!;
    let count = 1;
    while (k + count < sorted.length && sorted[k + count] === start + count) count++;
    out.push(start, count);
    k += count;
  }
  return out;
}

/**
 * Decodes runs into a set of indices. Malformed runs (odd length, negative or non-integer numbers)
 * are skipped, since reports come from the network; at most `limit` indices are produced.
 */
export function fromRanges(ranges: unknown, limit = 10_000_000): Set<number> {
  const out = new Set<number>();
  if (!Array.isArray(ranges)) return out;
  for (let k = 0; k + 1 < ranges.length; k += 2) {
    const start = ranges[k] as unknown;
    const count = ranges[k + 1] as unknown;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || (start as number) < 0 || (count as number) < 0) continue;
    for (let i = 0; i < (count as number) && out.size < limit; i++) out.add((start as number) + i);
  }
  return out;
}
