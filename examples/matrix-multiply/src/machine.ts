/**
 * A machine: one Agent+Worker pair per core, registered with every master on the NATS server.
 *
 *   node dist/src/machine.js --nats <url> [--name m1] [--agents 2]
 *
 * Start one per host (or several on one host, to try), then run master.ts with --nats.
 */
import { parseArgs } from 'node:util';
import { startMachine } from '@armada/scheduler';

const { values } = parseArgs({ options: { nats: { type: 'string' }, name: { type: 'string' }, agents: { type: 'string' } } });
if (values.nats === undefined) {
  console.error('usage: machine.js --nats <url> [--name <name>] [--agents <n>]');
  process.exit(2);
}
const machine = await startMachine({
  nats: values.nats,
  ...(values.name !== undefined ? { name: values.name } : {}),
  ...(values.agents !== undefined ? { agents: Number(values.agents) } : {}),
});
console.log(`machine ${machine.name} ready; Ctrl-C to stop`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void machine.close().then(() => process.exit(0)));
