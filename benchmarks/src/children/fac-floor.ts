/**
 * The `w4-fac` suite's NATS floor: one of the processes that compute static shares of fac(n) on
 * their main thread and send the results back over raw nats.js, CBOR-encoded as the actor
 * transport encodes them, in messages of about `CHUNK_BYTES`. No scheduler, no protocol, no
 * worker thread: the least any `dmap` over NATS pays on this host to move the results (see the
 * suite). Started by the suite with `--url` and `--subject`; a request on the subject carries
 * `{ first, step, end, reply }` and is answered on `reply` with `{ indices, values }` messages,
 * then `{ done: count }`.
 */
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { CborSerializer } from '@armada/actors';
import { wideBigInt } from '@armada/actors/internal';
import { onStopRequest, signalFailed, signalReady } from '../lib/child.js';
import fac from './fac-worker.js';

/** Results per message: about this many bytes, below the server's default 1 MiB payload limit. */
const CHUNK_BYTES = 256 * 1024;

/** What the suite asks: n = first, first + step, ... below end, results to `reply`. */
export interface FloorRequest {
  first: number;
  step: number;
  end: number;
  reply: string;
}

/** A part of the results, or the end of them. */
export type FloorReply = { indices: number[]; values: unknown[] } | { done: number };

/** About how many bytes n! takes (Stirling), without building its digits. */
function facBytes(n: number): number {
  return n < 2 ? 1 : (n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n)) / Math.LN2 / 8;
}

const { values } = parseArgs({ options: { url: { type: 'string' }, subject: { type: 'string' } } });

try {
  if (values.url === undefined || values.subject === undefined) throw new Error('usage: fac-floor --url <nats-url> --subject <subject>');
  const nc = await connect({ servers: values.url, name: 'bench-fac-floor' });
  const wire = new CborSerializer();
  const noRefs = () => {
    throw new Error('fac-floor messages carry no actor refs');
  };
  nc.subscribe(values.subject, {
    callback: (error, msg) => {
      if (error !== null) return;
      const { first, step, end, reply } = wire.decode(msg.data, noRefs) as FloorRequest;
      const send = (m: FloorReply) => nc.publish(reply, wire.encode(m));
      let indices: number[] = [];
      let batch: unknown[] = [];
      let bytes = 0;
      let count = 0;
      for (let n = first; n < end; n += step) {
        const value = fac(n);
        indices.push(n);
        batch.push(wideBigInt(value));
        bytes += facBytes(n);
        count++;
        if (bytes >= CHUNK_BYTES) {
          send({ indices, values: batch });
          indices = [];
          batch = [];
          bytes = 0;
        }
      }
      if (indices.length > 0) send({ indices, values: batch });
      send({ done: count });
    },
  });
  await nc.flush();
  onStopRequest(async () => {
    if (!nc.isClosed()) await nc.close();
  });
  signalReady({ subject: values.subject, pid: process.pid });
} catch (error) {
  signalFailed(error);
}
