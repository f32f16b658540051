import { AskTimeoutError, CborSerializer, type ActorSystem } from '@armada/actors';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KeyObject } from 'node:crypto';
import { DefinitionUnavailableError, UntrustedModuleError } from '../errors.js';
import { DefinitionStore } from './definition-store.js';
import { DEFINITIONS_PATH, type ContentKind, type Fetch, type FetchReply } from './definitions-protocol.js';
import type { FunctionDef } from './function-def.js';
import { ModuleCache, type ModuleCacheOptions } from './module-cache.js';
import { trustedKeyFrom, verifyModule, type KeyInput } from './module-signing.js';
import { ShareCache } from './share-cache.js';
import { isSharedHandle, type SharedHandle } from './shared-handle.js';
import { SharedObjectStore } from './shared-object-store.js';

/** Options of a {@link DefinitionClient}, merged over {@link DEFINITION_CLIENT_DEFAULTS}. */
export interface DefinitionClientOptions {
  /** Disk cache of bundled modules. */
  readonly modules?: ModuleCacheOptions;
  /** Byte budget of the in-memory cache of shared values. */
  readonly shareCacheBytes?: number;
  /** Time allowed for one fetch ask before it is sent again. */
  readonly fetchTimeoutMs?: number;
  /**
   * Asks per fetch before it fails with `DefinitionUnavailableError`. Each ask is one request and
   * one reply on NATS core, either of which may be lost: at 20 % loss, 3 asks all fail 1 time in
   * 21 and 5 asks 1 time in 170.
   */
  readonly fetchAttempts?: number;
  /**
   * The ed25519 public key (PEM or `KeyObject`) of the masters this machine trusts. With it, the
   * machine runs only modules whose signature verifies with it, and no inline source function;
   * everything else fails its packets with `UntrustedModuleError` (logged). Without it, any code.
   */
  readonly trust?: KeyInput;
}

export const DEFINITION_CLIENT_DEFAULTS = {
  shareCacheBytes: 512 * 1024 * 1024,
  fetchTimeoutMs: 10_000,
  fetchAttempts: 5,
} as const;

/** Bytes a machine received from masters' definition servers. */
export interface IngressStats {
  readonly definitions: number;
  readonly moduleBytes: number;
  readonly sharedBytes: number;
  readonly fetches: number;
}

const cbor = new CborSerializer();

/**
 * A machine's side of shipping by hash: the definitions, module files and shared values it
 * holds, and the fetches of those it lacks from the master that named them. Concurrent
 * fetches of one hash share one ask. A fetch whose ask (or reply) is lost is asked again after
 * `fetchTimeoutMs`; after `fetchAttempts` it fails with `DefinitionUnavailableError`, as it does
 * at once when the master does not hold the hash. It never waits longer than
 * `fetchTimeoutMs * fetchAttempts`.
 */
export class DefinitionClient {
  readonly definitions = new DefinitionStore();
  readonly modules: ModuleCache;
  readonly shared: ShareCache;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Modules this process has on disk, by hash: the hot path (a job per call) touches no disk and no promise. */
  private readonly moduleUrls = new Map<string, string>();
  private received = { definitions: 0, moduleBytes: 0, sharedBytes: 0, fetches: 0 };

  private objectStore: SharedObjectStore | undefined;
  private readonly trust: KeyObject | undefined;

  constructor(
    private readonly system: ActorSystem,
    options: DefinitionClientOptions = {},
    /** The node's NATS connection, when on NATS: shared values in JetStream are read through it. */
    private readonly nats: () => NatsConnection | undefined = () => undefined,
  ) {
    const o = { ...DEFINITION_CLIENT_DEFAULTS, ...options };
    this.modules = new ModuleCache(o.modules, (hash) => this.moduleUrls.delete(hash));
    this.shared = new ShareCache(o.shareCacheBytes);
    this.timeoutMs = o.fetchTimeoutMs;
    this.attempts = o.fetchAttempts;
    this.trust = o.trust === undefined ? undefined : trustedKeyFrom(o.trust);
  }

  /** Whether this machine runs only signed modules. */
  get trusting(): boolean {
    return this.trust !== undefined;
  }

  /**
   * Throws `UntrustedModuleError` (and logs it) when this machine trusts a key and `def` is an
   * inline source function: sources are never signed, so a trusting machine runs modules only.
   */
  admit(def: FunctionDef, master: string): void {
    if (this.trust === undefined || def.kind === 'module') return;
    throw this.refuse(`inline function ${def.name ?? def.hash} from master ${master} refused: this machine runs only signed function modules (importFunctionFile)`);
  }

  /** What this machine fetched so far. */
  stats(): IngressStats {
    return { ...this.received };
  }

  /** The definition of `hash`: held, or fetched from the master on node `master`. */
  async definition(hash: string, master: string): Promise<FunctionDef> {
    const held = this.definitions.get(hash);
    if (held !== undefined) return held;
    return this.once(`d:${hash}`, async () => {
      const reply = (await this.fetch('definition', hash, master)) as { def: FunctionDef };
      this.received.definitions++;
      this.definitions.add(reply.def);
      return reply.def;
    });
  }

  /** The `file:` URL of module `hash` if this process already has it on disk. */
  knownModuleUrl(hash: string): string | undefined {
    return this.moduleUrls.get(hash);
  }

  /** The `file:` URL of module `hash` in the disk cache, fetched first when missing. */
  moduleUrl(hash: string, master: string): Promise<string> {
    return this.once(`m:${hash}`, async () => {
      // A trusting machine checks the signature of every module it loads, so it cannot take one from the disk cache unchecked.
      let url = this.trust === undefined ? await this.modules.get(hash) : undefined;
      if (url === undefined) {
        const { code, signature } = (await this.fetch('module', hash, master)) as { code: string; signature?: string };
        this.received.moduleBytes += Buffer.byteLength(code);
        if (this.trust !== undefined && !verifyModule(code, signature, this.trust)) {
          throw this.refuse(
            signature === undefined
              ? `module ${hash} from master ${master} refused: it is not signed (start the master with ARMADA_SIGNING_KEY or signingKey)`
              : `module ${hash} from master ${master} refused: its signature does not verify with this machine's trusted key`,
          );
        }
        url = await this.modules.put(hash, code);
      }
      this.moduleUrls.set(hash, url);
      return url;
    });
  }

  /**
   * The value of a shared handle, from the cache or fetched once: from the JetStream object store
   * when the handle says it is there (falling back to the master if that read fails), else from
   * the master.
   */
  sharedValue(handle: SharedHandle, master: string): Promise<unknown> {
    const hash = handle.armadaShared;
    const cached = this.shared.get(hash);
    if (cached !== undefined) return Promise.resolve(cached.value);
    return this.once(`s:${hash}`, async () => {
      let bytes = handle.store === 'jetstream' ? await this.fromObjectStore(hash) : undefined;
      bytes ??= ((await this.fetch('shared', hash, master)) as { bytes: Uint8Array }).bytes;
      this.received.sharedBytes += bytes.byteLength;
      const value = cbor.decode(bytes, (address) => this.system.refFor(address));
      this.shared.set(hash, value, bytes.byteLength);
      return value;
    });
  }

  /**
   * `args` with every shared handle (an argument, or an element of an array argument) swapped
   * for its value. Returns `args` itself when there is none.
   */
  async resolveShared(args: unknown[], master: string): Promise<unknown[]> {
    let out: unknown[] | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (isSharedHandle(arg)) (out ??= [...args])[i] = await this.sharedValue(arg, master);
      else if (Array.isArray(arg) && arg.some(isSharedHandle)) {
        (out ??= [...args])[i] = await Promise.all(arg.map((a) => (isSharedHandle(a) ? this.sharedValue(a, master) : a)));
      }
    }
    return out ?? args;
  }

  private async fromObjectStore(hash: string): Promise<Uint8Array | undefined> {
    const nc = this.nats();
    if (nc === undefined) return undefined;
    this.objectStore ??= SharedObjectStore.reader(nc);
    const limit = this.timeoutMs * this.attempts;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the object store within ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([this.objectStore.get(hash), timeout]);
    } catch (error) {
      this.system.log.warn('reading a shared value from JetStream failed; asking the master', { hash, error });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private refuse(message: string): UntrustedModuleError {
    const error = new UntrustedModuleError(message);
    this.system.log.error(message, { code: error.code });
    return error;
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = make().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetch(kind: ContentKind, hash: string, master: string): Promise<FetchReply & { found: true }> {
    const server = this.system.ref<Fetch>(master, DEFINITIONS_PATH);
    const msg: Fetch = { type: 'fetch', kind, hash, machine: this.system.node };
    let last: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let reply: FetchReply;
      try {
        reply = await server.ask<FetchReply>(msg, { timeoutMs: this.timeoutMs });
      } catch (error) {
        last = error;
        if (error instanceof AskTimeoutError) continue;
        break;
      }
      this.received.fetches++;
      if (!reply.found) throw new DefinitionUnavailableError(`master ${master} holds no ${kind} with hash ${hash}`);
      return reply;
    }
    throw new DefinitionUnavailableError(
      `could not fetch ${kind} ${hash} from master ${master} after ${this.attempts} attempt(s): ${(last as Error)?.message ?? String(last)}`,
      last,
      last instanceof AskTimeoutError,
    );
  }
}
