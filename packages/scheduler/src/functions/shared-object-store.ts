import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';

/** The JetStream object-store bucket shared values go to. */
export const SHARED_BUCKET = 'armada-shared';

/**
 * Shared values in a JetStream object store (`@nats-io/obj`): chunked, SHA-256 checked and, in a
 * NATS cluster, replicated by the server, so a master uploads a value once in total and every
 * machine reads it from the server rather than from the master. Objects are named by content
 * hash, so a value put twice is stored once.
 */
export class SharedObjectStore {
  private store: Promise<ObjectStore> | undefined;

  private constructor(private readonly nc: NatsConnection) {}

  /** A store on `nc`, or undefined when the server does not run JetStream. */
  static async probe(nc: NatsConnection): Promise<SharedObjectStore | undefined> {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      await jsm.getAccountInfo();
    } catch {
      return undefined;
    }
    return new SharedObjectStore(nc);
  }

  /** A store for reading on `nc` (the writer made sure the bucket exists). */
  static reader(nc: NatsConnection): SharedObjectStore {
    return new SharedObjectStore(nc);
  }

  /** Uploads `bytes` as `hash` unless the bucket has it already. Resolves with the bytes uploaded. */
  async put(hash: string, bytes: Uint8Array): Promise<number> {
    const store = await this.bucket(true);
    if ((await store.info(hash)) !== null) return 0;
    await store.putBlob({ name: hash }, bytes);
    return bytes.byteLength;
  }

  /** The bytes of `hash`, or undefined when the bucket does not hold them. */
  async get(hash: string): Promise<Uint8Array | undefined> {
    const store = await this.bucket(false);
    return (await store.getBlob(hash)) ?? undefined;
  }

  private bucket(create: boolean): Promise<ObjectStore> {
    const objm = new Objm(this.nc);
    this.store ??= (create ? objm.create(SHARED_BUCKET) : objm.open(SHARED_BUCKET)).catch((error: unknown) => {
      this.store = undefined;
      throw error;
    });
    return this.store;
  }
}
