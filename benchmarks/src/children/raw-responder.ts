/**
 * The raw nats.js peer of the `transport`, `w1-tiny` and `w2-rtt` suites: answers every request
 * on `--subject` with its own payload (`msg.respond(msg.data)`). Started by `startRawBaseline`
 * (`lib/raw-nats.ts`).
 */
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { onStopRequest, signalFailed, signalReady } from '../lib/child.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, subject: { type: 'string' } } });

try {
  if (values.url === undefined || values.subject === undefined) throw new Error('usage: raw-responder --url <nats-url> --subject <subject>');
  const nc = await connect({ servers: values.url, name: 'bench-raw-responder' });
  let served = 0;
  nc.subscribe(values.subject, {
    callback: (error, msg) => {
      if (error !== null) return;
      served++;
      msg.respond(msg.data);
    },
  });
  await nc.flush();
  onStopRequest(async () => {
    if (!nc.isClosed()) await nc.close();
    if (process.env.BENCH_CHILD_VERBOSE === '1') console.error(`raw-responder served ${served} requests`);
  });
  signalReady({ subject: values.subject, pid: process.pid });
} catch (error) {
  signalFailed(error);
}
