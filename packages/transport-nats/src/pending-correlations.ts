/** Bounds of {@link PendingCorrelations}. */
export interface PendingCorrelationsOptions {
  /** Most entries kept; the oldest is forgotten first. */
  maxEntries: number;
  /** Entries older than this are forgotten. */
  ttlMs: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  readonly node: string;
  readonly at: number;
}

/**
 * Remembers which node each correlated send went to, so a "no responders" status (which names
 * only the reply subject) can say which node was missing. An entry is removed by the first reply
 * or status for its correlation id; entries never answered are forgotten after `ttlMs`, and there
 * are never more than `maxEntries`, so memory stays bounded whatever the peers do.
 */
export class PendingCorrelations {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: PendingCorrelationsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Entries currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Records that `correlationId` was sent to `node`. O(1) amortised. */
  track(correlationId: string, node: string): void {
    const now = this.now();
    this.entries.delete(correlationId);
    this.entries.set(correlationId, { node, at: now });
    this.prune(now);
  }

  /** Removes and returns the node `correlationId` was sent to, if it is still remembered. */
  take(correlationId: string): string | undefined {
    const entry = this.entries.get(correlationId);
    if (entry === undefined) return undefined;
    this.entries.delete(correlationId);
    return entry.node;
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  /** Entries are in insertion order, which is time order, so only the head needs checking. */
  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && now - entry.at < this.options.ttlMs) break;
      this.entries.delete(key);
    }
  }
}
