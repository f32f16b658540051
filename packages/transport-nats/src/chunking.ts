import { InvalidArgumentError, type Logger } from '@armada/actors';

/** The NATS header that marks one chunk of a payload too big for a single NATS message. */
export const CHUNK_HEADER = 'Armada-Chunk';

/**
 * Bytes of every NATS message kept free for headers when splitting (the chunk header is under
 * 100 bytes; the rest is slack for headers the server or a proxy may add).
 */
export const CHUNK_HEADROOM = 1024;

/** Most chunks one payload may be split into (a 64 MiB payload over 64 KiB messages needs 1025). */
export const MAX_CHUNKS = 1_000_000;

const CHUNK_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** Where one chunk belongs: which payload (`id`), its position, how many chunks and bytes in all. */
export interface ChunkInfo {
  /** Identifies the payload; unique per sender and never reused. */
  readonly id: string;
  /** Position of this chunk, from 0. */
  readonly index: number;
  /** Number of chunks of the payload. */
  readonly count: number;
  /** Size of the whole payload in bytes. */
  readonly total: number;
}

/** Renders the value of the {@link CHUNK_HEADER} header: `<id> <index> <count> <total>`. */
export function formatChunkHeader(info: ChunkInfo): string {
  return `${info.id} ${info.index} ${info.count} ${info.total}`;
}

/** Parses a {@link CHUNK_HEADER} value; `undefined` for anything malformed or inconsistent. Never throws. */
export function parseChunkHeader(value: string | undefined): ChunkInfo | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split(' ');
  if (parts.length !== 4) return undefined;
  const [id, index, count, total] = parts as [string, string, string, string];
  if (!CHUNK_ID.test(id) || !DECIMAL.test(index) || !DECIMAL.test(count) || !DECIMAL.test(total)) return undefined;
  const info = { id, index: Number(index), count: Number(count), total: Number(total) };
  if (info.count < 1 || info.count > MAX_CHUNKS || info.index >= info.count || info.count > Math.max(1, info.total)) return undefined;
  return info;
}

/**
 * The payload bytes that fit in one NATS message of at most `maxPayload` bytes (the server's
 * `max_payload`, which counts headers) next to the chunk header.
 */
export function chunkSizeFor(maxPayload: number): number {
  const headroom = Math.min(CHUNK_HEADROOM, Math.floor(maxPayload / 2));
  return Math.max(1, maxPayload - headroom);
}

/**
 * Splits `data` into views of at most `chunkSize` bytes, in order; no bytes are copied. An empty
 * payload gives one empty chunk.
 */
export function splitPayload(data: Uint8Array, chunkSize: number): Uint8Array[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidArgumentError(`chunk size must be a positive integer, got ${chunkSize}`);
  if (data.byteLength === 0) return [data];
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) {
    chunks.push(data.subarray(offset, Math.min(offset + chunkSize, data.byteLength)));
  }
  return chunks;
}

/** Tunables of {@link Reassembler}. */
export interface ReassemblerOptions {
  /** Payloads declaring more bytes than this are dropped on their first chunk. */
  maxMessageBytes: number;
  /** Bound on the bytes held by all incomplete payloads together; the oldest are dropped to stay under it. */
  maxPendingBytes: number;
  /** Incomplete payloads older than this are dropped with a warning. */
  timeoutMs: number;
  /** Where drops are reported. */
  logger: Logger;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Run {@link Reassembler.sweep} on a timer while payloads are pending. Default true. */
  autoSweep?: boolean;
}

interface Assembly {
  readonly id: string;
  readonly count: number;
  readonly total: number;
  readonly startedAt: number;
  readonly parts: Array<Uint8Array | undefined>;
  received: number;
  bytes: number;
}

/** How many completed or dropped payload ids are remembered so their late chunks are discarded at once. */
const RETIRED_MEMORY = 4096;

/**
 * Puts chunked payloads back together. Chunks may arrive in any order and more than once; a
 * payload is returned at most once, when its last missing chunk arrives, and only if its size
 * matches what its header declared. Malformed, inconsistent, oversized, timed-out or evicted
 * payloads are dropped with a warning, never thrown. Memory held is bounded by `maxPendingBytes`.
 */
export class Reassembler {
  private readonly assemblies = new Map<string, Assembly>();
  /** Recently completed or dropped ids and when; late or duplicate chunks for them are ignored. */
  private readonly retired = new Map<string, number>();
  private pendingBytesTotal = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ReassemblerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Payloads waiting for chunks. */
  get pending(): number {
    return this.assemblies.size;
  }

  /** Bytes held by incomplete payloads. */
  get pendingBytes(): number {
    return this.pendingBytesTotal;
  }

  /**
   * Adds one chunk. Returns the whole payload when this chunk completes it,
   * otherwise `undefined`. Never throws.
   */
  add(info: ChunkInfo, data: Uint8Array): Uint8Array | undefined {
    const { logger, maxMessageBytes } = this.options;
    if (this.retired.has(info.id)) {
      logger.debug('ignoring a chunk of a completed or dropped payload', { chunkId: info.id, index: info.index });
      return undefined;
    }
    if (info.total > maxMessageBytes) {
      this.drop(info.id, `payload of ${info.total} bytes exceeds the limit of ${maxMessageBytes} bytes`);
      return undefined;
    }
    let assembly = this.assemblies.get(info.id);
    if (assembly === undefined) {
      if (info.count === 1) {
        if (data.byteLength !== info.total) return this.reject(info.id, 'size does not match its header');
        this.retire(info.id);
        return data;
      }
      assembly = { id: info.id, count: info.count, total: info.total, startedAt: this.now(), parts: new Array(info.count), received: 0, bytes: 0 };
      this.assemblies.set(info.id, assembly);
      this.schedule();
    } else if (assembly.count !== info.count || assembly.total !== info.total) {
      this.drop(info.id, 'chunks disagree on the chunk count or size');
      return undefined;
    }
    if (assembly.parts[info.index] !== undefined) {
      logger.debug('ignoring a duplicate chunk', { chunkId: info.id, index: info.index });
      return undefined;
    }
    if (assembly.bytes + data.byteLength > assembly.total) {
      this.drop(info.id, 'chunks hold more bytes than the header declared');
      return undefined;
    }
    if (!this.makeRoom(data.byteLength, info.id)) return undefined;
    assembly.parts[info.index] = data;
    assembly.received++;
    assembly.bytes += data.byteLength;
    this.pendingBytesTotal += data.byteLength;
    if (assembly.received < assembly.count) return undefined;

    this.remove(assembly);
    this.retire(info.id);
    if (assembly.bytes !== assembly.total) return this.reject(info.id, 'size does not match its header');
    const whole = new Uint8Array(assembly.total);
    let offset = 0;
    for (const part of assembly.parts) {
      whole.set(part!, offset);
      offset += part!.byteLength;
    }
    return whole;
  }

  /** Drops payloads that have waited longer than `timeoutMs`. Returns how many were dropped. */
  sweep(now: number = this.now()): number {
    let count = 0;
    for (const assembly of [...this.assemblies.values()]) {
      if (now - assembly.startedAt < this.options.timeoutMs) continue;
      this.drop(assembly.id, `incomplete after ${this.options.timeoutMs} ms (${assembly.received} of ${assembly.count} chunks)`);
      count++;
    }
    for (const [id, at] of this.retired) {
      if (now - at < this.options.timeoutMs) break;
      this.retired.delete(id);
    }
    return count;
  }

  /** Forgets every pending payload and stops the timer. */
  dispose(): void {
    this.assemblies.clear();
    this.retired.clear();
    this.pendingBytesTotal = 0;
    this.unschedule();
  }

  /** Evicts the oldest other payloads until `bytes` more fit; false (and `id` dropped) if they cannot. */
  private makeRoom(bytes: number, id: string): boolean {
    const limit = this.options.maxPendingBytes;
    for (const other of this.assemblies.values()) {
      if (this.pendingBytesTotal + bytes <= limit) break;
      if (other.id === id) continue;
      this.drop(other.id, `evicted to keep reassembly memory under ${limit} bytes`);
    }
    if (this.pendingBytesTotal + bytes <= limit) return true;
    this.drop(id, `reassembly memory limit of ${limit} bytes reached`);
    return false;
  }

  private reject(id: string, reason: string): undefined {
    this.retire(id);
    this.options.logger.warn('dropping a chunked payload', { chunkId: id, reason });
    return undefined;
  }

  private drop(id: string, reason: string): void {
    const assembly = this.assemblies.get(id);
    if (assembly !== undefined) this.remove(assembly);
    this.reject(id, reason);
  }

  private retire(id: string): void {
    this.retired.delete(id);
    this.retired.set(id, this.now());
    if (this.retired.size > RETIRED_MEMORY) this.retired.delete(this.retired.keys().next().value!);
  }

  private remove(assembly: Assembly): void {
    this.assemblies.delete(assembly.id);
    this.pendingBytesTotal -= assembly.bytes;
    if (this.assemblies.size === 0) this.unschedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.options.autoSweep === false) return;
    const period = Math.max(10, Math.min(1000, Math.floor(this.options.timeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(), period);
    this.timer.unref();
  }

  private unschedule(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
