/**
 * Suite `w7-recovery` (WORKLOADS.md W7): 5,000 packets of 5 ms (a timer) over 4 machine processes
 * x 2 agents; when half of the results are in (seen through the dmap `progress` callback), one
 * machine is killed with SIGKILL. Machines heartbeat every 250 ms; the master declares a machine
 * dead after 1,000 ms of silence, looking every 100 ms. The baseline is the same run without the
 * kill, in the same invocation; every run gets a fresh cluster, and the order alternates.
 *
 * Reported: whether every result is correct and delivered exactly once (progress never counts
 * past the total, the final array has one correct entry per input), the makespan with and without
 * the kill, the extra makespan, the measured failure-detection time (kill → the master's "machine
 * declared dead"), and the bound from WORKLOADS.md: detection time + the lost machine's share,
 * where the share is the time the survivors need for the work the lost machine would still have
 * done: (baseline makespan − kill time) × lost agents / surviving agents.
 */
import { ConsoleLogger, type Logger } from '@armada/actors';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  formatFixed,
  formatNumber,
  intFlag,
  median,
  printTable,
  round,
  startMachineCluster,
  UsageError,
  withTimeout,
  writeResults,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'w7-recovery';
const TARGET = '100 % of results, 0 duplicates';
const DEAD_MESSAGE = 'machine declared dead';

type Kind = 'baseline' | 'kill';

interface Params {
  packets: number;
  machines: number;
  agents: number;
  heartbeatMs: number;
  deadAfterMs: number;
  tickMs: number;
  killAt: number;
  rounds: number;
  timeoutMs: number;
}

interface RunResult {
  kind: Kind;
  makespanMs: number;
  correct: number;
  /** Results seen beyond the total: progress past it, plus extra entries in the final array. */
  duplicates: number;
  exactlyOnce: number;
  progressCalls: number;
  /** Whether `done` ever went down between progress calls. */
  progressWentBack: boolean;
  kill?: { machine: string; atMs: number; doneAtKill: number; detectedAfterMs: number | undefined };
  /** Results that arrived in each TIMELINE_BUCKET_MS after the start, for the recovery chart. */
  timeline: number[];
}

interface RoundResult {
  round: number;
  baseline: RunResult;
  kill: RunResult;
  extraMs: number;
  lostShareMs: number;
  boundMs: number;
}

/** The task: 5 ms on a timer, then a result that shows which input it came from. */
const fiveMs = async (x: number): Promise<number> => {
  await new Promise((r) => setTimeout(r, 5));
  return 2 * x + 1;
};
const expected = (x: number) => 2 * x + 1;

/** Passes everything to the console logger except the master's death notices, which it timestamps. */
class DeathRecorder implements Logger {
  private readonly console = new ConsoleLogger(undefined, 'master');
  readonly deaths: { machine: string; at: number; reason: string }[] = [];
  debug(message: string, fields?: Record<string, unknown>): void {
    this.console.debug(message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.console.info(message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    if (message === DEAD_MESSAGE) this.deaths.push({ machine: String(fields?.machine), at: performance.now(), reason: String(fields?.reason) });
    else this.console.warn(message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.console.error(message, fields);
  }
}

function readParams(values: SuiteValues): Params {
  const killAt = Number(values['kill-at']);
  if (!(killAt > 0 && killAt < 1)) throw new UsageError(`--kill-at must be a fraction between 0 and 1, got ${String(values['kill-at'])}`);
  return {
    packets: intFlag(values, 'packets'),
    machines: intFlag(values, 'machines', 2),
    agents: intFlag(values, 'agents'),
    heartbeatMs: intFlag(values, 'heartbeat-ms'),
    deadAfterMs: intFlag(values, 'dead-after-ms'),
    tickMs: intFlag(values, 'tick-ms'),
    killAt,
    rounds: intFlag(values, 'rounds'),
    timeoutMs: intFlag(values, 'timeout'),
  };
}

async function runOnce(url: string, params: Params, kind: Kind): Promise<RunResult> {
  const logger = new DeathRecorder();
  const machines = await startMachineCluster(url, {
    machines: params.machines,
    agents: params.agents,
    heartbeatMs: params.heartbeatMs,
    master: { deadAfterMs: params.deadAfterMs, tickMs: params.tickMs },
    logger,
    namePrefix: kind === 'kill' ? 'k' : 'b',
  });
  try {
    const { cluster } = machines;
    const inputs = Array.from({ length: params.packets }, (_, i) => i);
    // Untimed: loads every worker thread and ships the function.
    await withTimeout(cluster.dmap(fiveMs, inputs.slice(0, 8 * params.machines * params.agents)), params.timeoutMs, 'warm-up');

    const victim = machines.machines[0]!;
    let maxDone = 0;
    let lastDone = 0;
    let progressCalls = 0;
    let progressWentBack = false;
    let kill: RunResult['kill'];
    let killedAt = 0;
    const timeline: number[] = [];
    const start = performance.now();
    const out = await withTimeout(
      cluster.dmap(fiveMs, inputs, {
        progress: (done, total) => {
          progressCalls++;
          if (done < lastDone) progressWentBack = true;
          const bucket = Math.floor((performance.now() - start) / TIMELINE_BUCKET_MS);
          while (timeline.length <= bucket) timeline.push(0);
          timeline[bucket]! += Math.max(0, done - lastDone);
          lastDone = done;
          maxDone = Math.max(maxDone, done);
          if (kind === 'kill' && kill === undefined && done >= params.killAt * (total ?? params.packets)) {
            victim.process.kill('SIGKILL');
            killedAt = performance.now();
            kill = { machine: victim.info.name, atMs: killedAt - start, doneAtKill: done, detectedAfterMs: undefined };
          }
        },
      }),
      params.timeoutMs,
      `${kind} run`,
    );
    const makespanMs = performance.now() - start;

    let correct = 0;
    for (let i = 0; i < params.packets; i++) if (out[i] === expected(i)) correct++;
    const duplicates = Math.max(0, maxDone - params.packets) + Math.max(0, out.length - params.packets);
    if (kill !== undefined) {
      const death = logger.deaths.find((d) => d.machine === kill!.machine);
      kill.detectedAfterMs = death === undefined ? undefined : death.at - killedAt;
    }
    const others = logger.deaths.filter((d) => d.machine !== kill?.machine);
    if (others.length > 0) console.log(`  note: the master also declared dead: ${others.map((d) => `${d.machine} (${d.reason})`).join(', ')}`);
    return {
      kind,
      makespanMs,
      correct,
      duplicates,
      exactlyOnce: Math.max(0, correct - duplicates) / params.packets,
      progressCalls,
      progressWentBack,
      timeline,
      ...(kill !== undefined ? { kill } : {}),
    };
  } finally {
    await machines.close();
  }
}

function describeRun(r: RunResult): string {
  const base = `${formatFixed(r.makespanMs / 1000, 3)} s, ${formatNumber(r.correct)} correct, ${r.duplicates} duplicates`;
  if (r.kill === undefined) return base;
  const detected = r.kill.detectedAfterMs === undefined ? 'not detected' : `detected after ${formatNumber(Math.round(r.kill.detectedAfterMs))} ms`;
  return `${base}; killed ${r.kill.machine} at ${formatNumber(Math.round(r.kill.atMs))} ms (${formatNumber(r.kill.doneAtKill)} done), ${detected}`;
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const totalAgents = params.machines * params.agents;
  console.log(
    `suite ${SUITE}: ${formatNumber(params.packets)} packets of 5 ms (timer) over ${params.machines} machine processes x ${params.agents} agents; ` +
      `SIGKILL one machine at ${Math.round(params.killAt * 100)} % of results; ${params.rounds} rounds of (no kill, kill), fresh cluster per run`,
  );
  console.log(
    `failure detection: machines --heartbeat-ms ${params.heartbeatMs}; master { deadAfterMs: ${params.deadAfterMs}, tickMs: ${params.tickMs} } ` +
      `(detection within ${params.deadAfterMs + params.tickMs} ms of the last message heard)`,
  );

  let server: NatsServerHandle | undefined;
  try {
    server = await startNatsServer();
    const rounds: RoundResult[] = [];
    for (let r = 1; r <= params.rounds; r++) {
      const order: Kind[] = r % 2 === 1 ? ['baseline', 'kill'] : ['kill', 'baseline'];
      const results: Partial<Record<Kind, RunResult>> = {};
      for (const kind of order) {
        results[kind] = await runOnce(server.url, params, kind);
        console.log(`round ${r}/${params.rounds} ${kind === 'kill' ? 'kill    ' : 'no kill '}: ${describeRun(results[kind]!)}`);
      }
      const baseline = results.baseline!;
      const kill = results.kill!;
      const killAtMs = kill.kill?.atMs ?? 0;
      const lostShareMs = Math.max(0, baseline.makespanMs - killAtMs) * (params.agents / (totalAgents - params.agents));
      const detectionMs = kill.kill?.detectedAfterMs ?? params.deadAfterMs + params.tickMs;
      rounds.push({ round: r, baseline, kill, extraMs: kill.makespanMs - baseline.makespanMs, lostShareMs, boundMs: detectionMs + lostShareMs });
    }

    const med = (pick: (r: RoundResult) => number) => median(rounds.map(pick));
    const detections = rounds.flatMap((r) => (r.kill.kill?.detectedAfterMs !== undefined ? [r.kill.kill.detectedAfterMs] : []));
    const medians = {
      baselineMakespanMs: med((r) => r.baseline.makespanMs),
      killMakespanMs: med((r) => r.kill.makespanMs),
      extraMs: med((r) => r.extraMs),
      killAtMs: med((r) => r.kill.kill?.atMs ?? 0),
      detectionMs: detections.length > 0 ? median(detections) : undefined,
      lostShareMs: med((r) => r.lostShareMs),
      boundMs: med((r) => r.boundMs),
    };
    const worst = (kind: Kind) => ({
      exactlyOnce: Math.min(...rounds.map((r) => r[kind].exactlyOnce)),
      correct: Math.min(...rounds.map((r) => r[kind].correct)),
      duplicates: Math.max(...rounds.map((r) => r[kind].duplicates)),
    });
    const withKill = worst('kill');
    const without = worst('baseline');
    const withinBound = rounds.filter((r) => r.extraMs <= r.boundMs).length;

    console.log('');
    printTable(
      [`${params.rounds} rounds`, 'makespan s (median)', 'correct (worst)', 'duplicates (worst)', 'exactly once (worst)'],
      [
        ['no kill', formatFixed(medians.baselineMakespanMs / 1000, 3), `${formatNumber(without.correct)} / ${formatNumber(params.packets)}`, without.duplicates, `${(without.exactlyOnce * 100).toFixed(2)} %`],
        [`SIGKILL 1 of ${params.machines} at ${Math.round(params.killAt * 100)} %`, formatFixed(medians.killMakespanMs / 1000, 3), `${formatNumber(withKill.correct)} / ${formatNumber(params.packets)}`, withKill.duplicates, `${(withKill.exactlyOnce * 100).toFixed(2)} %`],
      ],
    );
    console.log('');
    printTable(
      ['recovery (median over rounds)', 'ms'],
      [
        ['kill time (after the start)', formatFixed(medians.killAtMs)],
        ['failure detection (kill → declared dead)', medians.detectionMs === undefined ? 'not observed' : formatFixed(medians.detectionMs)],
        [`lost machine's share ((no-kill makespan − kill time) x ${params.agents}/${totalAgents - params.agents})`, formatFixed(medians.lostShareMs)],
        ['bound = detection + share', formatFixed(medians.boundMs)],
        ['extra makespan (kill − no kill, paired)', formatFixed(medians.extraMs)],
      ],
    );
    console.log(`extra makespan within the bound in ${withinBound} of ${rounds.length} rounds`);

    const headline = {
      name: 'fraction of results delivered exactly once with one machine SIGKILLed at 50 % (worst round); baseline: the same without the kill',
      value: round(withKill.exactlyOnce, 4),
      unit: 'fraction',
      baseline: round(without.exactlyOnce, 4),
      ratio: without.exactlyOnce > 0 ? round(withKill.exactlyOnce / without.exactlyOnce, 4) : null,
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: {
        ...params,
        task: 'async (x) => { await new Promise((r) => setTimeout(r, 5)); return 2 * x + 1; }',
        machineFlags: `--agents ${params.agents} --heartbeat-ms ${params.heartbeatMs}`,
        master: { deadAfterMs: params.deadAfterMs, tickMs: params.tickMs },
        killTrigger: `dmap progress callback: done >= ${params.killAt} x total`,
        natsServer: server.url,
      },
      rounds: rounds.map((r) => ({
        round: r.round,
        baseline: runJson(r.baseline),
        kill: runJson(r.kill),
        extraMs: round(r.extraMs, 1),
        lostShareMs: round(r.lostShareMs, 1),
        boundMs: round(r.boundMs, 1),
        withinBound: r.extraMs <= r.boundMs,
      })),
      medians: {
        baselineMakespanMs: round(medians.baselineMakespanMs, 1),
        killMakespanMs: round(medians.killMakespanMs, 1),
        extraMs: round(medians.extraMs, 1),
        killAtMs: round(medians.killAtMs, 1),
        detectionMs: medians.detectionMs === undefined ? null : round(medians.detectionMs, 1),
        lostShareMs: round(medians.lostShareMs, 1),
        boundMs: round(medians.boundMs, 1),
      },
      bound: "extra makespan <= failure-detection time (measured) + the lost machine's share = (no-kill makespan - kill time) x lost agents / surviving agents",
      withinBound: { rounds: withinBound, of: rounds.length },
      delivery: { kill: withKill, baseline: without },
      headline,
    });
    console.log(`\n${headline.name}: ${headline.value} (target ${TARGET})`);
    console.log(`results: ${path}`);
  } finally {
    await server?.stop();
  }
}

/** Width of one bar of the results timeline. */
const TIMELINE_BUCKET_MS = 100;

function runJson(r: RunResult): Record<string, unknown> {
  return {
    makespanMs: round(r.makespanMs, 1),
    correct: r.correct,
    duplicates: r.duplicates,
    exactlyOnce: round(r.exactlyOnce, 4),
    progressCalls: r.progressCalls,
    progressWentBack: r.progressWentBack,
    ...(r.kill !== undefined
      ? {
          killed: r.kill.machine,
          killAtMs: round(r.kill.atMs, 1),
          doneAtKill: r.kill.doneAtKill,
          detectedAfterMs: r.kill.detectedAfterMs === undefined ? null : round(r.kill.detectedAfterMs, 1),
        }
      : {}),
    timeline: { bucketMs: TIMELINE_BUCKET_MS, results: r.timeline },
  };
}

export const w7RecoverySuite: Suite = {
  name: SUITE,
  description: 'W7 recovery: 5,000 packets of 5 ms over 4 machines, one SIGKILLed at 50 %; exactly-once delivery and extra makespan',
  options: {
    packets: { type: 'string', default: '5000' },
    machines: { type: 'string', default: '4' },
    agents: { type: 'string', default: '2' },
    'heartbeat-ms': { type: 'string', default: '250' },
    'dead-after-ms': { type: 'string', default: '1000' },
    'tick-ms': { type: 'string', default: '100' },
    'kill-at': { type: 'string', default: '0.5' },
    rounds: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '60000' },
  },
  usage: [
    '--packets N         packets of 5 ms (default 5000)',
    '--machines N        machine processes, at least 2 (default 4)',
    '--agents N          agents per machine (default 2)',
    '--heartbeat-ms MS   machine heartbeat period (default 250)',
    '--dead-after-ms MS  master: silence before a machine is declared dead (default 1000)',
    '--tick-ms MS        master: failure detector period (default 100)',
    '--kill-at F         fraction of results in when the machine is killed (default 0.5)',
    '--rounds N          rounds of (no kill, kill), alternating the order (default 3)',
    '--timeout MS        limit for each run (default 60000)',
  ],
  run,
};
