import { InvalidArgumentError } from '@armada/actors';

/**
 * Decoded shared values by content hash, within a byte budget (counted as the size of their
 * encoding); the least recently used go first. A value larger than the budget is returned but
 * not kept. An evicted value is fetched again on its next use.
 */
export class ShareCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private total = 0;
  /** Values evicted to stay within the budget. */
  evicted = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new InvalidArgumentError(`share cache maxBytes must be positive, got ${maxBytes}`);
  }

  get bytes(): number {
    return this.total;
  }

  get(hash: string): { value: unknown } | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return { value: entry.value };
  }

  set(hash: string, value: unknown, bytes: number): void {
    if (this.entries.has(hash) || bytes > this.maxBytes) return;
    for (const [old, entry] of this.entries) {
      if (this.total + bytes <= this.maxBytes) break;
      this.entries.delete(old);
      this.total -= entry.bytes;
      this.evicted++;
    }
    this.entries.set(hash, { value, bytes });
    this.total += bytes;
  }
}
