/**
 * The master: computes factorials with map, pmap and dmap and prints how long each took.
 *
 *   node dist/src/master.js                       embedded: two in-process machines, in memory
 *   node dist/src/master.js --nats <url> -m 2     over NATS: waits for 2 machines (start them with `npx armada machine --nats <url>`)
 */
import { parseArgs } from 'node:util';
import { Cluster } from '@armada/scheduler';
import { compareFactorials } from './factorial.js';

const USAGE = 'usage: master.js [--nats <url>] [--machines <n>] [--up-to <n>]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      nats: { type: 'string' },
      machines: { type: 'string', short: 'm', default: '2' },
      'up-to': { type: 'string', short: 'n', default: '1000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(`${USAGE}\nMachines for --nats: npx armada machine --nats <url> (see the README)`);
  process.exit(0);
}
const machines = Number(values.machines);
const upTo = Number(values['up-to']);
if (!(Number.isInteger(machines) && machines > 0 && Number.isInteger(upTo) && upTo > 0)) {
  console.error(USAGE);
  process.exit(2);
}

// Embedded by default: the cluster starts its machines in this process, on the in-memory transport.
const cluster = values.nats === undefined ? await Cluster.start({ machines, agentsPerMachine: 1 }) : await Cluster.start({ nats: values.nats });
try {
  if (values.nats !== undefined) {
    console.log(`waiting for ${machines} machine(s) on ${values.nats} ...`);
    await cluster.waitForMachines(machines, 60_000);
  }
  const view = await cluster.view();
  console.log(`cluster: ${view.machines.map((m) => `${m.name} (${m.agents.length} agents)`).join(', ')}`);
  const times = await compareFactorials(cluster, upTo, (done, total) => {
    if (process.stderr.isTTY) process.stderr.write(`\rdmap ${done}/${total}`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(`fac(0..${upTo - 1}), results identical:`);
  for (const [name, ms] of Object.entries(times)) {
    console.log(`  ${name.padEnd(5)} ${ms.toFixed(1).padStart(9)} ms   ${(times.map / ms).toFixed(2)}x`);
  }
} finally {
  await cluster.close();
}
