/**
 * Suite `w8-serde` (WORKLOADS.md W8): what Armada's wire serializer (`CborSerializer`, the one
 * every transport uses) costs on top of raw cbor-x, on two payloads, each round-tripped (encode
 * then decode) in this process:
 *
 * - an 8 MiB `Float64Array`, 10 round trips per sample, as single ones are dominated by the
 *   allocator and collector (MB/s);
 * - 10,000 work packets, each its own `assign` message as the master sends it (a job header
 *   with the master's `ActorRef`, one index, one argument) (packets/s). Raw cbor-x encodes the
 *   same messages with the ref as its address string, since it has no `ActorRef` extension.
 *
 * Sides alternate which goes first each round; figures are medians over rounds. Headline: the
 * larger of the two Armada / raw time ratios.
 */
import { decode as rawDecode, encode as rawEncode } from 'cbor-x';
import { ActorSystem, CborSerializer, InMemoryNetwork, type ActorRef } from '@armada/actors';
import { formatFixed, formatNumber, formatRatio, intFlag, median, printTable, round, writeResults, type Suite, type SuiteValues } from '../lib/index.js';

const SUITE = 'w8-serde';
const TARGET = 'the transport adds <= 25 % on top of raw cbor-x (ratio <= 1.25)';

type Side = 'armada' | 'raw';
type Payload = 'float64' | 'packets';

function packetMessage(master: ActorRef<unknown> | string, i: number): unknown {
  return {
    type: 'assign',
    defs: [],
    batches: [
      {
        job: { id: 'master-1-2s', master, fn: 'Zm9vYmFyYmF6cXV1eGZvb2Jhcg', maxRetries: 3, retryErrors: false, stealable: true },
        indices: [i],
        args: [i * 1.5],
      },
    ],
  };
}

async function run(values: SuiteValues): Promise<void> {
  const rounds = intFlag(values, 'rounds');
  const packets = intFlag(values, 'packets');
  const mib = intFlag(values, 'mib');
  const reps = intFlag(values, 'reps');
  console.log(`suite ${SUITE}: ${rounds} rounds; ${mib} MiB Float64Array and ${formatNumber(packets)} one-packet assign messages, Armada's CborSerializer vs raw cbor-x`);

  const system = await ActorSystem.create({ name: 'w8', network: new InMemoryNetwork() });
  try {
    const serializer = new CborSerializer();
    const refs = (address: Parameters<ActorSystem['refFor']>[0]) => system.refFor(address);
    const master = system.ref<unknown>(system.node, '/user/armada-master');
    const array = Float64Array.from({ length: (mib * 1024 * 1024) / 8 }, (_, i) => i * 0.5);
    const armadaMessages = Array.from({ length: packets }, (_, i) => packetMessage(master, i));
    const rawMessages = Array.from({ length: packets }, (_, i) => packetMessage(master.toString(), i));

    const work: Record<Payload, Record<Side, () => void>> = {
      float64: {
        armada: () => {
          for (let i = 0; i < reps; i++) {
            const back = serializer.decode(serializer.encode(array), refs) as Float64Array;
            if (back.length !== array.length) throw new Error('Float64Array came back with another length');
          }
        },
        raw: () => {
          for (let i = 0; i < reps; i++) {
            const back = rawDecode(rawEncode(array)) as Float64Array;
            if (back.length !== array.length) throw new Error('Float64Array came back with another length');
          }
        },
      },
      packets: {
        armada: () => {
          for (const m of armadaMessages) serializer.decode(serializer.encode(m), refs);
        },
        raw: () => {
          for (const m of rawMessages) rawDecode(rawEncode(m));
        },
      },
    };
    const time = (fn: () => void) => {
      const started = performance.now();
      fn();
      return performance.now() - started;
    };
    // Warm both paths (JIT) before timing.
    for (const payload of ['float64', 'packets'] as const) for (const side of ['armada', 'raw'] as const) for (let i = 0; i < 3; i++) work[payload][side]();

    const samples: Record<Payload, Record<Side, number[]>> = { float64: { armada: [], raw: [] }, packets: { armada: [], raw: [] } };
    for (let r = 0; r < rounds; r++) {
      const order: Side[] = r % 2 === 0 ? ['armada', 'raw'] : ['raw', 'armada'];
      for (const payload of ['float64', 'packets'] as const) for (const side of order) samples[payload][side].push(time(work[payload][side]));
    }
    const ms = (p: Payload, s: Side) => median(samples[p][s]);
    const mbps = (s: Side) => (reps * mib * 1.048576) / (ms('float64', s) / 1000);
    const pps = (s: Side) => packets / (ms('packets', s) / 1000);
    const ratios = { float64: ms('float64', 'armada') / ms('float64', 'raw'), packets: ms('packets', 'armada') / ms('packets', 'raw') };

    printTable(
      [`median of ${rounds} rounds`, 'Armada ms', 'raw cbor-x ms', 'Armada', 'raw cbor-x', 'Armada / raw time'],
      [
        [`${reps} x ${mib} MiB Float64Array round trips`, formatFixed(ms('float64', 'armada'), 2), formatFixed(ms('float64', 'raw'), 2), `${formatNumber(mbps('armada'))} MB/s`, `${formatNumber(mbps('raw'))} MB/s`, formatRatio(ratios.float64)],
        [`${formatNumber(packets)} work packets`, formatFixed(ms('packets', 'armada'), 2), formatFixed(ms('packets', 'raw'), 2), `${formatNumber(pps('armada'))} /s`, `${formatNumber(pps('raw'))} /s`, formatRatio(ratios.packets)],
      ],
    );
    const worst = Math.max(ratios.float64, ratios.packets);
    const headline = {
      name: 'Armada serializer time / raw cbor-x time, worse of Float64Array and work packets',
      value: round(worst, 3),
      unit: 'x',
      baseline: 1,
      ratio: round(worst, 3),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: { rounds, packets, mib, reps },
      medians: {
        float64: { armadaMs: round(ms('float64', 'armada'), 3), rawMs: round(ms('float64', 'raw'), 3), armadaMBps: round(mbps('armada')), rawMBps: round(mbps('raw')), ratio: round(ratios.float64, 3) },
        packets: { armadaMs: round(ms('packets', 'armada'), 3), rawMs: round(ms('packets', 'raw'), 3), armadaPerSec: round(pps('armada')), rawPerSec: round(pps('raw')), ratio: round(ratios.packets, 3) },
      },
      samples,
      headline,
    });
    console.log(`\n${headline.name}: ${formatRatio(worst)} (target ${TARGET})`);
    console.log(`results: ${path}`);
  } finally {
    await system.terminate();
  }
}

export const w8SerdeSuite: Suite = {
  name: SUITE,
  description: "W8 serialisation: 8 MiB Float64Array and 10,000 work packets through Armada's serializer vs raw cbor-x",
  options: {
    rounds: { type: 'string', default: '9' },
    packets: { type: 'string', default: '10000' },
    mib: { type: 'string', default: '8' },
    reps: { type: 'string', default: '10' },
  },
  usage: ['--rounds N    timed rounds (default 9)', '--packets N   work packets per round (default 10000)', '--mib N       size of the Float64Array in MiB (default 8)',
    '--reps N      Float64Array round trips per sample (default 10)'],
  run,
};
