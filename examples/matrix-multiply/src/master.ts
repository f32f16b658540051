/**
 * The master: multiplies two random n x n matrices on the cluster and checks C against a local multiply.
 *
 *   node dist/src/master.js [--n 512] [--jobs 16]             embedded: two in-process machines
 *   node dist/src/master.js --nats <url> -m 2 [--n 1024]       over NATS: waits for 2 machines (start them with `npx armada machine --nats <url>`)
 */
import { parseArgs } from 'node:util';
import { Gluster } from '@armada/scheduler';
import { maxDifference, multiplyDistributed, multiplyLocal, randomMatrix } from './matrix.js';

const { values } = parseArgs({
  options: {
    nats: { type: 'string' },
    machines: { type: 'string', short: 'm', default: '2' },
    n: { type: 'string', default: '512' },
    jobs: { type: 'string', default: '16' },
  },
});
const [machines, n, jobs] = [Number(values.machines), Number(values.n), Number(values.jobs)];
if (![machines, n, jobs].every((v) => Number.isInteger(v) && v > 0)) {
  console.error('usage: master.js [--nats <url>] [--machines <n>] [--n <size>] [--jobs <count>]');
  process.exit(2);
}

// Embedded by default: the cluster starts its machines in this process, on the in-memory transport.
const g = values.nats === undefined ? await Gluster.start({ machines, agentsPerMachine: 1 }) : await Gluster.start({ nats: values.nats });
try {
  if (values.nats !== undefined) {
    console.log(`waiting for ${machines} machine(s) on ${values.nats} ...`);
    await g.cluster.waitForMachines(machines, 60_000);
  }
  const a = randomMatrix(n, 1);
  const b = randomMatrix(n, 2);
  let started = performance.now();
  const c = await multiplyDistributed(g, a, b, n, jobs);
  const distributedMs = performance.now() - started;
  started = performance.now();
  const expected = multiplyLocal(a, b, n);
  const localMs = performance.now() - started;
  const diff = maxDifference(c, expected);
  console.log(`C = A·B, ${n} x ${n}, ${jobs} jobs: ${distributedMs.toFixed(0)} ms on the cluster, ${localMs.toFixed(0)} ms locally`);
  console.log(`largest difference from the local multiply: ${diff}`);
  const egress = g.cluster.transferStats();
  console.log(`master sent ${egress.sharedBytes} bytes of shared data (${egress.uploadedBytes} uploaded to JetStream); B is ${n * n * 8} bytes`);
  if (diff !== 0) process.exitCode = 1;
} finally {
  await g.close();
}
