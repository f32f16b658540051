import { parseArgs } from 'node:util';
import { NatsTransport, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { playPingPong } from './ping-pong.js';

// `npm start` plays in memory; `--nats` starts a local nats-server (or uses --url) and plays over it.
const USAGE = 'usage: ping-pong [--rounds N] [--nats [--url nats://127.0.0.1:4222]]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '10000' },
      nats: { type: 'boolean', default: false },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be a positive integer, got ${values.rounds}`);
  process.exit(2);
}

let server: NatsServerHandle | undefined;
try {
  let url = values.url;
  if (values.nats && url === undefined) {
    server = await startNatsServer();
    url = server.url;
  }
  const over = url === undefined ? 'in memory' : `over NATS at ${url}`;
  console.log(`Armada ping-pong: ${rounds} hits between two actor systems, ${over}`);
  const result = await playPingPong({
    rounds,
    ...(url === undefined ? {} : { transport: () => new NatsTransport({ servers: url }) }),
  });
  const perHit = (result.elapsedMs * 1000) / result.hits;
  console.log(`${result.leftNode} <-> ${result.rightNode}: ${result.hits} hits in ${result.elapsedMs.toFixed(1)} ms (${perHit.toFixed(1)} µs per hit)`);
} catch (error) {
  console.error(`ping-pong failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
}
