import { randomBytes } from 'node:crypto';
import { connect, headers as natsHeaders, type ConnectionOptions, type Msg, type NatsConnection, type Status, type Subscription } from '@nats-io/transport-node';
import {
  InvalidArgumentError,
  ConsoleLogger,
  PayloadTooLargeError,
  TransportClosedError,
  type Logger,
  type NodeId,
  type Transport,
  type TransportHandlers,
} from '@armada/actors';
import { CHUNK_HEADER, Reassembler, chunkSizeFor, formatChunkHeader, parseChunkHeader, splitPayload } from './chunking.js';
import { AlreadyStartedError, NatsAuthError, NatsConnectError, NatsPublishError } from './errors.js';
import { Subjects, decodeCorrelationId, encodeCorrelationId } from './subjects.js';

/** Options of {@link NatsTransport}. Everything is optional; see {@link NATS_TRANSPORT_DEFAULTS}. */
export interface NatsTransportOptions {
  /** NATS server URL(s). Overrides `connection.servers`. Default `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /**
   * Passed through to the NATS client's `connect`, so every client option works: `token`,
   * `user`/`pass`, `authenticator` (nkey, creds, JWT), `tls`, timeouts. Values set here win over
   * the transport's reconnect defaults.
   */
  connection?: ConnectionOptions;
  /**
   * An existing connection to use instead of opening one. The transport never closes it: `close()`
   * only removes the transport's subscriptions.
   */
  nc?: NatsConnection;
  /** First subject token of every subject. Default `armada`. */
  prefix?: string;
  /** Second subject token: nodes only see nodes of the same cluster. Default `default`. */
  cluster?: string;
  /** Largest payload accepted by `send` and `reply`. Default 64 MiB. */
  maxMessageBytes?: number;
  /** A chunked payload still incomplete after this long is dropped with a warning. Default 30 000 ms. */
  chunkTimeoutMs?: number;
  /** Bound on the bytes held by incomplete chunked payloads. Default 256 MiB, at least `maxMessageBytes`. */
  maxReassemblyBytes?: number;
  /** Connection name shown by the NATS server. Default `armada`. */
  name?: string;
  /**
   * Where disconnects, reconnects and dropped input are reported. Default: a `ConsoleLogger`
   * (stderr, level from `ARMADA_LOG_LEVEL`, default `warn`).
   */
  logger?: Logger;
  /** Called for connection events (disconnected, reconnected, errors). Must not throw. */
  onEvent?: (event: NatsTransportEvent) => void;
}

/**
 * Connection events of a {@link NatsTransport}. `reconnected` is emitted only once the server has
 * the transport's subscriptions again, so messages sent to this node after it arrive.
 */
export type NatsTransportEvent =
  | { readonly type: 'disconnected'; readonly server: string }
  | { readonly type: 'reconnecting' }
  | { readonly type: 'reconnected'; readonly server: string }
  | { readonly type: 'error'; readonly error: Error }
  | { readonly type: 'slow-consumer'; readonly pending: number }
  | { readonly type: 'closed' };

/** The defaults every {@link NatsTransportOptions} is merged over. */
export const NATS_TRANSPORT_DEFAULTS = {
  servers: 'nats://127.0.0.1:4222',
  prefix: 'armada',
  cluster: 'default',
  maxMessageBytes: 64 * 1024 * 1024,
  chunkTimeoutMs: 30_000,
  maxReassemblyBytes: 256 * 1024 * 1024,
  name: 'armada',
  /** Reconnect forever: a node outlives NATS restarts. */
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  /** Used until the server has told its `max_payload` (the NATS default). */
  maxPayload: 1024 * 1024,
} as const;

type State = 'new' | 'starting' | 'started' | 'closed';

/**
 * A {@link Transport} over NATS core (no JetStream). Each node subscribes to one subject for
 * envelopes and one wildcard subject for replies (see `Subjects`).
 *
 * Guarantees: per-pair order and at-most-once delivery as NATS core gives them; payloads larger
 * than the server's `max_payload` are split into chunks and put back together before delivery,
 * up to `maxMessageBytes`; a correlated send to a node nobody serves is reported through
 * `onUndeliverable` as soon as the server answers "no responders"; the connection reconnects
 * forever and re-subscribes by itself. Malformed input is logged and dropped, never thrown.
 */
export class NatsTransport implements Transport {
  /** Largest payload `send` and `reply` accept. */
  readonly maxMessageBytes: number;
  private readonly subjects: Subjects;
  private readonly logger: Logger;
  private readonly reassembler: Reassembler;
  /** Node subjects by node id: building one checks the id, which is too slow for every send. */
  private readonly nodeSubjects = new Map<string, string>();
  /** Reply-subject prefixes by node id, for the same reason. */
  private readonly replyPrefixes = new Map<string, string>();
  /** This node's reply-subject prefix, once started. */
  private ownReplyPrefix = '';
  private readonly chunkIdPrefix = randomBytes(6).toString('base64url');
  private chunkCounter = 0;
  private state: State = 'new';
  private nc: NatsConnection | undefined;
  private ownsConnection = false;
  private subscriptions: Subscription[] = [];
  private statusIterator: (AsyncIterable<Status> & { stop?: () => void }) | undefined;
  private handlers: TransportHandlers | undefined;
  private starting: Promise<void> | undefined;
  private lastMaxPayload: number = NATS_TRANSPORT_DEFAULTS.maxPayload;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: NatsTransportOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? NATS_TRANSPORT_DEFAULTS.maxMessageBytes;
    if (!Number.isInteger(this.maxMessageBytes) || this.maxMessageBytes < 1) {
      throw new InvalidArgumentError(`maxMessageBytes must be a positive integer, got ${this.maxMessageBytes}`);
    }
    this.subjects = new Subjects(options.prefix ?? NATS_TRANSPORT_DEFAULTS.prefix, options.cluster ?? NATS_TRANSPORT_DEFAULTS.cluster);
    this.logger = options.logger ?? new ConsoleLogger(undefined, 'armada:nats');
    this.reassembler = new Reassembler({
      maxMessageBytes: this.maxMessageBytes,
      maxPendingBytes: Math.max(options.maxReassemblyBytes ?? NATS_TRANSPORT_DEFAULTS.maxReassemblyBytes, this.maxMessageBytes),
      timeoutMs: options.chunkTimeoutMs ?? NATS_TRANSPORT_DEFAULTS.chunkTimeoutMs,
      logger: this.logger,
    });
  }

  /** The NATS connection in use, once started. */
  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /**
   * Connects (unless given a connection), subscribes for `node` and resolves once the server has
   * the subscriptions, so messages sent to `node` from then on arrive. Rejects with
   * `NatsConnectError` (retryable) or `NatsAuthError` if NATS cannot be reached or refuses the
   * credentials, and with `TransportClosedError` if closed meanwhile. May be called once.
   */
  start(node: NodeId, handlers: TransportHandlers): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new TransportClosedError());
    if (this.state !== 'new') return Promise.reject(new AlreadyStartedError());
    this.starting = this.doStart(node, handlers);
    return this.starting;
  }

  private async doStart(node: NodeId, handlers: TransportHandlers): Promise<void> {
    const nodeSubject = this.subjects.node(node);
    this.state = 'starting';
    this.ownsConnection = this.options.nc === undefined;
    let nc: NatsConnection;
    try {
      nc = this.options.nc ?? (await this.connect());
    } catch (error) {
      if (this.state === 'starting') this.state = 'new';
      throw error;
    }
    // close() waits for this method, then releases the connection.
    this.nc = nc;
    if (this.closedMeanwhile()) throw new TransportClosedError('transport was closed while starting');
    this.ownReplyPrefix = this.subjects.replyPrefix(node);
    this.handlers = handlers;
    this.watchStatus(nc);
    try {
      this.subscriptions = [
        nc.subscribe(nodeSubject, { callback: (error, msg) => this.onEnvelope(error, msg) }),
        nc.subscribe(this.subjects.replyWildcard(node), { callback: (error, msg) => this.onReplyMessage(error, msg) }),
        nc.subscribe(this.subjects.announce(), { callback: (error, msg) => this.onEnvelope(error, msg) }),
      ];
      await nc.flush();
    } catch (error) {
      if (this.closedMeanwhile()) throw new TransportClosedError('transport was closed while starting', error);
      this.state = 'closed';
      this.closing = this.release(nc);
      await this.closing;
      throw new NatsConnectError(this.describeServers(), error);
    }
    if (this.closedMeanwhile()) throw new TransportClosedError('transport was closed while starting');
    this.lastMaxPayload = nc.info?.max_payload ?? this.lastMaxPayload;
    this.state = 'started';
    this.logger.debug('NATS transport started', { node, server: nc.getServer(), maxPayload: this.lastMaxPayload });
  }

  /**
   * Publishes `data` to `to`'s envelope subject, in chunks if it exceeds the server's
   * `max_payload`. With a correlation id, a missing node is reported via `onUndeliverable`.
   * Throws `PayloadTooLargeError` or `TransportClosedError` synchronously, sending nothing.
   */
  send(to: NodeId, data: Uint8Array, correlationId?: string): void {
    const nc = this.check(data);
    const subject = cached(this.nodeSubjects, to, () => this.subjects.node(to));
    const reply = correlationId === undefined ? undefined : this.ownReplyPrefix + encodeCorrelationId(correlationId);
    this.publish(nc, subject, data, reply);
  }

  /** Publishes a reply to `to`'s reply subject for `correlationId`. Throws like {@link send}. */
  reply(to: NodeId, correlationId: string, data: Uint8Array): void {
    const nc = this.check(data);
    const prefix = cached(this.replyPrefixes, to, () => this.subjects.replyPrefix(to));
    this.publish(nc, prefix + encodeCorrelationId(correlationId), data, undefined);
  }

  /** Publishes `data` on the cluster's announce subject, which every node subscribes to. Throws like {@link send}. */
  broadcast(data: Uint8Array): void {
    this.publish(this.check(data), this.subjects.announce(), data, undefined);
  }

  /**
   * Stops delivering, flushes what was sent and leaves: drains the connection if the transport
   * opened it, otherwise only removes its subscriptions. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.state = 'closed';
    this.reassembler.dispose();
    const starting = this.starting;
    this.closing = (async () => {
      if (starting !== undefined) await starting.catch(() => undefined);
      if (this.nc !== undefined) await this.release(this.nc);
    })();
    return this.closing;
  }

  private async release(nc: NatsConnection): Promise<void> {
    try {
      if (this.ownsConnection) {
        if (!nc.isClosed() && !nc.isDraining()) await nc.drain();
      } else {
        for (const sub of this.subscriptions) sub.unsubscribe();
        this.statusIterator?.stop?.();
        if (!nc.isClosed()) await nc.flush();
      }
    } catch (error) {
      this.logger.warn('error while closing the NATS transport', { error });
    } finally {
      this.subscriptions = [];
    }
  }

  /** `close()` may run while `start()` awaits; a method call keeps the compiler from narrowing `state`. */
  private closedMeanwhile(): boolean {
    return this.state === 'closed';
  }

  private async connect(): Promise<NatsConnection> {
    const options: ConnectionOptions = {
      name: this.options.name ?? NATS_TRANSPORT_DEFAULTS.name,
      maxReconnectAttempts: NATS_TRANSPORT_DEFAULTS.maxReconnectAttempts,
      reconnectTimeWait: NATS_TRANSPORT_DEFAULTS.reconnectTimeWait,
      ...this.options.connection,
      servers: this.options.servers ?? this.options.connection?.servers ?? NATS_TRANSPORT_DEFAULTS.servers,
    };
    try {
      return await connect(options);
    } catch (error) {
      const servers = this.describeServers();
      if (isAuthError(error)) throw new NatsAuthError(servers, error);
      throw new NatsConnectError(servers, error);
    }
  }

  private check(data: Uint8Array): NatsConnection {
    if (this.state !== 'started') throw new TransportClosedError(this.state === 'closed' ? 'transport is closed' : 'transport is not started');
    if (data.byteLength > this.maxMessageBytes) throw new PayloadTooLargeError(data.byteLength, this.maxMessageBytes);
    return this.nc!;
  }

  private publish(nc: NatsConnection, subject: string, data: Uint8Array, reply: string | undefined): void {
    const maxPayload = nc.info?.max_payload ?? this.lastMaxPayload;
    this.lastMaxPayload = maxPayload;
    try {
      if (data.byteLength <= maxPayload) {
        nc.publish(subject, data, reply === undefined ? undefined : { reply });
        return;
      }
      const chunks = splitPayload(data, chunkSizeFor(maxPayload));
      const id = `${this.chunkIdPrefix}${(this.chunkCounter++).toString(36)}`;
      for (let index = 0; index < chunks.length; index++) {
        const h = natsHeaders();
        h.set(CHUNK_HEADER, formatChunkHeader({ id, index, count: chunks.length, total: data.byteLength }));
        nc.publish(subject, chunks[index], index === 0 && reply !== undefined ? { reply, headers: h } : { headers: h });
      }
    } catch (error) {
      if (nc.isClosed() || nc.isDraining()) throw new TransportClosedError('NATS connection is closed', error);
      throw new NatsPublishError(subject, error);
    }
  }

  /** Turns a NATS message into a whole payload: itself, or the completed chunked payload. */
  private payloadOf(msg: Msg): Uint8Array | undefined {
    const h = msg.headers;
    if (h === undefined || !h.has(CHUNK_HEADER)) return msg.data;
    const info = parseChunkHeader(h.get(CHUNK_HEADER));
    if (info === undefined) {
      this.logger.warn('dropping a message with a malformed chunk header', { subject: msg.subject, header: h.get(CHUNK_HEADER) });
      return undefined;
    }
    return this.reassembler.add(info, msg.data);
  }

  private onEnvelope(error: Error | null, msg: Msg): void {
    if (this.state === 'closed') return;
    if (error !== null) {
      this.logger.warn('envelope subscription error', { error });
      return;
    }
    try {
      const data = this.payloadOf(msg);
      if (data !== undefined) this.handlers!.onMessage(data);
    } catch (thrown) {
      this.logger.error('dropped an envelope: handling it threw', { error: thrown, subject: msg.subject });
    }
  }

  private onReplyMessage(error: Error | null, msg: Msg): void {
    if (this.state === 'closed') return;
    if (error !== null) {
      this.logger.warn('reply subscription error', { error });
      return;
    }
    try {
      const subject = msg.subject;
      const correlationId = subject.startsWith(this.ownReplyPrefix) ? decodeCorrelationId(subject.slice(this.ownReplyPrefix.length)) : undefined;
      if (correlationId === undefined) {
        this.logger.warn('dropping a reply with a malformed subject', { subject: msg.subject });
        return;
      }
      const h = msg.headers;
      if (h !== undefined && h.hasError) {
        if (h.code === 503) {
          this.handlers!.onUndeliverable(correlationId);
        } else {
          this.logger.warn('dropping a status message on a reply subject', { subject: msg.subject, status: h.status });
        }
        return;
      }
      const data = this.payloadOf(msg);
      if (data === undefined) return;
      this.handlers!.onReply(correlationId, data);
    } catch (thrown) {
      this.logger.error('dropped a reply: handling it threw', { error: thrown, subject: msg.subject });
    }
  }

  private watchStatus(nc: NatsConnection): void {
    const iterator = nc.status() as AsyncIterable<Status> & { stop?: () => void };
    this.statusIterator = iterator;
    void (async () => {
      try {
        for await (const status of iterator) this.onStatus(nc, status);
      } catch (error) {
        this.logger.debug('NATS status stream ended', { error });
      }
      if (this.ownsConnection && this.state !== 'closed') {
        this.logger.error('NATS connection closed for good; the transport can no longer send', { error: await nc.closed() });
        this.emit({ type: 'closed' });
      }
    })();
  }

  private onStatus(nc: NatsConnection, status: Status): void {
    switch (status.type) {
      case 'disconnect':
        this.logger.warn('disconnected from NATS', { server: status.server });
        this.emit({ type: 'disconnected', server: status.server });
        break;
      case 'reconnecting':
        this.emit({ type: 'reconnecting' });
        break;
      case 'reconnect':
        // Subscriptions are re-sent on reconnect; the flush makes sure the server has them.
        nc.flush().then(
          () => {
            this.logger.info('reconnected to NATS', { server: status.server });
            this.emit({ type: 'reconnected', server: status.server });
          },
          (error: unknown) => this.logger.debug('flush after reconnect failed', { error }),
        );
        break;
      case 'error':
        this.logger.warn('NATS reported an error', { error: status.error });
        this.emit({ type: 'error', error: status.error });
        break;
      case 'slowConsumer':
        this.logger.warn('NATS slow consumer: messages are being dropped', { pending: status.pending });
        this.emit({ type: 'slow-consumer', pending: status.pending });
        break;
      case 'close':
        break;
      default:
        this.logger.debug('NATS status', { status: status.type });
    }
  }

  private emit(event: NatsTransportEvent): void {
    if (this.options.onEvent === undefined || this.state === 'closed') return;
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.logger.error('onEvent listener threw', { error, event: event.type });
    }
  }

  private describeServers(): string {
    const servers = this.options.servers ?? this.options.connection?.servers ?? NATS_TRANSPORT_DEFAULTS.servers;
    return Array.isArray(servers) ? servers.join(', ') : String(servers);
  }
}

function isAuthError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AuthorizationError' || error.name === 'UserAuthenticationExpiredError') return true;
  return error.cause instanceof Error && isAuthError(error.cause);
}

/** Looks `key` up, building and remembering the value on a miss; forgets all past 10,000 keys. */
function cached(map: Map<string, string>, key: string, build: () => string): string {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= 10_000) map.clear();
    value = build();
    map.set(key, value);
  }
  return value;
}
