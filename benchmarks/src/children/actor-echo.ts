/**
 * The actor peer of the `transport` suite: an ActorSystem over NATS hosting `/user/echo`, whose
 * `receive` returns its message, so every ask is answered with what it carried.
 */
import { parseArgs } from 'node:util';
import { Actor, ActorSystem } from '@armada/actors';
import { NatsTransport } from '@armada/transport-nats';
import { onStopRequest, signalFailed, signalReady } from '../lib/child.js';

/** Answers every ask with the message itself. */
export class Echo extends Actor<unknown> {
  receive(message: unknown): unknown {
    return message;
  }
}

const { values } = parseArgs({ options: { url: { type: 'string' }, name: { type: 'string', default: 'echo' } } });

try {
  if (values.url === undefined) throw new Error('usage: actor-echo --url <nats-url> [--name <actor name>]');
  const system = await ActorSystem.create({ name: 'bench-echo', transport: new NatsTransport({ servers: values.url, name: 'bench-actor-echo' }) });
  const ref = system.spawn(Echo, { name: values.name });
  onStopRequest(() => system.terminate());
  signalReady({ node: system.node, path: ref.address.path, pid: process.pid });
} catch (error) {
  signalFailed(error);
}
