/**
 * The raw nats.js request/reply baseline: a responder in its own process answers every request
 * with its payload (`msg.respond(msg.data)`); this process publishes with `reply: <inbox>.<id>`
 * and receives every answer on ONE `<inbox>.*` subscription, matching by id. That is what a
 * transport would do; `nc.request()` would open a subscription per call.
 */
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { startChild, type ChildHandle } from './child.js';
import { withTimeout } from './timeout.js';

const RAW_RESPONDER = new URL('../children/raw-responder.js', import.meta.url);

/** Requests over one shared reply-inbox subscription; any number may be outstanding. */
export class RawNatsRequester {
  private readonly inbox = createInbox();
  private readonly pending = new Map<number, { resolve: (data: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly payload: Uint8Array,
  ) {
    const prefixLength = this.inbox.length + 1;
    nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        if (error !== null) return;
        const id = Number(msg.subject.slice(prefixLength));
        const entry = this.pending.get(id);
        if (entry === undefined) return;
        this.pending.delete(id);
        if (msg.headers?.hasError) entry.reject(new Error(`raw request ${id} failed: ${msg.headers.code} ${msg.headers.description}`));
        else entry.resolve(msg.data);
      },
    });
  }

  /** Sends the payload; resolves with the answer. */
  request(): Promise<Uint8Array> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.nc.publish(this.subject, this.payload, { reply: `${this.inbox}.${id}` });
    });
  }

  /** Sends a few requests and throws unless each answer is byte-for-byte the payload. */
  async verify(): Promise<void> {
    for (let i = 0; i < 3; i++) checkEcho('raw', await this.request(), this.payload);
  }
}

/** Throws unless `reply` is a `Uint8Array` equal to `payload`; `label` names the side in the error. */
export function checkEcho(label: string, reply: unknown, payload: Uint8Array): void {
  const ok = reply instanceof Uint8Array && reply.byteLength === payload.byteLength && reply.every((b, i) => b === payload[i]);
  if (!ok) throw new Error(`${label}: the echo does not match the payload (got ${String(reply)})`);
}

/** Options of {@link startRawBaseline}. */
export interface RawBaselineOptions {
  /** The subject the responder serves. */
  subject: string;
  /** What every request carries. */
  payload: Uint8Array;
  /** Node flags of the responder process (e.g. `--cpu-prof`). */
  execArgv?: readonly string[];
}

/** A running responder process and a client connection with a requester on it. */
export interface RawBaseline {
  readonly responder: ChildHandle<{ subject: string }>;
  readonly connection: NatsConnection;
  readonly requester: RawNatsRequester;
  /** Closes the connection and stops the responder. Never rejects. */
  close(): Promise<void>;
}

/**
 * Starts the responder process against `url`, connects this process and checks the echo. If
 * anything fails, whatever was started is stopped before the error is thrown.
 */
export async function startRawBaseline(url: string, options: RawBaselineOptions): Promise<RawBaseline> {
  const responder = await startChild<{ subject: string }>({
    name: 'raw-responder',
    script: RAW_RESPONDER,
    args: ['--url', url, '--subject', options.subject],
    execArgv: options.execArgv ?? [],
  });
  let connection: NatsConnection | undefined;
  const close = async () => {
    if (connection !== undefined && !connection.isClosed()) await connection.close().catch(() => undefined);
    await responder.stop();
  };
  try {
    connection = await connect({ servers: url, name: 'bench-raw-client' });
    const requester = new RawNatsRequester(connection, responder.info.subject, options.payload);
    await withTimeout(requester.verify(), 10_000, 'raw echo check');
    return { responder, connection, requester, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A payload of `bytes` bytes with a recognisable pattern. */
export function patternPayload(bytes: number): Uint8Array {
  return new Uint8Array(bytes).map((_, i) => (i * 7 + 1) & 0xff);
}
