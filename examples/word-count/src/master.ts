/**
 * The master: counts the words of Moby Dick (repeated --times times) on the cluster and checks the
 * histogram against a single-thread count.
 *
 *   node dist/src/master.js [--times 10] [--text PATH]           embedded: two in-process machines
 *   node dist/src/master.js --nats <url> -m 2 [--times 100]      over NATS: waits for 2 machines (start them with `npx armada machine --nats <url>`)
 */
import { parseArgs } from 'node:util';
import { Gluster } from '@armada/scheduler';
import { countDistributed, countLocal, readText, sameHistogram, totalWords } from './word-count.js';

const { values } = parseArgs({
  options: {
    nats: { type: 'string' },
    machines: { type: 'string', short: 'm', default: '2' },
    times: { type: 'string', default: '1' },
    text: { type: 'string' },
    'chunk-chars': { type: 'string', default: '262144' },
  },
});
const [machines, times, chunkChars] = [Number(values.machines), Number(values.times), Number(values['chunk-chars'])];
if (![machines, times, chunkChars].every((v) => Number.isInteger(v) && v > 0)) {
  console.error('usage: master.js [--nats <url>] [--machines <n>] [--times <n>] [--text <file>] [--chunk-chars <n>]');
  process.exit(2);
}
const { text, file } = readText(values.text);

// Embedded by default: the cluster starts its machines in this process, on the in-memory transport.
const g = values.nats === undefined ? await Gluster.start({ machines, agentsPerMachine: 1 }) : await Gluster.start({ nats: values.nats });
try {
  if (values.nats !== undefined) {
    console.log(`waiting for ${machines} machine(s) on ${values.nats} ...`);
    await g.cluster.waitForMachines(machines, 60_000);
  }
  let started = performance.now();
  const remote = await countDistributed(g, text, times, chunkChars);
  const remoteMs = performance.now() - started;
  started = performance.now();
  const local = countLocal(text, times);
  const localMs = performance.now() - started;
  const words = totalWords(local);
  console.log(`${file} x${times}: ${words} words, ${local.size} distinct`);
  console.log(`cluster ${remoteMs.toFixed(0)} ms (${Math.round(words / (remoteMs / 1000))} words/s), local ${localMs.toFixed(0)} ms`);
  const identical = sameHistogram(remote, local);
  console.log(`histograms identical: ${identical}`);
  const top = [...remote].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`most frequent: ${top.map(([w, n]) => `${w} ${n}`).join(', ')}`);
  if (!identical) process.exitCode = 1;
} finally {
  await g.close();
}
